"""The scale-out path: the knowledge base against a real ``chroma run`` server on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kb.retrieval.embeddings import E5Embedder
from kb.service import KnowledgeBase
from tests.integration.uvicorn_proc import free_port, stop_process, wait_ready

pytestmark = pytest.mark.integration

CHROMA = Path(sys.executable).with_name("chroma")

FAQ = textwrap.dedent("""\
    - id: faq_card_lost
      category: 银行卡
      question: 银行卡丢了怎么办？
      similar: [卡片遗失如何挂失, 我的卡找不到了, 借记卡丢失怎么处理]
      answer: 请立即拨打禾信银行客服热线办理口头挂失，并在五日内到网点办理正式挂失和补卡。
    - id: faq_loan_rate
      category: 贷款
      question: 经营贷款的利率是多少？
      similar: [贷款利息怎么算, 经营贷年化利率, 借钱利息高不高]
      answer: 经营贷款年利率一般在3.6%至6.5%之间，具体以审批结果为准。
    """)


def _start(path: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(proc, f"http://127.0.0.1:{port}/api/v2/heartbeat", name="chroma run", timeout_s=60, poll_s=0.2)
    except RuntimeError:
        proc.kill()
        raise
    return proc


def _stop(proc: subprocess.Popen) -> None:
    stop_process(proc, timeout_s=15)


@pytest.fixture
def chroma_server(tmp_path):
    if not CHROMA.exists():
        pytest.skip(f"chroma CLI not found next to {sys.executable}")
    port = free_port()
    proc = _start(tmp_path / "chroma-data", port)
    state = {"proc": proc, "port": port, "path": tmp_path / "chroma-data"}
    yield state
    _stop(state["proc"])


def test_ingest_and_search_through_chroma_server(tmp_path, chroma_server):
    corpus = tmp_path / "corpus"
    (corpus / "faq").mkdir(parents=True)
    (corpus / "faq" / "service.yaml").write_text(FAQ, encoding="utf-8")
    embedder = E5Embedder(threads=1, cache_dir=tmp_path / "cache")

    def make_kb() -> KnowledgeBase:
        return KnowledgeBase(index_dir=tmp_path / "index", corpus_dir=corpus, embedder=embedder,
                             chroma_mode="server", chroma_host="127.0.0.1", chroma_port=chroma_server["port"])

    kb = make_kb()
    report = kb.ingest()
    assert report.added == ["faq/service.yaml"] and report.chunks_total == 10
    assert not (tmp_path / "index" / "chroma").exists()  # vectors live in the server, not locally
    assert kb.store.location == f"http://127.0.0.1:{chroma_server['port']}"
    assert kb.search("卡丢了怎么挂失", k=1)[0].faq_id == "faq_card_lost"

    # data survives a server restart; an unchanged re-ingest is a no-op
    _stop(chroma_server["proc"])
    chroma_server["proc"] = _start(chroma_server["path"], chroma_server["port"])
    again = make_kb()
    assert again.store.count() == 10
    assert again.search("贷款利息高不高", k=1)[0].faq_id == "faq_loan_rate"
    rerun = again.ingest()
    assert rerun.unchanged == 1 and rerun.chunks_added == 0 and rerun.repaired == 0

    # a server that lost its data (new empty volume): the manifest's rows have no vectors → re-ingested
    _stop(chroma_server["proc"])
    chroma_server["proc"] = _start(tmp_path / "fresh-volume", chroma_server["port"])
    lost = make_kb()
    repaired = lost.ingest()
    assert repaired.repaired == 1 and repaired.chunks_added == 10 and lost.store.count() == 10
    assert lost.search("公司借钱的年利率", k=1)[0].faq_id == "faq_loan_rate"
