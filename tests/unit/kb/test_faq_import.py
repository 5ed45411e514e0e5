"""Issue #13 part 1: ``puhui kb import-faq`` / ``POST /v1/kb/faq/import`` — a bank's FAQ file (.xlsx,
.csv, .jsonl) becomes validated corpus FAQ files, with errors by row, nothing half-written,
deterministic ids, idempotent re-import and an incremental ingest that re-indexes only what changed."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli import faq_cmds, kb_cmds
from core.settings import Settings
from kb.corpus import load_corpus
from kb.faq_import import ColumnMap, FaqImportError, import_faq
from kb.faq_scope import load_scope
from kb.service import KnowledgeBase
from server.api import kb as kb_api
from server.ratelimit import RateLimiter
from server.security import ApiKeys
from tests.unit.kb.fakes import HashEmbedder

STAFF_KEY = "unit-staff-key-0013"
ROWS = [("银行卡丢了怎么办", "请立即拨打客服热线挂失。", "卡丢了|卡片遗失", "银行卡"),
        ("信用卡年费多少", "首年免年费，刷卡满6次免次年年费。", "", "信用卡"),
        ("营业部", "周一至周五 9:00-17:00 营业。", "", "网点")]


def write_csv(path: Path, rows, header=("标准问题", "答案", "相似问题", "分类")) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_csv_import_writes_one_validated_file_per_category_with_stable_ids_and_origins(tmp_path):
    src = write_csv(tmp_path / "jining_faq.csv", ROWS)
    calls = []
    report = import_faq(src, tmp_path / "corpus", progress=lambda stage, done, total: calls.append((stage, done, total)))
    assert (report.name, report.rows, report.entries, report.similar) == ("jining_faq", 3, 3, 2)
    assert calls == [("Validating rows", 3, 3)]
    assert len(report.written) == 3 and all(p.startswith("faq/imported/jining_faq/") for p in report.written)
    corpus = load_corpus(tmp_path / "corpus")
    assert corpus.errors == [] and {e.category for e in corpus.faqs} == {"银行卡", "信用卡", "网点"}
    lost = next(e for e in corpus.faqs if e.question == "银行卡丢了怎么办")
    assert lost.similar == ["卡丢了", "卡片遗失"] and lost.origin == "jining_faq.csv:2"
    assert lost.id.startswith("faq_jining_faq_")
    again = import_faq(src, tmp_path / "corpus")  # same file: same bytes, nothing written
    assert again.written == [] and len(again.unchanged) == 3
    assert {e.id for e in load_corpus(tmp_path / "corpus").faqs} == {e.id for e in corpus.faqs}


def test_xlsx_with_a_paraphrase_sheet_and_english_headers(tmp_path):
    book = openpyxl.Workbook()
    main = book.active
    main.append(["Question", "Answer", "Category", "Channel"])
    main.append(["How do I reset my PIN?", "Visit any branch with your ID card.", "cards", "branch"])
    main.append(["Opening hours", 95516, "branch", None])  # a number cell: read as text
    para = book.create_sheet("similar")
    para.append(["standard_question", "similar"])
    para.append(["How do I reset my PIN?", "forgot my PIN"])
    para.append(["How do I reset my PIN?", "PIN reset"])
    book.save(tmp_path / "Bank FAQ.xlsx")
    report = import_faq(tmp_path / "Bank FAQ.xlsx", tmp_path / "corpus")
    assert report.name == "bank_faq" and report.entries == 2 and report.similar == 2
    faqs = {e.question: e for e in load_corpus(tmp_path / "corpus").faqs}
    assert faqs["How do I reset my PIN?"].similar == ["forgot my PIN", "PIN reset"]
    assert faqs["How do I reset my PIN?"].channel == "branch" and faqs["Opening hours"].answer == "95516"


def test_jsonl_and_column_flags(tmp_path):
    src = tmp_path / "faq.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"FAQ标题": "转账限额多少", "回复内容": "单笔5万元，可在手机银行调整。", "相似": ["转账上限"]},
        {"FAQ标题": "挂失", "回复内容": "95516"}]), encoding="utf-8")
    with pytest.raises(FaqImportError, match="no question or answer column"):
        import_faq(src, tmp_path / "corpus")
    with pytest.raises(FaqImportError, match="column '标题' .*not found"):
        import_faq(src, tmp_path / "corpus", columns=ColumnMap(question="标题", answer="回复内容"))
    report = import_faq(src, tmp_path / "corpus", name="weihai",
                        columns=ColumnMap(question="FAQ标题", answer="回复内容", similar="相似"))
    assert report.entries == 2 and report.similar == 1
    assert {e.category for e in load_corpus(tmp_path / "corpus").faqs} == {"常见问题"}


def test_any_invalid_row_writes_nothing_unless_skip_invalid(tmp_path):
    root = tmp_path / "corpus"
    import_faq(write_csv(tmp_path / "bank.csv", ROWS), root)
    before = snapshot(root)
    bad = write_csv(tmp_path / "bank.csv", [*ROWS, ("", "没有问题的答案", "", "网点"), ("营业部", "重复", "", "网点"),
                                            ("没有答案", "  ", "", "网点")])
    with pytest.raises(FaqImportError) as info:
        import_faq(bad, root)
    assert info.value.problems == ["bank.csv:5: question: String should have at least 1 character",
                                   "bank.csv:6: question '营业部' duplicates row 4",
                                   "bank.csv:7: answer: String should have at least 1 character"]
    assert snapshot(root) == before  # nothing half-written
    report = import_faq(bad, root, skip_invalid=True)
    assert report.entries == 3 and len(report.invalid) == 3 and report.written == []  # valid rows unchanged
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FaqImportError, match="unsupported file type .txt"):
        import_faq(tmp_path / "notes.txt", root)


def write_xls(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A real Excel 97-2003 workbook (BIFF8), written with xlwt."""
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value, dates) if isinstance(value, date) else sheet.write(r, c, value)
    book.save(str(path))
    return path


