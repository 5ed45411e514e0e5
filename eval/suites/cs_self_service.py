"""Self-service at a guaranteed precision (issue #13 part 3): the bot's verbatim threshold chosen for
≥ 95% right verbatim answers on a calibration half, measured on the test half (eval/self_service.py,
the same method and code as ``python -m bench.cs_self_service``).

Cases: the test halves of the UnionPay FAQ set (500 of the 1,000 user questions; only when the shared
data is present) and of the own customer-service set (86 of 172), tagged ``unionpay`` / ``own``.
``setup`` answers each calibration half with the shipped bot, chooses the threshold, and builds the
bot the test cases run against with it. Headline figures per set (``<set>.``): ``verbatim_precision``,
``self_service_rate`` and ``suggestion_hit`` are gated; the chosen ``threshold``, the calibration
figures, the hand-off and other shares are descriptive (ungated). A case passes unless it got a
wrong verbatim answer. Not fast: about 1,200 bot turns and, the first time, the UnionPay index.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.customer_service.build import kb_or_none
from eval.schema import EvalCase
from eval.self_service import (
    TARGET_PRECISION,
    BotFactory,
    Candidate,
    Operating,
    Question,
    TurnRecord,
    choose_threshold,
    measured_figures,
    own_questions,
    record_all,
    record_turn,
    split_halves,
    unionpay_corpus,
    unionpay_kb,
    unionpay_questions,
)
from eval.suite import CaseResult, Outcome, Suite
from eval.unionpay import CSV_PATH

SETS = ("unionpay", "own")
DESCRIPTIVE = ("threshold", "calibration_precision", "calibration_self_service", "handoff_share",
               "other_answer_share", "suggested_share", "questions")


def _case(q: Question, set_name: str) -> EvalCase:
    return EvalCase(id=f"{set_name}:{q.id}", input={"message": q.message, "history": list(q.history)},
                    expected={"faq_id": q.gold, "handoff": q.expect_handoff},
                    tags={"category": set_name, "difficulty": "normal", "variant": "test_half"})


def _question(case: EvalCase) -> Question:
    return Question(case.id, case.input["message"], case.expected.get("faq_id"), bool(case.expected.get("handoff")),
                    tuple(case.input.get("history", [])))


@dataclass
class SelfServiceSut:
    bots: dict[str, Any]  # set → the bot with the chosen threshold
    choices: dict[str, Operating]


class CsSelfServiceSuite(Suite):
    name = "cs_self_service"
    dataset = ""
    description = "客服 self-service rate at ≥95% verbatim precision (threshold chosen on a calibration half)"
    fast = False
    ungated = frozenset({"latency_p50_ms", "latency_p95_ms", "pass_rate", "verbatim", "verbatim_right",
                         "handed_off", "suggested"} | {f"{s}.{m}" for s in SETS for m in DESCRIPTIVE})

    def _csv(self, ctx) -> Path:
        return Path(ctx.shared_data_dir) / CSV_PATH

    def _questions(self, ctx) -> dict[str, list[Question]]:
        out = {"own": own_questions()}
        if self._csv(ctx).is_file():
            out["unionpay"] = unionpay_questions(self._csv(ctx))
        return out

    def load_cases(self, ctx) -> list[EvalCase]:
        return [_case(q, name) for name, qs in self._questions(ctx).items() for q in split_halves(qs)[1]]

    def _factory(self, ctx, set_name: str) -> BotFactory:
        services = ctx.services
        embedder = services.embedder
        if set_name == "own":
            return BotFactory(services.corpus, embedder, kb_or_none(services))
        kb = unionpay_kb(services.settings.data_dir / "self_service" / "unionpay", self._csv(ctx), embedder)
        return BotFactory(unionpay_corpus(services.corpus, self._csv(ctx)), embedder, kb)

    def setup(self, ctx) -> SelfServiceSut:
        bots, choices = {}, {}
        for name, questions in self._questions(ctx).items():
            factory = self._factory(ctx, name)
            shipped = factory.bot()
            choices[name] = choose_threshold(record_all(shipped, split_halves(questions)[0]), TARGET_PRECISION)
            shipped.close()
            bots[name] = factory.bot(choices[name].threshold)
        return SelfServiceSut(bots, choices)

    def run_case(self, case: EvalCase, sut: SelfServiceSut) -> Outcome:
        set_name = case.tags.category
        choice = sut.choices[set_name]
        rec = record_turn(sut.bots[set_name], _question(case))
        verbatim = rec.outcome == "faq"
        right = verbatim and rec.right(rec.faq_id, rec.hands_off(rec.faq_id))
        return Outcome(passed=not verbatim or right,
                       scores={"verbatim": float(verbatim), "verbatim_right": float(right),
                               "handed_off": float(rec.handed_off), "suggested": float(bool(rec.suggestions))},
                       output={"set": set_name, "outcome": rec.outcome, "faq_id": rec.faq_id, "handed_off": rec.handed_off,
                               "suggestions": rec.suggestions, "threshold": choice.threshold,
                               "calibration_precision": choice.precision, "calibration_self_service": choice.self_service,
                               "candidates": [[c.faq_id, c.score, c.topic_ok, c.handoff] for c in rec.candidates]},
                       trace=["calibration half → threshold", "guard", "understand", "retrieve", "answer", "finish"])

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        """The base means, plus per set the chosen threshold and the test-half figures."""
        out = super().summarize(results)
        for name in SETS:
            mine = [r for r in results if r.error is None and r.tags.get("category") == name]
            if not mine:
                continue
            records = [TurnRecord(Question(r.id, "", r.expected.get("faq_id"), bool(r.expected.get("handoff"))),
                                  r.output["outcome"], r.output["faq_id"], r.output["handed_off"],
                                  [Candidate(c[0], c[1], c[2], c[3]) for c in r.output["candidates"]],
                                  r.output["suggestions"]) for r in mine]
            first = mine[0].output
            out.update({f"{name}.threshold": first["threshold"],
                        f"{name}.calibration_precision": first["calibration_precision"],
                        f"{name}.calibration_self_service": first["calibration_self_service"]})
            out.update({f"{name}.{k}": v for k, v in measured_figures(records).items()})
        return out


SUITES = [CsSelfServiceSuite]
