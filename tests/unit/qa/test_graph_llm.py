"""The QA graph: the rules decide, the optional model only writes the note (and falls back)."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from agents.qa_inspection.service import QaInspector
from tests.unit.qa.conftest import C, G, dialog


def test_model_writes_the_note_but_not_the_verdict(corpus):
    llm = GenericFakeChatModel(messages=iter([AIMessage(content="不合格：坐席承诺保本，需整改。")]))
    qa = QaInspector.from_corpus(corpus, llm)
    rep = qa.inspect(dialog(G, "理财保本吗", "保本的，理财非存款、投资须谨慎。", "好", C))
    assert rep.reviewed_by == "rules+llm" and rep.review_note.startswith("不合格")
    assert (rep.llm, rep.llm_reason) == ("llm", None)
    assert rep.rule_ids == {"forbidden_promise"} and not rep.passed


def test_failing_model_falls_back_to_the_template_note(corpus):
    class Broken(GenericFakeChatModel):
        def _generate(self, *a, **k):
            raise TimeoutError("slow")

    rep = QaInspector.from_corpus(corpus, Broken(messages=iter([]))).inspect(dialog(G, "好", C))
    assert rep.reviewed_by == "rules" and rep.review_note == "未发现违规，服务规范。"
    assert rep.llm == "fallback" and rep.llm_reason  # recorded, so the eval can count it


def test_hung_model_cannot_block_inspection(corpus):
    import threading
    import time

    release = threading.Event()

    class Hung(GenericFakeChatModel):
        def _generate(self, *a, **k):
            release.wait(10)  # a server that never answers (released at the end of the test)
            raise TimeoutError("never answered")

    qa = QaInspector.from_corpus(corpus, Hung(messages=iter([])), llm_timeout_s=0.5)
    t0 = time.monotonic()
    rep = qa.inspect(dialog(G, "理财保本吗", "保本的，理财非存款、投资须谨慎。", "好", C))
    elapsed = time.monotonic() - t0
    release.set()
    assert elapsed < 0.5 + 1.0  # the deadline plus 1 s, as promised for every model call
    assert rep.reviewed_by == "rules" and rep.rule_ids == {"forbidden_promise"}
    assert (rep.llm, rep.llm_reason) == ("fallback", "timeout")


def test_no_model_is_the_deterministic_default(corpus):
    rep = QaInspector.from_corpus(corpus).inspect(dialog(G, "好", C))
    assert (rep.reviewed_by, rep.llm, rep.llm_reason) == ("rules", "none", "no_model")
