"""The bot's live answers: with a model and a delta sink, the grounded answer reaches the customer
sentence by sentence; the final reply only appends to what was sent (the check node never replaces
a live reply), and the transcript records exactly what the customer read."""

from __future__ import annotations

import json
import time

from agents.customer_service.compose import reply_text
from tests.llm_fakes import ScriptedChatModel
from tests.unit.customer_service.conftest import FakeKB, passage

TAX = "禾信税务贷是线上信用贷款，无需抵押担保。额度有效期12个月，期内可循环支用。"
QUERY = "税务贷额度有效期"
UNDERSTOOD = json.dumps({"intent": "product_inquiry", "query": QUERY, "products": [], "slots": {}})


class Live:
    """Records the hooks' calls in order, as the API's worker would forward them."""

    def __init__(self):
        self.events: list[tuple[str, object]] = []

    def on_delta(self, text: str) -> None:
        self.events.append(("delta", text))

    def on_start(self, started) -> None:
        self.events.append(("start", started))

    @property
    def text(self) -> str:
        return "".join(t for k, t in self.events if k == "delta")


def bot_with(make_bot, answer: str, **model):
    kb = FakeKB([passage(TAX, title="禾信税务贷")])
    return make_bot(kb=kb, llm=ScriptedChatModel(script=[UNDERSTOOD, answer], **model))


def live_turn(bot, live: Live, customer: str = "c1"):
    info, _ = bot.create_session(customer)
    return info, bot.send(info.id, customer, QUERY, on_delta=live.on_delta, on_start=live.on_start)


def bot_turns(bot, info, customer="c1"):
    return [t for t in bot.view(info.id, customer).transcript if t.role == "bot" and t.meta.get("outcome") != "greeting"]


def test_model_answer_streams_live_and_the_final_reply_only_appends(make_bot):
    answer = "您好。禾信税务贷的额度有效期12个月[1]。有效期内可以循环支用[1]。"
    bot = bot_with(make_bot, answer, chunk_size=1, chunk_delay_s=0.02)
    live = Live()
    t0 = time.monotonic()
    info, result = live_turn(bot, live)
    kinds = [k for k, _ in live.events]
    assert kinds[0] == "start" and kinds.count("start") == 1 and kinds[1:] == ["delta"] * 3
    started = live.events[0][1]
    assert started.session_id == info.id and started.reply.outcome == "grounded" and started.reply.text == ""
    assert started.reply.sources and started.reply.sources[0].title == "禾信税务贷"
    assert live.text == answer
    reply = result.reply
    assert reply.outcome == "grounded" and reply.llm == "llm" and reply.text.startswith(answer)
    assert reply.text != answer and reply.disclosures  # the loan disclosure came after the live part
    assert time.monotonic() - t0 > 0.5  # ~40 chunks at 20 ms: the deltas were live, not replayed
    [saved] = bot_turns(bot, info)
    assert saved.text == reply.text and saved.meta["llm"] == "llm" and saved.meta["llm_reason"] is None


def test_ungrounded_sentence_never_reaches_the_customer(make_bot):
    bot = bot_with(make_bot, "您好。禾信税务贷是线上信用贷款[1]。额度有效期36个月[1]。")
    live = Live()
    info, result = live_turn(bot, live)
    assert "36" not in live.text and "36" not in result.reply.text
    cut = reply_text("live_cut")
    assert live.text.startswith("您好。禾信税务贷是线上信用贷款[1]。" + cut + reply_text("grounded_intro"))
    assert "有效期12个月，期内可循环支用[1]" in live.text
    assert result.reply.text.startswith(live.text) and result.reply.llm == "fallback"
    assert result.reply.llm_reason == "ungrounded"
    [saved] = bot_turns(bot, info)
    assert saved.text == result.reply.text and saved.meta["llm_reason"] == "ungrounded"


