"""QA-inspection suite: labelled dialogs → the set of rubric rules that must fire.

A case: input = a dialog ({id, channel, complete, turns: [{role, text, ts?}]}), expected {rules: [...]}.
Headline metrics: micro precision and recall of (dialog, rule) findings, and per-rule P/R. A case
passes when the inspector finds exactly the expected rules. The answer source is the review's
(``DialogReport.llm``), a fallback's reason the report's (``llm_reason``: timeout, invalid_output …).

With a model, the rubric judge's grounded suggestions are scored too: ``suggestion_precision_llm_judge``
is the share of suggested rules that are among the case's expected rules, over every suggestion made
(so only over cases with suggestions), reported with their count when there were any. A model's
suggestions vary between runs and models: both are ungated (the ``_llm_judge`` suffix, ``ungated``).
"""

from __future__ import annotations

from agents.qa_inspection.service import QaService
from eval.metrics.rules import micro_prf, per_rule_prf
from eval.schema import EvalCase
from eval.suite import LLM_JUDGE_SUFFIX, CaseResult, Outcome, Suite
from tools.qa.dialogs import dialog_from_obj

SUGGESTION_PRECISION = "suggestion_precision" + LLM_JUDGE_SUFFIX


class QaInspectionSuite(Suite):
    name = "qa_inspection"
    dataset = "qa_dialogs.jsonl"
    description = "质检: labelled human/bot dialogs → rubric findings (precision/recall ≥ 0.9)"
    ungated = Suite.ungated | {"llm_suggestions"}

    def setup(self, ctx):
        model = ctx.services.llm if ctx.llm_mode != "none" else None
        return QaService.from_corpus(ctx.services.corpus, model, ctx.services.settings.llm_timeout_s)

    def run_case(self, case: EvalCase, sut) -> Outcome:
        report = sut.inspect(dialog_from_obj(case.input, case.id))
        llm = report.llm  # who wrote the review note, and why the template stood in for the model
        reason = report.llm_reason if llm == "fallback" else None
        predicted, expected = report.rule_ids, set(case.expected["rules"])
        tp, fp, fn = len(predicted & expected), len(predicted - expected), len(expected - predicted)
        return Outcome(passed=predicted == expected, scores={"tp": tp, "fp": fp, "fn": fn},
                       output={"predicted": sorted(predicted), "expected": sorted(expected), "score": report.score,
                               "findings": [f"{f.rule_id}: {f.evidence.text if f.evidence else ''}" for f in report.findings],
                               # the judge's grounded suggestions: shown for review, never part of "predicted"
                               "suggested": [s.rule_id for s in report.llm_suggestions],
                               "suggestions": [f"{s.rule_id}@{s.turn}: {s.evidence}" for s in report.llm_suggestions]},
                       trace=["rules", "review", "report"], llm=llm, llm_reason=reason)

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        out = super().summarize(results)
        for k in ("tp", "fp", "fn"):
            out.pop(k, None)
        ok = [r for r in results if r.error is None and isinstance(r.output, dict)]
        exp = [set(r.output["expected"]) for r in ok]
        pred = [set(r.output["predicted"]) for r in ok]
        out.update({f"micro_{k}": v for k, v in micro_prf(exp, pred).items()})
        for rule, m in per_rule_prf(exp, pred).items():
            out[f"{rule}_precision"], out[f"{rule}_recall"] = m["precision"], m["recall"]
        suggested = [(rule, set(r.output["expected"])) for r in ok for rule in r.output.get("suggested", [])]
        if suggested:  # nothing suggested: nothing to report (not a precision of 0)
            out["llm_suggestions"] = float(len(suggested))
            out[SUGGESTION_PRECISION] = sum(rule in expected for rule, expected in suggested) / len(suggested)
        return out


SUITES = [QaInspectionSuite]
