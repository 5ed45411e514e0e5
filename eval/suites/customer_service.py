"""Customer-service suite: customer questions → the expected FAQ answer, or a hand-off.

A case: input {message, history?} (history = earlier customer messages in the same session);
expected {faq_id, handoff}. Correct when: a hand-off is expected and the bot handed off; else the
bot answered with the expected FAQ entry (verbatim); else (faq_id null: not in the knowledge base)
the bot did not answer with any FAQ entry. ``correct_lenient`` also accepts a grounded answer whose
first citation is the expected FAQ entry. Sessions are fresh per case, customer ``eval_customer``
(no account records: account questions must be handed off for identity verification).
"""

from __future__ import annotations

from eval.schema import EvalCase
from eval.suite import Outcome, Suite


def build_bot(ctx, accounts=None):
    """The bot under test from the run's services, with an in-memory checkpointer."""
    from agents.customer_service.build import _kb_or_none, build_deps
    from agents.customer_service.service import CsBot

    services = ctx.services
    try:
        embedder = services.embedder
    except Exception:
        embedder = None
    deps = build_deps(services.corpus, embedder=embedder, kb=_kb_or_none(services),
                      llm=services.llm if ctx.llm_mode != "none" else None, accounts=accounts,
                      llm_timeout_s=services.settings.llm_timeout_s)
    return CsBot(deps, ":memory:")


def converse(bot, customer_id: str, case_input: dict):
    info, _ = bot.create_session(customer_id, "eval")
    for earlier in case_input.get("history", []):
        bot.send(info.id, customer_id, earlier)
    return bot.send(info.id, customer_id, case_input["message"])


class CustomerServiceSuite(Suite):
    name = "customer_service"
    dataset = "customer_service.jsonl"
    description = "客服: paraphrased/colloquial/typo/traditional questions → FAQ answer or hand-off (target ≥ 90%)"
    ungated = Suite.ungated | {"latency_p50_ms", "latency_p95_ms"}

    def setup(self, ctx):
        return build_bot(ctx)

    def run_case(self, case: EvalCase, sut) -> Outcome:
        result = converse(sut, "eval_customer", case.input)
        r = result.reply
        exp_faq, exp_handoff = case.expected.get("faq_id"), bool(case.expected.get("handoff"))
        handed_off = r.handoff is not None
        cited = r.sources[0].id if r.outcome == "grounded" and r.sources and r.sources[0].kind == "faq" else None
        if exp_handoff:
            correct = lenient = handed_off
        elif exp_faq:
            correct = r.faq_id == exp_faq
            lenient = correct or cited == exp_faq
        else:
            correct = lenient = r.faq_id is None
        return Outcome(passed=correct,
                       scores={"correct": float(correct), "correct_lenient": float(lenient),
                               "handoff_correct": float(handed_off == exp_handoff)},
                       output={"outcome": r.outcome, "faq_id": r.faq_id, "confidence": r.confidence,
                               "handoff": r.handoff.reason if r.handoff else None, "text": r.text[:200],
                               "timings_ms": result.timings_ms},
                       trace=["guard", "understand", "retrieve", "answer", "check", "finish"], llm=r.llm)


SUITES = [CustomerServiceSuite]