def test_chatter_without_support_is_never_shown(make_bot):
    bot = bot_with(make_bot, "您好。额度有效期36个月[1]。")  # the greeting waits for a supported sentence
    live = Live()
    _, result = live_turn(bot, live)
    assert live.text.startswith(reply_text("grounded_intro")) and "您好" not in live.text
    assert result.reply.llm == "fallback" and result.reply.text.startswith(live.text)


def test_check_node_never_replaces_a_live_reply(make_bot):
    """A promise sentence is held back before release, so the check node (which would replace a whole
    reply with a promise in it) has nothing to hold back: the live text stands and is appended to."""
    bot = bot_with(make_bot, "禾信税务贷的额度有效期12个月[1]。您放心，稳赚不赔。")  # no claim: grounding alone passes it
    live = Live()
    _, result = live_turn(bot, live)
    assert "稳赚" not in live.text
    assert live.text.startswith("禾信税务贷的额度有效期12个月[1]。" + reply_text("live_cut"))
    assert result.reply.outcome == "grounded" and result.reply.text.startswith(live.text)
    assert result.reply.llm == "fallback" and result.reply.llm_reason == "forbidden_promise"


def test_check_node_only_appends_to_text_already_streamed(make_bot):
    """The node itself: whatever it finds in text the customer already read, it does not rewrite it
    (it logs); disclosures are appended after it and anything after it is masked as usual."""
    from types import SimpleNamespace

    from agents.customer_service.context import TurnContext
    from agents.customer_service.nodes.answer import AnswerNodes
    from agents.customer_service.schemas import BotReply

    bot = make_bot()
    sent = "禾信税务贷的额度有效期12个月[1]。稳赚不赔。"
    ctx = TurnContext(on_delta=lambda _t: None, streamed=sent)
    state = {"draft": BotReply(text=sent, outcome="grounded").model_dump(),
             "understanding": {"query": QUERY, "products": []}}
    out = BotReply.model_validate(AnswerNodes(bot.deps).check(state, SimpleNamespace(context=ctx))["draft"])
    assert out.outcome == "grounded" and out.text.startswith(sent) and out.disclosures
    not_live = BotReply.model_validate(AnswerNodes(bot.deps).check(state, SimpleNamespace(context=TurnContext()))["draft"])
    assert not_live.outcome == "not_sure" and "稳赚" not in not_live.text  # the usual check, when nothing was sent


def test_first_sentence_failing_streams_the_extractive_answer(make_bot):
    live = Live()
    _, result = live_turn(bot_with(make_bot, "禾信税务贷年化利率1%[1]。"), live)
    assert live.text.startswith(reply_text("grounded_intro")) and "1%" not in live.text
    assert result.reply.text.startswith(live.text) and result.reply.llm == "fallback"


def test_no_sink_or_no_model_changes_nothing(make_bot):
    answer = "禾信税务贷的额度有效期12个月[1]。"
    kb = FakeKB([passage(TAX, title="禾信税务贷")])
    plain = make_bot(kb=kb, llm=ScriptedChatModel(script=[UNDERSTOOD, answer]))
    info, _ = plain.create_session("c1")
    assert plain.send(info.id, "c1", QUERY).reply.text.startswith(answer)  # invoke_text, not streamed
    live = Live()
    no_model = make_bot(kb=kb)
    info, result = live_turn(no_model, live)
    info2, _ = no_model.create_session("c1")
    assert live.events == [] and result.reply.text == no_model.send(info2.id, "c1", QUERY).reply.text


def test_a_failing_sink_does_not_lose_the_turn(make_bot):
    bot = bot_with(make_bot, "您好。禾信税务贷的额度有效期12个月[1]。")

    def gone(_text):
        raise ConnectionResetError("client went away")

    info, _ = bot.create_session("c1")
    result = bot.send(info.id, "c1", QUERY, on_delta=gone)
    assert result.reply.text.startswith("您好。禾信税务贷的额度有效期12个月[1]。")
    [saved] = bot_turns(bot, info)
    assert saved.text == result.reply.text and bot.sessions.get(info.id, "c1").turns == 1
