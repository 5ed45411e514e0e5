"""QA-inspection suite: labelled dialogs → the set of rubric rules that must fire.

A case: input = a dialog ({id, channel, complete, turns: [{role, text, ts?}]}), expected {rules: [...]}.
Headline metrics: micro precision and recall of (dialog, rule) findings, and per-rule P/R. A case
passes when the inspector finds exactly the expected rules.
"""

from __future__ import annotations

from eval.llm_trace import call_log, traced
from eval.schema import EvalCase
from eval.suite import CaseResult, Outcome, Suite


class QaInspectionSuite(Suite):
    name = "qa_inspection"
    dataset = "qa_dialogs.jsonl"
    description = "质检: labelled human/bot dialogs → rubric findings (precision/recall ≥ 0.9)"

    def setup(self, ctx):
        from agents.qa_inspection.service import QaInspector

        model = traced(ctx.services.llm) if ctx.llm_mode != "none" else None
        timeout_s = ctx.services.settings.llm_timeout_s
        return QaInspector.from_corpus(ctx.services.corpus, model, timeout_s), model, timeout_s

    def run_case(self, case: EvalCase, sut) -> Outcome:
        from tools.qa_dialogs import dialog_from_obj

        inspector, model, timeout_s = sut
        with call_log(timeout_s) as calls:
            report = inspector.inspect(dialog_from_obj(case.input, case.id))
        # the report says whether the model wrote the note ("rules+llm"), not whether it was asked:
        # with a model, every review asks it, so a rules-only note is a fallback; the review's only
        # check on a non-empty note is its length
        if report.reviewed_by == "rules+llm":
            llm, reason = "llm", None
        elif model is not None:
            llm, reason = "fallback", calls.fallback_reason("too_long")
        else:
            llm, reason = "none", None
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