def test_legacy_xls_workbook_with_a_paraphrase_sheet_numbers_and_dates(tmp_path):
    src = write_xls(tmp_path / "威海FAQ.xls", {
        "FAQ": [["标准问题", "答案", "分类"],
                ["银行卡丢了怎么办", "请立即拨打客服热线挂失。", "银行卡"],
                [None, None, None],  # a blank row is skipped, row numbers stay the file's
                ["客服热线是多少", 95516.0, "服务"],
                ["新规何时生效", date(2026, 1, 1), "服务"]],
        "相似问法": [["标准问题", "相似问题"], ["银行卡丢了怎么办", "卡丢了"], ["银行卡丢了怎么办", "卡片遗失怎么挂失"]]})
    assert src.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # a real OLE2/BIFF file, not an .xlsx renamed
    report = import_faq(src, tmp_path / "corpus", name="weihai")
    assert (report.rows, report.entries, report.similar, report.invalid) == (3, 3, 2, [])
    faqs = {e.question: e for e in load_corpus(tmp_path / "corpus").faqs}
    assert faqs["银行卡丢了怎么办"].similar == ["卡丢了", "卡片遗失怎么挂失"]
    assert faqs["银行卡丢了怎么办"].origin == "威海FAQ.xls:2" and faqs["新规何时生效"].origin == "威海FAQ.xls:5"
    assert faqs["客服热线是多少"].answer == "95516" and faqs["新规何时生效"].answer == "2026-01-01"
    assert import_faq(src, tmp_path / "corpus", name="weihai").written == []  # same bytes again

    bad = write_xls(tmp_path / "bad.xls", {"FAQ": [["问题", "答案"], ["挂失", ""], ["挂失", "拨打热线"]]})
    with pytest.raises(FaqImportError) as info:
        import_faq(bad, tmp_path / "corpus")
    assert info.value.problems == ["bad.xls:2: answer: String should have at least 1 character"]
    assert not (tmp_path / "corpus" / "faq" / "imported" / "bad").exists()


