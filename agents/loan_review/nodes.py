"""The loan-review graph's nodes: each calls tested tools in tools/credit and returns a state update.

Nodes before the human review use the full application from ``runtime.context.application`` (it is
never written to the checkpointed state); nodes after it use only the state, so a review resumed in
another process — after a server restart — needs nothing but the checkpoint.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agents.loan_review.context import LoanReviewContext
from agents.loan_review.memo import product_terms, render_memo, write_prose
from agents.loan_review.schemas import ReviewerAction
from agents.loan_review.state import LoanReviewState
from tools.credit.application import Application
from tools.credit.audit import AuditRecord
from tools.credit.decision import decide as decide_tool
from tools.credit.features import LoanFlow, build_facts, build_features, loan_flow
from tools.credit.industry import IndustryContext, resolve_industry
from tools.credit.limit_pricing import LimitResult, compute_limit, compute_price
from tools.credit.policy import PolicyResult, RuleHit, evaluate
from tools.credit.prohibited import FIELD_LABELS, application_texts, screen
from tools.credit.scorecard import ScoreResult

log = logging.getLogger("puhui.loan_review")


def _app(runtime: Runtime[LoanReviewContext]) -> Application:
    app = runtime.context.application
    if app is None:
        raise RuntimeError("the loan-review context carries no application (a new review needs one)")
    return app


def enrich(state: LoanReviewState, runtime: Runtime[LoanReviewContext]) -> dict:
    ctx, app = runtime.context, _app(runtime)
    industry = resolve_industry(app, ctx.industries, ctx.policy, ctx.linker)
    flow = loan_flow(app, industry.seasonality, ctx.profiler)
    masked = app.masked()
    log.info("review %s: %s owner=%s id=%s industry=%s", state["thread_id"], masked["enterprise"]["name"],
             masked["owner"]["name"], masked["owner"]["id_number"], industry.industry_id)
    return {"application": masked, "application_id": app.application_id, "input_hash": app.input_hash(),
            "industry": industry.model_dump(mode="json"), "flow": flow.model_dump(mode="json"),
            "facts": build_facts(app, industry, flow), "features": build_features(app, industry, flow),
            "trace": [f"enrich: industry={industry.industry_id or '未识别'} ({industry.linked_by}), "
                      f"monthly inflow {flow.monthly_inflow_wan} 万元"]}


def check_policy(state: LoanReviewState, runtime: Runtime[LoanReviewContext]) -> dict:
    ctx = runtime.context
    product = ctx.products.get(state["application"]["loan"]["product"])
    result = evaluate(ctx.policy, state["facts"], product)
    trace = [f"policy: {result.rules_checked} rules, {len(result.declines)} decline / {len(result.refers)} refer hits"]
    if ctx.prohibited is not None:
        found = screen(ctx.prohibited, application_texts(state["application"]), ctx.prohibited_exemplars)
        result.rules_checked += len(ctx.prohibited.categories)
        for h in found:  # one decline per category (the first field it was found in)
            if any(x.rule_id == h.rule_id for x in result.hits):
                continue
            result.hits.append(RuleHit(rule_id=h.rule_id, source="prohibited", severity="decline", fact=h.field,
                                       fact_label=FIELD_LABELS.get(h.field, h.field), actual=h.matched,
                                       requirement=f"不属于{h.category}", reason=h.reason))
        trace.append(f"prohibited list {ctx.prohibited.audit_tag}: "
                     f"{sorted({h.rule_id for h in found}) or 'no hit'}")
    return {"policy_result": result.model_dump(mode="json"), "trace": trace}


def score(state: LoanReviewState, runtime: Runtime[LoanReviewContext]) -> dict:
    ctx = runtime.context
    res = ctx.scorecard.score_one(state["features"])
    band = ctx.policy.band_of(res.score)
    return {"score": res.model_dump(mode="json"), "band": band,
            "trace": [f"score: {res.score} ({band}), PD {res.pd:.2%}"]}


def limit_price(state: LoanReviewState, runtime: Runtime[LoanReviewContext]) -> dict:
    ctx, app = runtime.context, _app(runtime)
    band = state["band"]
    declined = any(h["severity"] == "decline" for h in state["policy_result"]["hits"])
    if declined or band in ctx.policy.decline_bands:
        return {"limit": None, "price": None, "trace": ["limit/price: skipped (declined)"]}
    product = ctx.products.get(app.loan.product)
    industry = IndustryContext.model_validate(state["industry"])
    limit = compute_limit(ctx.policy, band, app, LoanFlow.model_validate(state["flow"]), industry, product)
    price = compute_price(ctx.policy, band, industry.risk_grade, app, product)
    return {"limit": limit.model_dump(mode="json"), "price": price.model_dump(mode="json"),
            "trace": [f"limit {limit.limit_wan:g} 万元 (binding: {limit.binding}), rate {price.rate_pct}%"]}


def decide(state: LoanReviewState, runtime: Runtime[LoanReviewContext]) -> dict:
    ctx = runtime.context
    d = decide_tool(ctx.policy, PolicyResult.model_validate(state["policy_result"]),
                    ScoreResult.model_validate(state["score"]) if state.get("score") else None, state.get("band"),
                    LimitResult.model_validate(state["limit"]) if state.get("limit") else None,
                    IndustryContext.model_validate(state["industry"]))
    out = {"system_decision": d.decision, "reasons": d.reasons, "refer_reasons": d.refer_reasons,
           "rule_ids": d.rule_ids, "review": None, "trace": [f"decide: {d.decision}"]}
    if d.decision != "refer":
        out["decision"] = d.decision
    return out


def _memo(state: LoanReviewState, ctx: LoanReviewContext, prose: str) -> str:
    product = ctx.products.get(state["application"]["loan"]["product"])
    labels = {f.name: f.label for f in ctx.scorecard.features}
    return render_memo(dict(state), prose, ctx.scorecard.version, ctx.policy.version,
                       product.name if product else state["application"]["loan"]["product"], labels)


def draft_memo(state: LoanReviewState, runtime: Runtime[LoanReviewContext]) -> dict:
    ctx = runtime.context
    prose, source, reason = write_prose(dict(state), ctx.chat_model, ctx.llm_timeout_s,
                                        product_terms(ctx.products.values()))
    why = f" ({reason})" if source == "fallback" else ""
    memo_reason = "no_model" if source == "template" else (reason if source == "fallback" else None)
    return {"memo": _memo(state, ctx, prose), "memo_source": source, "memo_reason": memo_reason, "prose": prose,
            "trace": [f"memo: prose from {source}{why}"]}


def audit(state: LoanReviewState, runtime: Runtime[LoanReviewContext]) -> dict:
    ctx = runtime.context
    review = state.get("review")
    event = "reviewed" if review else ("referred" if state["system_decision"] == "refer" else "decided")
    score = state.get("score") or {}
    reasons = list(state.get("reasons") or []) + list(state.get("refer_reasons") or [])
    row = ctx.audit.append(AuditRecord(
        thread_id=state["thread_id"], event=event, application_id=state.get("application_id"),
        input_hash=state["input_hash"], model_version=ctx.scorecard.version, policy_version=ctx.policy_tag,
        decision=state.get("decision") or "refer", system_decision=state["system_decision"],
        score=score.get("score"), pd=score.get("pd"), rule_hits=list(state.get("rule_ids") or []), reasons=reasons,
        reviewer=review["reviewer"] if review else None, comment=review["comment"] if review else None))
    return {"audit_seqs": [row["seq"]], "trace": [f"audit: #{row['seq']} {event}"]}


def human_review(state: LoanReviewState, runtime: Runtime[LoanReviewContext]) -> dict:
    """Pause here (LangGraph interrupt, checkpointed) until a reviewer resumes with approve/decline."""
    limit = state.get("limit") or {}
    value = interrupt({
        "thread_id": state["thread_id"], "enterprise": state["application"]["enterprise"]["name"],
        "score": (state.get("score") or {}).get("score"), "band": state.get("band"),
        "refer_reasons": state.get("refer_reasons") or [], "limit_wan": limit.get("limit_wan"),
        "question": "请审查人员给出结论（approve/decline）并填写意见",
    })
    action = ReviewerAction.model_validate(value)
    return {"decision": action.decision,
            "review": {**action.model_dump(), "at": datetime.now(timezone.utc).isoformat(timespec="seconds")},
            "trace": [f"human review: {action.decision} by {action.reviewer}"]}


def finalize_memo(state: LoanReviewState, runtime: Runtime[LoanReviewContext]) -> dict:
    """Re-render the memo with the reviewer's decision (the prose written before the pause is kept)."""
    ctx = runtime.context
    return {"memo": _memo(state, ctx, state.get("prose") or ""), "trace": ["memo: final with review"]}
