"""Sentence-gated live streaming: checked sentences reach the sink as the model writes them, the first
failing one ends the model's part, and the result is exactly what the sink received."""

from __future__ import annotations

import time

from agents.common.gated_stream import gated_stream
from agents.common.grounding import check_grounding
from tests.llm_fakes import ScriptedChatModel, Sleep

MSGS = [("human", "税务贷额度和期限")]
PASSAGES = {"1": "禾信税务贷面向纳税信用A/B/M级的小微企业，额度最高300万元，期限最长12个月，线上申请。"}
EXTRACTIVE = "根据禾信银行知识库的相关说明：额度最高300万元，期限最长12个月[1]。"
SEP = "\n\n（以下为原文）\n"


def grounded(sentence: str) -> str | None:
    return None if check_grounding(sentence, PASSAGES, product_terms=["禾信税务贷"]).grounded else "ungrounded"


class Sink:
    def __init__(self):
        self.pieces: list[str] = []
        self.times: list[float] = []

    def __call__(self, piece: str) -> None:
        self.pieces.append(piece)
        self.times.append(time.monotonic())

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def run(model, sink, timeout_s=5.0, check=grounded):
    return gated_stream(model, MSGS, timeout_s=timeout_s, fallback=lambda: EXTRACTIVE, check=check, sink=sink,
                        separator=SEP)


def test_grounded_sentences_are_released_in_order_while_the_model_is_still_writing():
    answer = "您好。\n禾信税务贷额度最高300万元[1]。期限最长12个月[1]。"
    sink = Sink()
    t0 = time.monotonic()
    out = run(ScriptedChatModel(script=[answer], chunk_size=1, chunk_delay_s=0.04), sink)
    t_end = time.monotonic()
    assert sink.pieces == ["您好。", "\n禾信税务贷额度最高300万元[1]。", "期限最长12个月[1]。"]
    assert (out.value, out.source, out.reason) == (answer, "llm", None)
    # the greeting left after ~3 of ~33 chunks, long before the model finished
    assert sink.times[0] - t0 < 0.6 and t_end - sink.times[0] > 0.6
    assert sink.times == sorted(sink.times)


def test_an_ungrounded_sentence_stops_release_and_the_extractive_answer_finishes():
    answer = "您好。禾信税务贷额度最高500万元[1]。期限最长12个月[1]。"
    sink = Sink()
    out = run(ScriptedChatModel(script=[answer], chunk_size=2), sink)
    assert sink.pieces == ["您好。", SEP + EXTRACTIVE]
    assert (out.value, out.source, out.reason) == ("您好。" + SEP + EXTRACTIVE, "fallback", "ungrounded")
    assert "500" not in sink.text and "期限最长12个月[1]。期限" not in sink.text


def test_first_sentence_failing_gives_just_the_extractive_answer():
    sink = Sink()
    out = run(ScriptedChatModel(script=["禾信税务贷年化利率1%[1]。您好。"]), sink)
    assert sink.pieces == [EXTRACTIVE] and out.value == EXTRACTIVE and out.reason == "ungrounded"


def test_check_reasons_pass_through_and_the_last_sentence_needs_no_full_stop():
    sink = Sink()
    promise = lambda s: "forbidden_promise" if "稳赚" in s else None  # noqa: E731
    out = run(ScriptedChatModel(script=["额度最高300万元[1]。稳赚不赔"]), sink, check=promise)
    assert out.reason == "forbidden_promise" and "稳赚" not in sink.text and out.value == sink.text
    sink = Sink()
    out = run(ScriptedChatModel(script=["  您好！额度最高300万元[1]"]), sink)
    assert sink.pieces == ["您好！", "额度最高300万元[1]"] and out.source == "llm" and out.value == sink.text


def test_personal_data_is_masked_before_release():
    sink = Sink()
    out = run(ScriptedChatModel(script=["请致电13812345678咨询。额度最高300万元[1]。"], chunk_size=3), sink,
              check=lambda s: None)  # masking does not depend on the check
    assert "13812345678" not in sink.text and "138" in sink.pieces[0] and out.value == sink.text
    assert out.source == "llm"


def test_timeout_mid_stream_keeps_what_was_released_and_finishes_with_the_fallback():
    model = ScriptedChatModel(script=["您好。禾信税务贷额度最高300万元[1]。" * 5], chunk_size=1, chunk_delay_s=0.1)
    sink = Sink()
    t0 = time.monotonic()
    out = run(model, sink, timeout_s=0.8)
    assert time.monotonic() - t0 < 0.8 + 1.0
    assert sink.pieces[0] == "您好。" and sink.pieces[-1] == SEP + EXTRACTIVE
    assert (out.value, out.source, out.reason) == (sink.text, "fallback", "timeout")


def test_nothing_released_before_a_failure_gives_the_fallback_alone():
    for script, reason in (([Sleep(3, "迟到的回答。")], "timeout"), ([ConnectionError("refused")], "error:ConnectionError"),
                           (["   "], "empty_output")):
        sink = Sink()
        out = run(ScriptedChatModel(script=script), sink, timeout_s=0.3)
        assert sink.pieces == [EXTRACTIVE] and (out.value, out.source, out.reason) == (EXTRACTIVE, "fallback", reason)


def test_without_a_model_the_fallback_is_sent_as_is():
    sink = Sink()
    out = run(None, sink)
    assert sink.pieces == [EXTRACTIVE] and (out.value, out.source, out.reason) == (EXTRACTIVE, "none", "no_model")


def test_claim_free_chatter_is_held_until_an_anchored_sentence_and_never_shown_alone():
    from langchain_core.language_models import GenericFakeChatModel

    from agents.common.gated_stream import gated_stream
    from agents.common.grounding import anchored

    passages = {"1": "丹阳眼镜产业的上游是树脂单体和镜架金属材料供应商。"}

    def run(text: str):
        sent: list[str] = []
        model = GenericFakeChatModel(messages=iter([text]))
        res = gated_stream(model, [("human", "q")], timeout_s=5, fallback=lambda: "EXTRACTIVE",
                           check=lambda s: None, sink=sent.append, anchor=lambda s: anchored(s, passages))
        return res, "".join(sent)

    res, seen = run("{not json")
    assert (res.source, res.reason, seen) == ("fallback", "ungrounded", "EXTRACTIVE")
    res, seen = run("您好！上游是树脂单体和镜架金属材料供应商。")
    assert res.source == "llm" and seen == "您好！上游是树脂单体和镜架金属材料供应商。"
