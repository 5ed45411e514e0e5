"""The QA graph: the rules decide; the optional model judge writes the note and suggests rubric rules
for a person to confirm — only grounded suggestions are kept, none changes the verdict — and any
failure falls back to the template note with no suggestions."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from agents.qa_inspection.service import QaService
from tests.llm_fakes import ScriptedChatModel
from tests.unit.qa.conftest import C, G, dialog

RUDE = "这种事自己上网查去，别来烦我。"  # rude, but no phrase of the rubric's list: the rules miss it
PROMISE = dialog(G, "信用卡怎么还款", RUDE, "理财保本吗", "保本的，理财非存款、投资须谨慎。", "好", C)


def review(note: str = "不合格：坐席承诺保本，需整改。", *suggestions: dict) -> str:
    return json.dumps({"note": note, "suggestions": list(suggestions)}, ensure_ascii=False)


def hint(rule_id: str, turn: int, evidence: str, reason: str = "语气不耐烦") -> dict:
    return {"rule_id": rule_id, "turn": turn, "evidence": evidence, "reason": reason}


def verdict(rep) -> tuple:
    return rep.score, rep.passed, [f.model_dump() for f in rep.findings]


def test_model_writes_the_note_but_not_the_verdict(corpus):
    llm = GenericFakeChatModel(messages=iter([AIMessage(content=review())]))
    qa = QaService.from_corpus(corpus, llm)
    rep = qa.inspect(dialog(G, "理财保本吗", "保本的，理财非存款、投资须谨慎。", "好", C))
    assert rep.reviewed_by == "rules+llm" and rep.review_note.startswith("不合格")
    assert (rep.llm, rep.llm_reason) == ("llm", None)
    assert rep.rule_ids == {"forbidden_promise"} and not rep.passed
    assert (rep.llm_suggestions, rep.llm_suggestions_dropped) == ([], 0)


def test_grounded_suggestion_is_kept_ungrounded_one_dropped_verdict_unchanged(corpus):
    llm = ScriptedChatModel(script=[review("不合格。", hint("rude_language", 3, "别来烦我"),
                                           hint("credential_request", 3, "请把验证码告诉我", "索要验证码"))])
    # rules only (no clause classifier, which recognises 「别来烦我」): the judge suggests what the rules missed
    rep = QaService.from_corpus(corpus, llm, classifier=False).inspect(PROMISE)
    assert [(s.rule_id, s.turn, s.evidence) for s in rep.llm_suggestions] == [("rude_language", 3, "别来烦我")]
    assert rep.llm_suggestions_dropped == 1 and rep.llm == "llm"
    rules_only = QaService.from_corpus(corpus, classifier=False)
    assert verdict(rep) == verdict(rules_only.inspect(PROMISE))  # suggestions change no score or finding
    assert "rude_language" not in rep.rule_ids
    prompt = llm.calls[0][0][0].content  # what the judge was shown: rubric rules, numbered turns, findings
    assert "- rude_language（服务用语不当）：" in prompt and f"[3] 坐席：{RUDE}" in prompt
    assert "[5] 违规承诺" in prompt and "- forbidden_promise" not in prompt  # found rules are not offered


@pytest.mark.parametrize("bad", [
    hint("forbidden_promise", 5, "保本的"),  # the rules already found it
    hint("made_up_rule", 3, "别来烦我"),  # not a rule of the loaded rubric
    hint("rude_language", 4, "理财保本吗"),  # a customer turn: the agent is judged
    hint("rude_language", 3, "你别烦我了"),  # not a verbatim quote
    hint("rude_language", 3, "别"),  # too short to anchor anything
    hint("rude_language", 99, "别来烦我"),  # no such turn
])
def test_unanchored_suggestions_are_dropped(corpus, bad):
    llm = ScriptedChatModel(script=[review("不合格。", bad)])
    rep = QaService.from_corpus(corpus, llm).inspect(PROMISE)
    assert rep.llm_suggestions == [] and rep.llm_suggestions_dropped == 1
    assert (rep.llm, rep.reviewed_by) == ("llm", "rules+llm")  # the note still stands


def test_quotes_are_checked_against_the_masked_text_and_pii_never_shown(corpus):
    d = dialog(G, "查下进度", "您的手机13912345678已登记，自己等着吧，别老打电话。", "好", C)
    llm = ScriptedChatModel(script=[review("客户身份证110101199003074514，坐席泄露手机号。",
                                           hint("rude_language", 3, "13912345678已登记"),  # not what it was shown
                                           hint("rude_language", 3, "139****5678已登记，自己等着吧"))])
    # rules only: a suggestion is kept only for a rule not found, and the shipped classifier finds this one
    rep = QaService.from_corpus(corpus, llm, classifier=False).inspect(d)
    assert "pii_exposed" in rep.rule_ids
    assert [s.evidence for s in rep.llm_suggestions] == ["139****5678已登记，自己等着吧"]
    assert rep.llm_suggestions_dropped == 1
    assert "110101199003074514" not in rep.review_note and "4514" in rep.review_note
    assert "13912345678" not in llm.calls[0][0][0].content


def test_garbage_gets_one_repair_then_the_template(corpus):
    llm = ScriptedChatModel(script=["这通对话不合格。", review("太长" * 400, hint("rude_language", 3, "别来烦我"))])
    rep = QaService.from_corpus(corpus, llm).inspect(PROMISE)
    assert len(llm.calls) == 2  # the first reply, then exactly one repair turn
    assert (rep.llm, rep.llm_reason, rep.reviewed_by) == ("fallback", "invalid_output", "rules")
    assert rep.review_note.startswith("不合格：发现") and "违规承诺" in rep.review_note  # the template note
    assert (rep.llm_suggestions, rep.llm_suggestions_dropped) == ([], 0)


def test_failing_model_falls_back_to_the_template_note(corpus):
    class Broken(GenericFakeChatModel):
        def _generate(self, *a, **k):
            raise TimeoutError("slow")

    rep = QaService.from_corpus(corpus, Broken(messages=iter([]))).inspect(dialog(G, "好", C))
    assert rep.reviewed_by == "rules" and rep.review_note == "未发现违规，服务规范。"
    assert rep.llm == "fallback" and rep.llm_reason  # recorded, so the eval can count it
    assert rep.llm_suggestions == []


def test_hung_model_cannot_block_inspection(corpus):
    import threading
    import time

    release = threading.Event()

    class Hung(GenericFakeChatModel):
        def _generate(self, *a, **k):
            release.wait(10)  # a server that never answers (released at the end of the test)
            raise TimeoutError("never answered")

    qa = QaService.from_corpus(corpus, Hung(messages=iter([])), llm_timeout_s=0.5)
    t0 = time.monotonic()
    rep = qa.inspect(dialog(G, "理财保本吗", "保本的，理财非存款、投资须谨慎。", "好", C))
    elapsed = time.monotonic() - t0
    release.set()
    assert elapsed < 0.5 + 1.0  # the deadline plus 1 s, as promised for every model call
    assert rep.reviewed_by == "rules" and rep.rule_ids == {"forbidden_promise"}
    assert (rep.llm, rep.llm_reason) == ("fallback", "timeout")
    assert rep.llm_suggestions == []


def test_no_model_is_the_deterministic_default(corpus):
    rep = QaService.from_corpus(corpus).inspect(dialog(G, "好", C))
    assert (rep.reviewed_by, rep.llm, rep.llm_reason) == ("rules", "none", "no_model")
    assert rep.review_note == "未发现违规，服务规范。"
    assert (rep.llm_suggestions, rep.llm_suggestions_dropped) == ([], 0)