def test_a_workbook_is_read_by_its_content_not_its_name(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["问题", "答案"])
    book.active.append(["转账限额多少", "单笔5万元，可在手机银行调整。"])
    book.save(tmp_path / "export.xls")  # an .xlsx that a bank's system named .xls
    assert import_faq(tmp_path / "export.xls", tmp_path / "corpus").entries == 1
    write_xls(tmp_path / "legacy.xlsx", {"FAQ": [["问题", "答案"], ["挂失", "请拨打客服热线办理挂失。"]]})
    assert import_faq(tmp_path / "legacy.xlsx", tmp_path / "corpus").entries == 1
    (tmp_path / "page.xls").write_text("<html><table><tr><td>问题</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(FaqImportError, match=r"page\.xls:1: not an Excel workbook"):
        import_faq(tmp_path / "page.xls", tmp_path / "corpus")
    (tmp_path / "broken.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(FaqImportError, match=r"broken\.xls:1: not a readable \.xls workbook"):
        import_faq(tmp_path / "broken.xls", tmp_path / "corpus")


def test_edited_row_reindexes_only_that_entry(tmp_path):
    root = tmp_path / "corpus"
    src = write_csv(tmp_path / "bank.csv", ROWS)
    import_faq(src, root)
    kb = KnowledgeBase(index_dir=tmp_path / "index", corpus_dir=root, embedder=HashEmbedder(), collection="test-import")
    first = kb.ingest()
    assert first.errors == [] and first.chunks_total == 3 * 2 + 2  # questions + answers + 2 similar
    write_csv(src, [ROWS[0], (ROWS[1][0], "首年免年费。", "", "信用卡"), ROWS[2]])
    report = import_faq(src, root)
    assert len(report.written) == 1 and len(report.unchanged) == 2
    edit = kb.ingest()
    assert edit.chunks_added == 1 and edit.chunks_deleted == 1 and len(edit.changed) == 1
    assert kb.search("信用卡年费多少", k=1)[0].answer == "首年免年费。"
    write_csv(src, ROWS[:2])  # a category gone: its file is removed, and so are its records
    assert len(import_faq(src, root).removed) == 1
    assert kb.ingest().chunks_total == 2 * 2 + 2


@pytest.fixture
def cli(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "var")
    kb = KnowledgeBase(index_dir=settings.index_dir, corpus_dir=corpus, embedder=HashEmbedder(), collection="test-import")
    monkeypatch.setattr(kb_cmds, "kb_of", lambda get_settings: kb)
    monkeypatch.setattr(faq_cmds, "kb_of", lambda get_settings: kb)
    monkeypatch.chdir(tmp_path)
    app = typer.Typer()
    faq_cmds.register(app, lambda: settings)
    return app, corpus, kb


def _run(app, *args):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_cli_import_faq_then_ingest_and_errors_by_row(cli, tmp_path):
    app, corpus, kb = cli
    src = write_csv(tmp_path / "jining.csv", ROWS)
    code, out = _run(app, "kb", "import-faq", str(src))
    assert code == 0 and "3 rows → 3 entries" in out and "ingest: files: +3" in out
    assert kb.search("银行卡丢了怎么办", k=1)[0].title == "银行卡丢了怎么办"
    code, out = _run(app, "kb", "import-faq", str(src))
    assert code == 0 and "written=0 unchanged=3" in out and "chunks: +0 -0" in out  # idempotent
    bad = write_csv(tmp_path / "jining.csv", [*ROWS, ("没有答案的问题", "", "", "网点")])
    before = snapshot(corpus)
    code, out = _run(app, "kb", "import-faq", str(bad))
    assert code == 1 and "jining.csv:5: answer" in out and "未写入任何文件" in out and "Traceback" not in out
    assert snapshot(corpus) == before
    code, out = _run(app, "kb", "import-faq", str(bad), "--skip-invalid")
    assert code == 0 and "1 skipped (see var/import-skipped.txt)" in out
    code, out = _run(app, "kb", "import-faq", str(src), "--into", str(tmp_path / "elsewhere"))
    assert code == 2 and "--into" in out
    assert _run(app, "kb", "import-faq", "/no/such.csv")[0] == 2


def kb_api_app(services: SimpleNamespace, keys: str = f"{STAFF_KEY}:staff:unit") -> FastAPI:
    """The kb router alone over ``services``, with these API keys and no effective rate limit."""
    app = FastAPI()
    app.include_router(kb_api.router)
    app.state.services = services
    app.state.api_keys = ApiKeys(keys)
    app.state.rate_limiter = RateLimiter(100_000)
    return app


def test_api_faq_import_staff_only_with_row_errors(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    kb = KnowledgeBase(index_dir=tmp_path / "index", corpus_dir=corpus, embedder=HashEmbedder(), collection="test-import")
    app = kb_api_app(SimpleNamespace(kb=kb), f"{STAFF_KEY}:staff:unit\ncust-key-0013:c1")
    data = write_csv(tmp_path / "bank.csv", ROWS).read_bytes()
    with TestClient(app, headers={"X-API-Key": STAFF_KEY}) as c:
        assert c.post("/v1/kb/faq/import", files={"file": ("bank.csv", data)},
                      headers={"X-API-Key": "cust-key-0013"}).status_code == 403  # a customer key: refused
        ok = c.post("/v1/kb/faq/import", files={"file": ("bank.csv", data)}, data={"name": "jining"})
        assert ok.status_code == 200 and ok.json()["imported"]["entries"] == 3 and ok.json()["ingest"]["chunks_total"] == 8
        bad = write_csv(tmp_path / "bank.csv", [*ROWS, ("营业部", "重复", "", "网点")]).read_bytes()
        got = c.post("/v1/kb/faq/import", files={"file": ("bank.csv", bad)}, data={"name": "jining"})
        body = got.json().get("detail", got.json())
        assert got.status_code == 422 and body["fields"][0]["message"] == "bank.csv:5: question '营业部' duplicates row 4"
        for upload in [("notes.txt", b"x"), ("bank.xlsx", b"not a workbook"), ("bank.csv", "问题,答案\n".encode("gbk")),
                       ("bank.csv", b""), ("bank.jsonl", b"{oops\n"), ("", data)]:
            got = c.post("/v1/kb/faq/import", files={"file": upload})
            body = got.json().get("detail", got.json())
            field = (body["fields"][0]["field"] if isinstance(body, dict)  # ours; FastAPI's own (app.py reshapes it):
                     else ".".join(map(str, body[0]["loc"])))
            assert got.status_code == 422 and field.endswith("file"), (upload[0], got.text)
        assert c.post("/v1/kb/faq/import", files={"file": ("bank.csv", data)}, data={"name": "Bad Name"}).status_code == 422
    assert kb.stats().chunks == 8  # the refused import changed nothing


def test_api_faq_import_replace_records_the_scope_and_refreshes_the_bot(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    kb = KnowledgeBase(index_dir=tmp_path / "index", corpus_dir=corpus, embedder=HashEmbedder(), collection="test-import")
    forgotten = []
    app = kb_api_app(SimpleNamespace(kb=kb, settings=SimpleNamespace(data_dir=tmp_path / "var"),
                                     forget_corpus=lambda: forgotten.append(True)))
    data = write_csv(tmp_path / "bank.csv", ROWS).read_bytes()
    with TestClient(app, headers={"X-API-Key": STAFF_KEY}) as c:
        plain = c.post("/v1/kb/faq/import", files={"file": ("bank.csv", data)}, data={"name": "jining"})
        assert plain.status_code == 200 and plain.json()["faq_scope"] is None and forgotten == [True]
        got = c.post("/v1/kb/faq/import", files={"file": ("bank.csv", data)}, data={"name": "jining", "replace": "true"})
        assert got.status_code == 200, got.text
        scope = got.json()["faq_scope"]
        assert scope["name"] == "jining" and scope["file"] == "bank.csv" and scope["entries"] == 3
        assert load_scope(tmp_path / "var").folder == (corpus / "faq" / "imported" / "jining").resolve()
        assert c.post("/v1/kb/faq/import", files={"file": ("bank.csv", data)},
                      data={"replace": "maybe"}).status_code == 422
