"""LLM branches with scripted fake models: understanding and grounded phrasing are used when valid,
and fall back to the deterministic result (same type) when the model fails or invents facts."""

from __future__ import annotations

import json

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from tests.unit.customer_service.conftest import FakeKB, passage

KB_TEXT = "禾信银行保管箱按年收费，小号保管箱每年300元，需本人持身份证到开户网点办理。"


def fake(*replies: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))


class Broken(GenericFakeChatModel):
    def _generate(self, *a, **k):
        raise ConnectionError("model server down")


def send(bot, text):
    info, _ = bot.create_session("c1")
    return bot.send(info.id, "c1", text).reply


def test_grounded_phrasing_from_the_model_is_used_when_supported(make_bot):
    understanding = json.dumps({"intent": "faq", "query": "保管箱每年收费多少", "products": [], "slots": {}})
    answer = "小号保管箱每年300元[1]。需本人持身份证到开户网点办理[1]。"
    bot = make_bot(kb=FakeKB([passage(KB_TEXT)]), llm=fake(understanding, answer))
    reply = send(bot, "保管箱一年多少钱")
    assert reply.outcome == "grounded" and reply.llm == "llm" and reply.llm_reason is None
    assert reply.text.startswith("小号保管箱每年300元[1]")


def test_invented_number_falls_back_to_the_extractive_answer(make_bot):
    understanding = json.dumps({"intent": "faq", "query": "保管箱每年收费多少", "products": [], "slots": {}})
    bot = make_bot(kb=FakeKB([passage(KB_TEXT)]), llm=fake(understanding, "小号保管箱每年只要99元[1]。"))
    reply = send(bot, "保管箱一年多少钱")
    assert reply.outcome == "grounded" and reply.llm == "fallback" and reply.llm_reason == "ungrounded"
    assert "99元" not in reply.text and "300元" in reply.text


def test_promise_from_the_model_is_rejected(make_bot):
    understanding = json.dumps({"intent": "faq", "query": "保管箱每年收费多少", "products": [], "slots": {}})
    bot = make_bot(kb=FakeKB([passage(KB_TEXT)]), llm=fake(understanding, "保管箱每年300元[1]，稳赚不赔。"))
    reply = send(bot, "保管箱一年多少钱")
    assert "稳赚" not in reply.text and reply.llm == "fallback" and reply.llm_reason == "forbidden_promise"


def test_model_cannot_talk_the_bot_out_of_a_hand_off(make_bot):
    understanding = json.dumps({"intent": "chitchat", "query": "转人工", "products": [], "slots": {}})
    reply = send(make_bot(llm=fake(understanding)), "转人工")
    assert reply.handoff is not None and reply.handoff.reason == "customer_request"


def test_invalid_or_failing_model_falls_back_to_deterministic(make_bot):
    reply = send(make_bot(llm=fake("这不是JSON", "还是不是")), "银行卡丢了怎么办")
    assert reply.faq_id == "faq_cards_002" and reply.llm == "fallback" and reply.llm_reason == "invalid_output"
    reply = send(make_bot(llm=Broken(messages=iter([]))), "银行卡丢了怎么办")
    assert reply.faq_id == "faq_cards_002" and reply.llm == "fallback" and reply.llm_reason == "error:ConnectionError"


def test_the_turns_first_fallback_reason_is_kept():
    """A later call ran on the first fallback's deterministic result: that first failure is the turn's."""
    from agents.customer_service.context import TurnContext

    ctx = TurnContext()
    ctx.mark_llm("llm")
    assert (ctx.llm, ctx.llm_reason) == ("llm", None)
    ctx.mark_llm("fallback", "timeout")
    ctx.mark_llm("fallback", "ungrounded")
    ctx.mark_llm("llm")
    assert (ctx.llm, ctx.llm_reason) == ("fallback", "timeout")


def test_llm_query_rewrite_resolves_a_follow_up(make_bot):
    first = json.dumps({"intent": "product_inquiry", "query": "税务贷的申请条件是什么", "products": ["prod_tax_loan"],
                        "slots": {}})
    second = json.dumps({"intent": "faq", "query": "贷款利率是多少", "products": ["prod_tax_loan"], "slots": {},
                         "follow_up": True})
    bot = make_bot(llm=fake(first, second))
    info, _ = bot.create_session("c1")
    bot.send(info.id, "c1", "税务贷的申请条件是什么")
    reply = bot.send(info.id, "c1", "那个呢").reply
    assert reply.faq_id == "faq_loans_006" and reply.llm == "llm" and reply.llm_reason is None
