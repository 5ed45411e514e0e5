"""QA-inspection suite: labelled dialogs → the set of rubric rules that must fire.

A case: input = a dialog ({id, channel, complete, turns: [{role, text, ts?}]}), expected {rules: [...]}.
Headline metrics: micro precision and recall of (dialog, rule) findings, and per-rule P/R. A case
passes when the inspector finds exactly the expected rules. The answer source is the review note's
(``DialogReport.llm``), a fallback's reason the report's (``llm_reason``: timeout, too_long …).
"""

from __future__ import annotations

from eval.schema import EvalCase
from eval.suite import CaseResult, Outcome, Suite


class QaInspectionSuite(Suite):
    name = "qa_inspection"
    dataset = "qa_dialogs.jsonl"
    description = "质检: labelled human/bot dialogs → rubric findings (precision/recall ≥ 0.9)"

    def setup(self, ctx):
        from agents.qa_inspection.service import QaInspector

        model = ctx.services.llm if ctx.llm_mode != "none" else None
        return QaInspector.from_corpus(ctx.services.corpus, model, ctx.services.settings.llm_timeout_s)

    def run_case(self, case: EvalCase, sut) -> Outcome:
        from tools.qa_dialogs import dialog_from_obj

        report = sut.inspect(dialog_from_obj(case.input, case.id))
        llm = report.llm  # who wrote the review note, and why the template stood in for the model
        reason = report.llm_reason if llm == "fallback" else None
        predicted, expected = report.rule_ids, set(case.expected["rules"])
        tp, fp, fn = len(predicted & expected), len(predicted - expected), len(expected - predicted)
        return Outcome(passed=predicted == expected, scores={"tp": tp, "fp": fp, "fn": fn},
                       output={"predicted": sorted(predicted), "expected": sorted(expected), "score": report.score,
                               "findings": [f"{f.rule_id}: {f.evidence.text if f.evidence else ''}" for f in report.findings]},
                       trace=["rules", "review", "report"], llm=llm, llm_reason=reason)

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        from eval.metrics.rules import micro_prf, per_rule_prf

        out = super().summarize(results)
        for k in ("tp", "fp", "fn"):
            out.pop(k, None)
        ok = [r for r in results if r.error is None and isinstance(r.output, dict)]
        exp = [set(r.output["expected"]) for r in ok]
        pred = [set(r.output["predicted"]) for r in ok]
        out.update({f"micro_{k}": v for k, v in micro_prf(exp, pred).items()})
        for rule, m in per_rule_prf(exp, pred).items():
            out[f"{rule}_precision"], out[f"{rule}_recall"] = m["precision"], m["recall"]
        return out


SUITES = [QaInspectionSuite]
