"""Issue #20: a real bank's FAQ loads as it is, beside ours, and an index is never dropped silently.

One test (or group) per point of the issue: optional similar questions; short entries warned, not
rejected, after trimming; ``kb.check_corpus`` checks the configured corpus; removal needs --prune;
several roots side by side with a source filter (KB, CLI, API); skipped entries summarised in one line
and written to a file (--strict: an error); batch search with hit@k. The "done when" test indexes a
~1,000-entry plain question/answer table beside the built-in corpus with 0 rejections. A hash embedder
keeps it fast (retrieval quality is measured elsewhere).
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from types import SimpleNamespace

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rich.console import Console
from typer.testing import CliRunner

import kb as kb_package
from cli import kb_cmds
from core.settings import Settings
from eval.batch_search import QueryRow, read_queries, run_batch
from kb import check_corpus
from kb.chunking import faq_file_chunks
from kb.corpus import load_corpus
from kb.ingest import PRUNE_LIMIT, PruneRequired
from kb.retrieval.retrieve import Passage
from kb.service import KnowledgeBase
from kb.sources import MAIN_SOURCE, CorpusRoot, parse_extra_corpora, source_of
from server.api import kb as kb_api
from server.ratelimit import RateLimiter
from server.security import ApiKeys
from tests.conftest import SHARED_DATA
from tests.unit.kb.fakes import HashEmbedder

BUILTIN = Path(kb_package.__file__).parent / "corpus"
UNIONPAY = Path("bank_qa") / "unionpay_faq" / "unionpay_faq_pairs.csv"
STAFF_KEY = "unit-staff-key-0020"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_table(path: Path, rows: list[tuple[str, ...]], header: tuple[str, ...] | None = ("问题", "答案")) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t" if path.suffix == ".tsv" else ",")
        if header:
            w.writerow(header)
        w.writerows(rows)
    return path


def hash_kb(root: Path, corpus: Path, extra: list[CorpusRoot] | None = None) -> KnowledgeBase:
    return KnowledgeBase(index_dir=root / "index", corpus_dir=corpus, embedder=HashEmbedder(),
                         collection="test-bank", extra_roots=extra or [])


# ---- similar questions optional, id and category derived ---------------------------------------
def test_plain_question_answer_entries_load_without_similar_id_or_category(tmp_path):
    write(tmp_path / "faq" / "bank_service.yaml", """\
- question: 信用卡怎么激活？
  answer: 可通过手机银行或拨打客服热线激活信用卡。
- question: 网银登录密码忘了怎么办
  similar:
  answer: 请携带身份证到任一网点重置，或在手机银行「安全中心」自助重置。
- id: faq_with_similar
  category: 账户
  question: 如何开户？
  similar: [开户流程]
  answer: 携带身份证到网点办理。
