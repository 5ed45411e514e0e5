"""知识库 tab handlers without a browser: upload → write → cache refresh, re-index progress, errors as text."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core.services import Services
from core.settings import Settings
from kb.ingest import IngestReport, PruneRequired
from server.ui import kb_tab
from tests.unit.ui.test_corpus_upload import FAQ, PRODUCT, industry


class FakeKB:
    """Stands in for kb.service.KnowledgeBase: reports progress like the real ingest does."""

    def __init__(self, fail: bool = False, block: threading.Event | None = None, prune: list[str] | None = None):
        self.fail, self.block, self.calls, self.prune = fail, block, [], prune

    def ingest(self, progress=None, *, full=False):
        self.calls.append(full)
        if self.block:
            self.block.wait(5)
        progress("Scanning corpus", 3, 3)
        if self.prune:
            raise PruneRequired(self.prune)
        if self.fail:
            raise RuntimeError("disk full at /secret/path")
        progress("Embedding chunks", 5, 10)
        progress("Embedding chunks", 10, 10)
        progress("Building BM25", 1, 1)
        return IngestReport(changed=["industries/danyang_eyewear.md"], unchanged=2, chunks_added=3, chunks_deleted=2,
                            chunks_total=40, seconds=0.4)

    def search(self, *a, **k):
        raise ConnectionError("chroma down")


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, value, desc=None):
        self.calls.append((value, desc))


@pytest.fixture
def services(tmp_path: Path) -> Services:
    root = tmp_path / "corpus"
    for rel, text in {"products/prod_tax_loan.md": PRODUCT, "industries/danyang_eyewear.md": industry(),
                      "faq/loans.yaml": FAQ}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    svc = Services(Settings(_env_file=None, data_dir=tmp_path / "data", corpus_dir=root))
    svc.__dict__["kb"] = FakeKB()
    return svc


def test_valid_upload_is_written_and_the_cached_corpus_is_refreshed(services, tmp_path):
    assert services.corpus.industry("danyang_eyewear").name == "丹阳眼镜制造"
    upload = tmp_path / "new.md"
    upload.write_text(industry(name="丹阳眼镜片制造"), encoding="utf-8")
    text, written = kb_tab.upload_document(services, str(upload))
    assert written and "已替换" in text and "industries/danyang_eyewear.md" in text
    assert services.corpus.industry("danyang_eyewear").name == "丹阳眼镜片制造"


def test_invalid_upload_lists_file_line_problems_and_writes_nothing(services, tmp_path):
    target = services.settings.corpus_dir / "industries" / "danyang_eyewear.md"
    before = target.read_text(encoding="utf-8")
    upload = tmp_path / "bad.md"
    upload.write_text(industry(product="prod_missing").replace("risk_grade: 2", "risk_grade: 7"), encoding="utf-8")
    text, written = kb_tab.upload_document(services, str(upload))
    assert not written and "未保存" in text and "知识库未作任何修改" in text
    assert "`bad.md:" in text and "risk_grade" in text
    assert target.read_text(encoding="utf-8") == before
    assert kb_tab.upload_document(services, None)[1] is False


def test_reindex_reports_progress_in_chinese_and_summarises(services):
    progress = Recorder()
    text = kb_tab.reindex(services, progress, full=True)
    assert services.kb.calls == [True]
    assert ((5, 10), "计算向量 5/10") in progress.calls and ((1, 1), "建立关键词索引 1/1") in progress.calls
    assert "索引已更新" in text and "修改 1" in text and "共 40 个" in text


def test_reindex_failure_is_a_readable_message_without_details(services):
    services.__dict__["kb"] = FakeKB(fail=True)
    text = kb_tab.reindex(services, Recorder())
    assert "重建索引失败：RuntimeError" in text and "原索引保持不变" in text
    assert "/secret/path" not in text


def test_reindex_that_would_remove_many_files_changes_nothing_and_says_so(services):
    services.__dict__["kb"] = FakeKB(prune=[f"industries/i{i}.md" for i in range(131)])
    text = kb_tab.reindex(services, Recorder())
    assert "未做任何修改" in text and "131 个已索引文件" in text and "puhui ingest --prune" in text


def test_a_second_reindex_while_one_runs_is_refused(services):
    gate = threading.Event()
    services.__dict__["kb"] = FakeKB(block=gate)
    first = threading.Thread(target=kb_tab.reindex, args=(services, Recorder()))
    first.start()
    try:
        for _ in range(100):
            if services.kb.calls:
                break
            threading.Event().wait(0.01)
        assert "已有一个重建索引任务正在进行" in kb_tab.reindex(services, Recorder())
    finally:
        gate.set()
        first.join(5)
    assert services.kb.calls == [False]


def test_search_errors_and_bad_queries_become_status_lines(services):
    assert kb_tab.hit_test(services, "  ", 5, "全部") == ([], "请输入要测试的问题。")
    assert kb_tab.hit_test(services, "问" * 501, 5, "全部")[1] == "问题过长（最多 500 字）。"
    rows, status = kb_tab.hit_test(services, "税务贷", 5, "全部")
    assert rows == [] and status.startswith("检索失败：ConnectionError")


def test_industry_browser_without_graph_falls_back_to_text(services, monkeypatch):
    monkeypatch.setattr(kb_tab.kb_browser, "render_chain_picture", lambda graph, iid: None)
    services.__dict__["graph"] = None
    picture, line, facts, body = kb_tab.browse_industry(services, "danyang_eyewear")
    assert picture is None and "文字版" in line and "→ **丹阳眼镜制造**" in line
    assert ["链上环节", "中游（加工制造）"] in facts
    assert ["适配产品", "禾信税务贷（prod_tax_loan）"] in facts
    assert "## 行业概况" in body
    assert "未找到行业" in kb_tab.browse_industry(services, "no_such")[1]
