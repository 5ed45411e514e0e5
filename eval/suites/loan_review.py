"""Loan-review suite: ≥ 80 applications (eval/datasets/loan_review.jsonl, built by
``python -m eval.loan_review_cases``) with the outcome the credit policy prescribes.

A case passes when the decision matches (approve / decline / refer, or ``invalid`` for a malformed
application rejected field by field) and every expected rule id (or invalid field) is among those
reported. Headline metrics: pass rate, accuracy on the hard-rule cases (policy, prudent-industry and
product rules — target 100%), accuracy per category and review latency. Reviews run through the real
service (graph, SQLite checkpointer, audit log) in a scratch folder; referred reviews stay paused.
The answer source is the memo's (``memo_source``), a fallback's reason the review's (``memo_reason``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from agents.loan_review.service import InvalidApplication, LoanReviewService
from eval.schema import EvalCase
from eval.suite import CaseResult, Outcome, Suite

HARD_RULE_CATEGORIES = ("hard_rule", "prudent_rule", "product_rule")


class LoanReviewSuite(Suite):
    name = "loan_review"
    dataset = "loan_review.jsonl"
    description = "Loan review: decision and rule ids for approvals, every hard rule, refers and malformed input"
    parallel_safe = False  # one SQLite checkpointer and audit chain per run; cases are ~50 ms each

    def setup(self, ctx) -> Any:
        scratch = Path(tempfile.mkdtemp(prefix="puhui-loan-eval-"))
        model = ctx.services.llm if ctx.llm_mode == "openai" else None
        s = ctx.services.settings
        return LoanReviewService.create(ctx.services.corpus, scratch / "checkpoints.sqlite", scratch / "audit.sqlite",
                                        chat_model=model, llm_timeout_s=s.llm_timeout_s,
                                        prohibited_file=s.prohibited_policy_file, data_dir=s.data_dir,
                                        embedder=ctx.services.embedder if s.prohibited_similarity > 0 else None,
                                        similarity=s.prohibited_similarity)

    def run_case(self, case: EvalCase, svc) -> Outcome:
        want = case.expected
        try:
            r = svc.review(case.input)
        except InvalidApplication as exc:
            fields = [e.field for e in exc.errors]
            ok = want["decision"] == "invalid" and all(f in fields for f in want.get("fields", []))
            return Outcome(passed=ok, scores={"decision_correct": float(want["decision"] == "invalid")},
                           output={"decision": "invalid", "fields": fields}, trace=["validate: field errors"])
        expected_ids = want.get("rule_ids", [])
        found = [i for i in expected_ids if i in r.rule_ids]
        decision_ok = r.decision == want["decision"]
        scores = {"decision_correct": float(decision_ok)}
        if expected_ids:
            scores["rule_recall"] = len(found) / len(expected_ids)
        llm = {"llm": "llm", "fallback": "fallback"}.get(r.memo_source, "none")  # "template": no model
        reason = r.memo_reason if llm == "fallback" else None
        return Outcome(passed=decision_ok and len(found) == len(expected_ids), scores=scores,
                       output={"decision": r.decision, "status": r.status, "rule_ids": r.rule_ids,
                               "score": (r.score or {}).get("score"), "band": r.band,
                               "limit_wan": (r.limit or {}).get("limit_wan")},
                       trace=r.trace, llm=llm, llm_reason=reason)  # type: ignore[arg-type]

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        out: dict[str, Any] = super().summarize(results)
        hard = [r for r in results if r.tags.get("category") in HARD_RULE_CATEGORIES]
        out["hard_rule_accuracy"] = sum(r.passed for r in hard) / len(hard) if hard else 0.0
        for cat in sorted({str(r.tags.get("category")) for r in results}):
            group = [r for r in results if r.tags.get("category") == cat]
            out[f"accuracy.{cat}"] = sum(r.passed for r in group) / len(group)
        return out


SUITES = [LoanReviewSuite]