""")
    corpus = load_corpus(tmp_path)
    assert corpus.errors == []
    plain, no_similar, full = corpus.faqs
    assert plain.id.startswith("faq_") and plain.category == "bank_service" and plain.similar == []
    assert no_similar.similar == [] and full.id == "faq_with_similar" and full.similar == ["开户流程"]
    assert [e.id for e in load_corpus(tmp_path).faqs] == [e.id for e in corpus.faqs]  # deterministic
    assert [c.kind for c in faq_file_chunks([plain], "faq/bank_service.yaml")] == ["standard", "answer"]
    assert "similar" in {c.kind for c in faq_file_chunks([full], "faq/bank_service.yaml")}  # used when present


# ---- short entries: warned, not rejected; whitespace trimmed before any rule -----------------
def test_short_entries_are_warned_and_whitespace_is_trimmed_before_rules(tmp_path):
    write_table(tmp_path / "faq" / "short.csv", [
        ("抽奖", "请关注手机银行活动页面的抽奖规则。"),
        ("营业部 \t", "*#06#  "),                 # short question and code-only answer
        ("开户流程   ", "0123456789\n  "),          # exactly at the limits once trimmed: no warning
        ("   ", "空白问题不能索引"),                   # blank after trimming: the one rejection
    ])
    corpus = load_corpus(tmp_path)
    assert [(e.question, e.answer) for e in corpus.faqs] == [
        ("抽奖", "请关注手机银行活动页面的抽奖规则。"), ("营业部", "*#06#"), ("开户流程", "0123456789")]
    warned = [str(w) for w in corpus.warnings]
    assert len(warned) == 3 and all(w.startswith("faq/short.csv:") for w in warned)
    assert "'抽奖'" in warned[0] and "'营业部'" in warned[1] and "'*#06#'" in warned[2]
    assert len(corpus.errors) == 1 and "question" in corpus.errors[0].message
    assert str(corpus.errors[0]).startswith("faq/short.csv:6: ")  # the row after a 2-line cell


def test_faq_tables_with_or_without_a_header(tmp_path):
    write_table(tmp_path / "a" / "faq.tsv", [("卡丢了怎么办", "请立即挂失。", "银行卡丢失|卡片遗失", "银行卡")], header=None)
    write_table(tmp_path / "b" / "faq.csv", [("How do I reset my PIN?", "Visit any branch with your ID.", "")],
                header=("Question", "Answer", "Similar"))
    write_table(tmp_path / "c" / "faq.csv", [("x", "y")], header=("问题", "备注"))
    a, b, c = (load_corpus(tmp_path / d) for d in "abc")
    assert a.errors == [] and a.faqs[0].similar == ["银行卡丢失", "卡片遗失"] and a.faqs[0].category == "银行卡"
    assert b.errors == [] and b.faqs[0].question == "How do I reset my PIN?" and b.faqs[0].similar == []
    assert not c.faqs and "no answer column" in str(c.errors[0])


# ---- kb.check_corpus checks the configured corpus ----------------------------------------------
def test_check_corpus_without_arguments_checks_the_configured_corpus(tmp_path, monkeypatch, capsys):
    bad = write_table(tmp_path / "bank" / "faq.csv", [("营业部", "*#06#"), ("没有答案的问题", " ")]).parent.parent
    monkeypatch.setenv("PUHUI_CORPUS_DIR", str(bad))
    assert check_corpus.main([]) == 1
    out = capsys.readouterr().out
    assert str(bad) in out and "errors=1" in out and "warnings=2" in out and "faq=1" in out
    assert "bank/faq.csv:3: entry 2 answer" in out

    good = write_table(tmp_path / "jining" / "faq.csv", [("营业部", "周一至周五 9:00-17:00 营业。")])
    monkeypatch.delenv("PUHUI_CORPUS_DIR")
    monkeypatch.setenv("PUHUI_EXTRA_CORPORA", f"jining={good.parent}")
    assert check_corpus.main([]) == 0  # the built-in corpus and the bank's, each checked
    out = capsys.readouterr().out
    assert f"[{MAIN_SOURCE}] {BUILTIN.resolve()}" in out and f"[jining] {good.parent}" in out
    assert "jining:faq.csv:2: warning:" in out

    monkeypatch.setenv("PUHUI_EXTRA_CORPORA", "jining")
    assert check_corpus.main([]) == 2 and "name=path" in capsys.readouterr().out


def test_extra_corpora_spec():
    roots = parse_extra_corpora("jining=/data/jn, weihai = /data/wh ;")
    assert [(r.name, r.path) for r in roots] == [("jining", Path("/data/jn")), ("weihai", Path("/data/wh"))]
    assert roots[0].key("faq/a.csv") == "jining:faq/a.csv" and source_of("jining:faq/a.csv") == "jining"
    assert source_of("faq/cards.yaml") == MAIN_SOURCE
    for bad in ("jining", "Jining=/x", f"{MAIN_SOURCE}=/x", "a=/x,a=/y", "x=", "=/x"):
        with pytest.raises(ValueError, match="extra_corpora"):
            parse_extra_corpora(bad)


# ---- removal needs --prune -------------------------------------------------------------------
def _five_files(root: Path) -> Path:
    for i in range(5):
        write_table(root / "faq" / f"topic{i}.csv", [(f"第{i}类问题怎么办理", f"第{i}类问题请到网点咨询办理。")])
    return root


def test_ingest_refuses_to_remove_more_than_a_few_files_without_prune(tmp_path):
    corpus = _five_files(tmp_path / "ours")
    kb = hash_kb(tmp_path, corpus)
    assert len(kb.ingest().added) == 5
    before_files, before_ids = kb.manifest.files(), kb.store.ids()
    elsewhere = write_table(tmp_path / "bank" / "faq.csv", [("营业部", "营业时间9点至17点。")]).parent
    with pytest.raises(PruneRequired) as info:
        kb.ingest(corpus_dir=elsewhere)
    assert info.value.paths == [f"faq/topic{i}.csv" for i in range(5)]
    assert kb.manifest.files() == before_files and kb.store.ids() == before_ids  # nothing written
    assert len(kb.search("第3类问题", k=3)) >= 1
    report = kb.ingest(corpus_dir=elsewhere, prune=True)
    assert len(report.deleted) == 5 and report.added == ["faq.csv"]
    # removing up to PRUNE_LIMIT files is an ordinary edit
    for i in range(PRUNE_LIMIT):
        (corpus / "faq" / f"topic{i}.csv").unlink()
    kb.ingest(prune=True)  # back to the first folder
    kb2 = hash_kb(tmp_path / "second", _five_files(tmp_path / "ours2"))
    kb2.ingest()
    for i in range(PRUNE_LIMIT):
        (tmp_path / "ours2" / "faq" / f"topic{i}.csv").unlink()
    assert len(kb2.ingest().deleted) == PRUNE_LIMIT


# ---- several roots side by side, search by source ------------------------------------------------
@pytest.fixture
def two_roots(tmp_path, write_corpus) -> KnowledgeBase:
    ours = write_corpus(tmp_path / "ours")
    bank = tmp_path / "jining"
    write_table(bank / "faq" / "service.csv", [("银行卡丢了怎么办", "济宁分行：请拨打 0537 热线挂失。"),
                                                ("营业部", "周一至周五营业。")])
    write(bank / "faq" / "service.yaml", "- question: 信用卡年费多少\n  answer: 首年免年费，刷卡满6次免次年年费。\n")
    kb = hash_kb(tmp_path, ours, [CorpusRoot("jining", bank)])
    report = kb.ingest()
    assert report.errors == [] and "jining:faq/service.yaml" in report.added and "faq/service.yaml" in report.added
    return kb


def test_two_roots_are_indexed_side_by_side_and_search_filters_by_source(two_roots):
    kb = two_roots
    assert kb.sources() == ["jining", MAIN_SOURCE]
    assert kb.stats().by_source["jining"] == 6  # 3 entries x (question + answer)
    mine = kb.search("银行卡丢了怎么办", k=5, source="jining")
    assert mine and {p.corpus for p in mine} == {"jining"} and mine[0].source == "jining:faq/service.csv"
    assert mine[0].answer.startswith("济宁分行")
    ours = kb.search("银行卡丢了怎么办", k=10, source=MAIN_SOURCE)
    assert ours and all(p.corpus == MAIN_SOURCE for p in ours) and ours[0].faq_id == "faq_card_lost"
    assert all(p.corpus == "jining" for p in kb.search("银行卡", k=5, doc_type="faq", source="jining"))


def test_api_search_by_source_and_unknown_source_is_422(two_roots):
    app = FastAPI()
    app.include_router(kb_api.router)
    app.state.services = SimpleNamespace(kb=two_roots)
    app.state.api_keys, app.state.rate_limiter = ApiKeys(f"{STAFF_KEY}:staff:unit"), RateLimiter(100_000)
    with TestClient(app, headers={"X-API-Key": STAFF_KEY}) as c:
        got = c.post("/v1/kb/search", json={"query": "营业部", "source": "jining"})
        assert got.status_code == 200 and got.json() and {p["corpus"] for p in got.json()} == {"jining"}
        bad = c.post("/v1/kb/search", json={"query": "营业部", "source": "weihai"})
        body = bad.json().get("detail", bad.json())  # app.py's handler flattens it; a bare router nests it
        assert bad.status_code == 422 and body["fields"][0]["field"] == "body.source" and "jining" in body["error"]
        assert c.post("/v1/kb/search", json={"query": "营业部", "source": "Bad Name"}).status_code == 422
        assert c.get("/v1/kb/sources").json() == two_roots.stats().by_source
        assert c.get("/v1/kb/sources", headers={"X-API-Key": "nope"}).status_code == 401  # staff only


# ---- the CLI: prune, skipped summary, --strict, --source, batch search ---------------------------
@pytest.fixture
def cli(tmp_path, monkeypatch):
    corpus = _five_files(tmp_path / "corpus")
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "bank_runtime_state_directory")
    kb = hash_kb(tmp_path, corpus)
    monkeypatch.setattr(kb_cmds, "kb_of", lambda get_settings: kb)
    monkeypatch.setattr(kb_cmds, "err", Console(stderr=True, width=40))  # a narrow terminal
    monkeypatch.chdir(tmp_path)
    app = typer.Typer()
    kb_cmds.register(app, lambda: settings)
    return app, settings, corpus


def _run(app, *args):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_cli_ingest_lists_what_it_would_remove_and_needs_prune_or_yes(cli, tmp_path):
    app, _, corpus = cli
    assert _run(app, "ingest")[0] == 0
    other = write_table(tmp_path / "other" / "faq.csv", [("营业部", "营业时间9点至17点。")]).parent
    code, out = _run(app, "ingest", "--corpus", str(other))
    assert code == 2 and "未做任何修改" in out and "- faq/topic4.csv" in out and "--prune" in out
    assert "Traceback" not in out
    code, out = _run(app, "ingest", "--corpus", str(other), "--yes")
    assert code == 0 and "删除文件" in out and "已移除 faq/topic0.csv" in out and "另有 0 个" not in out


def test_cli_skipped_entries_one_line_summary_file_and_strict(cli):
    app, settings, corpus = cli
    write_table(corpus / "faq" / "broken.csv", [("没有答案", ""), ("营业部", "*#06#")])
    code, out = _run(app, "ingest")
    skipped = settings.data_dir / "ingest-skipped.txt"
    assert code == 0
    assert "1 skipped (see bank_runtime_state_directory/ingest-skipped.txt)" in out.splitlines()  # whole, on its own line at width 40
    assert "2 warnings (see bank_runtime_state_directory/ingest-warnings.txt)" in out.splitlines()
    assert skipped.read_text(encoding="utf-8").startswith("faq/broken.csv:2: entry 1 answer")
    assert "'*#06#'" in (settings.data_dir / "ingest-warnings.txt").read_text(encoding="utf-8")
    code, out = _run(app, "ingest", "--strict")
    assert code == 1 and "1 skipped" in out
    write_table(corpus / "faq" / "broken.csv", [("营业部", "周一至周五营业。")])
    assert _run(app, "ingest", "--strict")[0] == 0 and not skipped.exists()  # an old list never lingers


def test_cli_batch_search_prints_hit_at_k_and_writes_results(cli, tmp_path):
    app, _, _ = cli
    _run(app, "ingest")
    queries = write(tmp_path / "log.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"query": "第2类问题怎么办理", "expected": "第2类问题怎么办理"},
        {"query": "第3类问题怎么办理", "expected": "一个不存在的标准问题"},
        {"query": "第4类问题"}]) + "\n")
    code, out = _run(app, "search", "--queries", str(queries), "--out", "res/results.jsonl", "--k", "3")
    assert code == 0 and "queries=3 labelled=2" in out and "hit@1=0.500 hit@3=0.500 MRR@3=0.500" in out
    rows = [json.loads(x) for x in (tmp_path / "res" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3 and rows[0]["hit_rank"] == 1 and rows[1]["hit_rank"] is None and "hit_rank" not in rows[2]
    assert rows[0]["hits"][0]["corpus"] == MAIN_SOURCE
    write(tmp_path / "bad.jsonl", '{"query": "ok"}\n{"query": "   "}\n')
    code, out = _run(app, "search", "--queries", str(tmp_path / "bad.jsonl"))
    assert code == 2 and "bad.jsonl:2" in out and "Traceback" not in out
    code, out = _run(app, "search", "营业部", "--source", "weihai")
    assert code == 2 and "--source" in out and MAIN_SOURCE in out
    assert _run(app, "search")[0] == 2  # neither a query nor --queries


def test_run_batch_matches_the_expected_question_by_title_or_faq_id(tmp_path):
    rows = read_queries(write(tmp_path / "q.txt", "卡丢了\n\n营业时间\n"))
    assert rows == [QueryRow(query="卡丢了"), QueryRow(query="营业时间")]
    hit = Passage(chunk_id="c1", text="卡丢了", score=1.0, doc_id="faq_card_lost", doc_type="faq",
                  title="银行卡丢了怎么办？", section="", source="faq/cards.yaml", kind="similar", faq_id="faq_card_lost")
    other = hit.model_copy(update={"chunk_id": "c2", "doc_id": "faq_x", "faq_id": "faq_x", "title": "营业时间"})
    labelled = [QueryRow(query="卡丢了", expected="faq_card_lost"), QueryRow(query="卡丢了", expected="銀行卡丟了怎麼辦？"),
                QueryRow(query="卡丢了", expected="营业时间"), QueryRow(query="卡丢了", expected="没有这个问题")]
    summary = run_batch(labelled, lambda q: [hit, other], tmp_path / "o.jsonl", 2)
    assert (summary.labelled, summary.hit_at_1, summary.hit_at_k, summary.mrr) == (4, 0.5, 0.75, 0.625)
    assert not (tmp_path / "o.jsonl.tmp").exists()


# ---- done when: ~1,000 real-looking plain entries beside the built-in corpus, 0 rejections --------
def bank_faq_rows(shared: Path | None, n: int = 1000) -> list[tuple[str, str]]:
    """~1,000 (question, answer) pairs: the UnionPay FAQ's standard questions plus distinct user wordings
    (read in place from the shared data) when present, else generated; short ones always included."""
    rows: dict[str, str] = {"抽奖": "活动详情请见手机银行「活动」页面。", "营业部": "请在手机银行「网点」查询。",
                            "查余额": "*#1#", "挂失": "95516", "转账": "见「我的-安全中心」。"}
    if shared is not None and (shared / UNIONPAY).is_file():
        with (shared / UNIONPAY).open(encoding="utf-8-sig") as fh:
            table = list(csv.DictReader(fh))
        for r in table:
            rows.setdefault(r["label_std_question"], r["answer"])
        for r in table:
            if len(rows) >= n:
                break
            rows.setdefault(r["question"], r["answer"])
    rng = random.Random(20)
    topics = ["信用卡", "借记卡", "手机银行", "网银", "贷款", "理财", "转账", "外汇", "社保卡", "ETC"]
    acts = ["怎么开通", "如何注销", "收费吗", "额度是多少", "忘记密码怎么办", "在哪里办理", "需要什么材料"]
    while len(rows) < n:
        q = f"{rng.choice(topics)}{rng.choice(acts)}{len(rows)}"
        rows.setdefault(q, f"{q}：请登录手机银行查看，或拨打客服热线咨询，具体以网点公告为准。")
    return list(rows.items())[:n]


def test_a_banks_plain_faq_of_1000_entries_indexes_beside_the_builtin_corpus_with_0_rejections(tmp_path):
    rows = bank_faq_rows(SHARED_DATA if SHARED_DATA.exists() else None)
    assert len(rows) == 1000 and sum(len(q) < 4 for q, _ in rows) >= 5
    bank = write_table(tmp_path / "bank" / "faq.csv", rows).parent
    kb = hash_kb(tmp_path, BUILTIN, [CorpusRoot("bank", bank)])
    report = kb.ingest()
    assert report.errors == []  # 0 rejections, ours and theirs
    assert report.warnings and all(w.startswith("bank:faq.csv:") for w in report.warnings)
    stats = kb.stats()
    assert stats.by_source["bank"] == 2 * 1000  # every entry: its question + its answer
    assert stats.by_source[MAIN_SOURCE] > 1000
    assert kb.search(rows[0][0], k=1, source="bank")[0].title == rows[0][0]
