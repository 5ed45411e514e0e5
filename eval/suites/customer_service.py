"""Customer-service suite: customer questions → the expected FAQ answer, or a hand-off.

A case: input {message, history?} (history = earlier customer messages in the same session);
expected {faq_id, handoff}. Correct when: a hand-off is expected and the bot handed off; else the
bot answered with the expected FAQ entry (verbatim); else (faq_id null: not in the knowledge base)
the bot did not answer with any FAQ entry. ``wrong_verbatim`` counts approved answers shown verbatim
for another entry (or for a question no entry answers). ``correct_lenient`` also accepts a grounded answer whose
first citation is the expected FAQ entry. Sessions are fresh per case, customer ``eval_customer``
(no account records: account questions must be handed off for identity verification).

Judge metrics (eval/judge.py), beside correctness:
- faithfulness of every answer (outcome faq or grounded) against the passages it cites — the
  disclosures and hand-off notice the bot appends are approved texts, not claims, and are left out;
- helpfulness of every reply, against the expected FAQ entry's approved answer when there is one.
``<metric>_rule`` is always computed; ``<metric>_llm_judge`` when a judge model is configured.

The answer source (``llm`` / ``fallback`` / ``none``) and the reason of a fallback (timeout, http_500,
invalid_output, ungrounded, forbidden_promise …) are the bot's own (``BotReply.llm`` / ``llm_reason``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents.customer_service.build import build_deps, kb_or_none
from agents.customer_service.service import CsService
from eval.judge import Judge, JudgeItem, judge_scores
from eval.schema import EvalCase
from eval.suite import JudgeRecord, Outcome, Suite

#: replies that answer the question from sources (their claims can be checked against them)
ANSWERED = ("faq", "grounded")


def build_bot(ctx, accounts=None):
    """The bot under test from the run's services, with an in-memory checkpointer."""
    services = ctx.services
    try:
        embedder = services.embedder
    except Exception:
        embedder = None
    deps = build_deps(services.corpus, embedder=embedder, kb=kb_or_none(services),
                      llm=services.llm if ctx.llm_mode != "none" else None, accounts=accounts,
                      llm_timeout_s=services.settings.llm_timeout_s)
    return CsService(deps, ":memory:")


def converse(bot, customer_id: str, case_input: dict) -> Any:
    """Play the case's history, then its message; returns the last turn."""
    info, _ = bot.create_session(customer_id, "eval")
    for earlier in case_input.get("history", []):
        bot.send(info.id, customer_id, earlier)
    return bot.send(info.id, customer_id, case_input["message"])


def fallback_reason(reply) -> str | None:
    """Why the turn fell back, as the bot records it; None when it did not fall back."""
    return reply.llm_reason if reply.llm == "fallback" else None


def answer_body(reply, compliance) -> str:
    """The reply without the texts the bot appends after answering: the required disclosures (removed
    verbatim) and the hand-off notice (the last paragraph, appended by the hand-off node)."""
    text = reply.text
    for d in compliance.required_disclosures:
        if d.id in reply.disclosures:
            text = text.replace(d.text, "")
    if reply.handoff is not None and "\n\n" in text.strip():
        text = text.strip().rsplit("\n\n", 1)[0]
    return text.strip()


@dataclass
class CsSut:
    bot: Any
    faq_answers: dict[str, str]  # faq id → approved answer: the reference for helpfulness
    judge: Judge
    product_terms: tuple[str, ...] = ()


def judge_reply(sut: CsSut, case: EvalCase, reply) -> tuple[dict[str, float], list[JudgeRecord]]:
    reference = sut.faq_answers.get(case.expected.get("faq_id") or "")
    common = {"question": case.input["message"], "history": tuple(case.input.get("history", [])),
              "product_terms": sut.product_terms}
    scores, records = judge_scores("helpfulness", JudgeItem(answer=reply.text, reference=reference, **common),
                                   sut.judge)
    if reply.outcome in ANSWERED and reply.sources:
        item = JudgeItem(answer=answer_body(reply, sut.bot.deps.compliance),
                         passages={str(s.n): s.text for s in reply.sources}, **common)
        s, r = judge_scores("faithfulness", item, sut.judge)
        scores, records = {**scores, **s}, records + r
    return scores, records


class CustomerServiceSuite(Suite):
    name = "customer_service"
    dataset = "customer_service.jsonl"
    description = "客服: paraphrased/colloquial/typo/traditional questions → FAQ answer or hand-off (target ≥ 90%)"
    ungated = Suite.ungated | {"latency_p50_ms", "latency_p95_ms"}
    lower_is_better = frozenset({"wrong_verbatim"})

    def setup(self, ctx):
        bot = build_bot(ctx)
        return CsSut(bot=bot, faq_answers={f.id: f.answer for f in ctx.services.corpus.faqs}, judge=ctx.judge,
                     product_terms=tuple(a for a, _ in bot.deps.lexicon.names))

    def run_case(self, case: EvalCase, sut: CsSut) -> Outcome:
        result = converse(sut.bot, "eval_customer", case.input)
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
        judged, judges = judge_reply(sut, case, r)
        # issue #17: an approved answer about something else is worse than a hand-off; counted apart
        wrong_verbatim = r.outcome == "faq" and r.faq_id != exp_faq and not exp_handoff
        return Outcome(passed=correct,
                       scores={"correct": float(correct), "correct_lenient": float(lenient),
                               "handoff_correct": float(handed_off == exp_handoff),
                               "wrong_verbatim": float(wrong_verbatim), **judged},
                       output={"outcome": r.outcome, "faq_id": r.faq_id, "confidence": r.confidence,
                               "handoff": r.handoff.reason if r.handoff else None, "text": r.text[:200],
                               "timings_ms": result.timings_ms},
                       trace=["guard", "understand", "retrieve", "answer", "check", "finish"], llm=r.llm,
                       llm_reason=fallback_reason(r), judges=judges)


SUITES = [CustomerServiceSuite]
