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
from eval.schema import DATASETS_DIR, EvalCase, load_cases
from eval.suite import LLM_JUDGE_SUFFIX, CaseResult, Outcome, Suite
from tools.qa.dialogs import dialog_from_obj

#: dataset variants written after all tuning (issue #19), reported on their own: the one never trained on
HELDOUT_VARIANTS = ("heldout8",)
#: held-out sets measured up to iteration 4 and retired into training by iteration 5: still reported per set,
#: but in sample now (eval/qa_classifier_train.py RETIRED_HELDOUT)
RETIRED_VARIANTS = ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7")
SUGGESTION_PRECISION = "suggestion_precision" + LLM_JUDGE_SUFFIX


class QaInspectionSuite(Suite):
    name = "qa_inspection"
    dataset = "qa_dialogs.jsonl"
    description = "质检: labelled human/bot dialogs → rubric findings (precision/recall ≥ 0.9)"
    ungated = Suite.ungated | {"llm_suggestions"}

    def setup(self, ctx):
        model = ctx.services.llm if ctx.llm_mode != "none" else None
        s = ctx.services.settings
        return QaService.from_corpus(ctx.services.corpus, model, s.llm_timeout_s,
                                     embedder=ctx.services.embedder if s.qa_exemplar_similarity else None,
                                     classifier=s.qa_clause_classifier)

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


def span_overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Characters shared by two spans over the characters either covers (0 when disjoint)."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


class QaComplianceSuite(QaInspectionSuite):
    """Issue #19: ≥ 120 dialogs written fresh for the rules caught by meaning (attitude/blame,
    promises in any wording + missing disclosure, refused hand-off, deflection), each violation
    labelled with its evidence words. Per-rule P/R as in qa_inspection, plus ``evidence_overlap``:
    for every labelled violation whose rule was found, the best character overlap (intersection over
    union) between a finding's evidence and the label in the same turn; the mean over them."""

    name = "qa_compliance"
    dataset = "qa_compliance_dialogs.jsonl"
    description = "质检（按语义）: attitude/blame, promises, refused hand-off, deflection — per-rule P/R ≥ 0.9, overlap ≥ 0.8"

    def run_case(self, case: EvalCase, sut) -> Outcome:
        report = sut.inspect(dialog_from_obj(case.input, case.id))
        out = super().run_case(case, _Fixed(report))
        overlaps = []
        for ev in case.expected.get("evidence", []):
            cands = [f.evidence for f in report.findings if f.rule_id == ev["rule"] and f.evidence and f.evidence.turn == ev["turn"]]
            if cands:
                overlaps.append(max(span_overlap((c.start, c.end), (ev["start"], ev["end"])) for c in cands))
        if overlaps:
            out.scores["evidence_overlap"] = sum(overlaps) / len(overlaps)
        return out

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        """As qa_inspection, plus micro and per-rule P/R and the evidence overlap of each held-out set
        (``heldout8``: never trained on, the figures to trust) and of each retired one (``heldout``,
        ``heldout2``–``heldout7``: held out once, training data since)."""
        out = super().summarize(results)
        for variant in RETIRED_VARIANTS + HELDOUT_VARIANTS:
            held = [r for r in results if r.error is None and isinstance(r.output, dict)
                    and r.tags.get("variant") == variant]
            if not held:
                continue
            exp, pred = [set(r.output["expected"]) for r in held], [set(r.output["predicted"]) for r in held]
            m = micro_prf(exp, pred)
            out[f"{variant}_micro_precision"], out[f"{variant}_micro_recall"] = m["precision"], m["recall"]
            for rule, prf in per_rule_prf(exp, pred).items():
                out[f"{variant}_{rule}_precision"], out[f"{variant}_{rule}_recall"] = prf["precision"], prf["recall"]
            overlaps = [r.scores["evidence_overlap"] for r in held if "evidence_overlap" in r.scores]
            if overlaps:
                out[f"{variant}_evidence_overlap"] = sum(overlaps) / len(overlaps)
        return out


class QaComplianceHeldoutSuite(QaComplianceSuite):
    """The held-out dialogs of issue #19 that no classifier or rule was fitted to: ``heldout8``
    (eval/qa_compliance_heldout8_cases.py), written by an independent author from the rule definitions
    alone and committed before iteration 6 was measured on it. Never used to train or tune."""

    name = "qa_compliance_heldout"
    dataset = "qa_compliance_heldout8.jsonl"
    description = "质检（按语义）held-out only: heldout8, never trained on — per-rule P/R, overlap"


class QaComplianceRetiredSuite(QaComplianceSuite):
    """The held-out sets measured before iteration 5 was finished (round 3 of qa_compliance_dialogs.jsonl,
    variant ``heldout``; qa_compliance_heldout.jsonl: ``heldout2``–``heldout5``; qa_compliance_heldout6/7.jsonl),
    by six other authors, retired into training once measured. Kept so their figures stay comparable
    across iterations; in sample since."""

    name = "qa_compliance_retired"
    dataset = "qa_compliance_heldout.jsonl"
    description = "质检（按语义）retired held-out sets (round 3 + sets 2–7), in training since measured"

    def load_cases(self, ctx):
        old = [c for c in load_cases(DATASETS_DIR / QaComplianceSuite.dataset) if c.tags.variant == "heldout"]
        later = [c for f in ("qa_compliance_heldout6.jsonl", "qa_compliance_heldout7.jsonl") for c in load_cases(DATASETS_DIR / f)]
        return old + super().load_cases(ctx) + later


class _Fixed:
    """A stand-in service that returns one report already made (the parent's run_case inspects)."""

    def __init__(self, report):
        self.report = report

    def inspect(self, dialog):  # noqa: ANN001 - same shape as QaService.inspect
        return self.report


SUITES = [QaInspectionSuite, QaComplianceSuite, QaComplianceHeldoutSuite, QaComplianceRetiredSuite]
