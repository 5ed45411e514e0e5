"""The credit memo: the standard template (prompts/loan_review/memo.md.j2) filled from tool outputs.

Only the "审查综述" paragraph may come from a chat model. The model gets the facts as numbered
passages (prompts/loan_review/memo_facts.md.j2), and its paragraph is used only if it states the
system's conclusion and no other, and every sentence with a number or a product term is supported
by one of those passages (agents.common.grounding, issue 9); otherwise, and whenever no model is
configured or the call fails, the deterministic paragraph is used. Decisions never come from it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from agents.common.grounding import check_grounding
from agents.common.llm import invoke_text
from kb.schema import ProductDoc
from prompts.loader import read, render
from tools.pii import mask_pii

DECISION_LABELS = {"approve": "同意授信", "decline": "不予授信", "refer": "转人工复核"}
STAGE_LABELS = {"upstream": "上游（种养殖/原材料）", "midstream": "中游（加工制造）", "downstream": "下游（批发零售/终端服务）",
                "support": "配套服务"}
LINK_LABELS = {"application": "申请人申报", "linker": "按经营范围自动识别", "none": "未识别"}
SUPPORT = {"抵押": "抵押", "担保": "担保", "信用": "信用（无抵押无担保）"}
log = logging.getLogger("puhui.loan_review")


def fmt(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return str(x)


def md(text: Any) -> str:
    """Escape Markdown emphasis characters (masked values are full of '*')."""
    return str(text).replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")


def pct(x: Any, digits: int = 1) -> str:
    return "—" if x is None else f"{float(x) * 100:.{digits}f}%"


def decision_label(state: dict) -> str:
    return DECISION_LABELS[state.get("decision") or state["system_decision"]]


def facts_for_prose(state: dict) -> dict[str, Any]:
    """The compact fact sheet the model may draw on (masked; no personal identifiers)."""
    app, ind, score = state["application"], state["industry"], state.get("score") or {}
    return {
        "企业": app["enterprise"]["name"], "所在地": app["enterprise"]["location"],
        "经营年限": app["enterprise"]["years_operating"], "细分行业": ind.get("name") or "未识别",
        "产业链": ind.get("chain_name"), "行业准入": ind["access"], "行业风险等级": ind["risk_grade"],
        "年营业收入": app["enterprise"]["annual_revenue_wan"], "月均入账": state["flow"]["monthly_inflow_wan"],
        "负债收入比": state["facts"]["debt_to_revenue"], "申请金额": app["loan"]["requested_amount_wan"],
        "申请期限月": app["loan"]["tenor_months"], "评分": score.get("score"), "评分档": state.get("band"),
        "违约概率": round(score["pd"], 4) if score else None,
        "扣分原因": [r["text"] for r in score.get("reasons", [])],
        "命中规则": [h["reason"] for h in state["policy_result"]["hits"]],
        "核定额度": (state.get("limit") or {}).get("limit_wan"), "执行利率": (state.get("price") or {}).get("rate_pct"),
        "结论": decision_label(state),
    }


def deterministic_prose(state: dict) -> str:
    f = facts_for_prose(state)
    parts = [f"{f['企业']}位于{f['所在地']}，经营{fmt(f['经营年限'])}年"]
    parts.append(f"，属{f['细分行业']}（准入类别{f['行业准入']}，行业风险{f['行业风险等级']}级）。" if f["细分行业"] != "未识别"
                 else "，所属细分行业未能识别。")
    parts.append(f"申报年营业收入{fmt(f['年营业收入'])}万元，近12个月月均入账{fmt(f['月均入账'])}万元，"
                 f"负债收入比{pct(f['负债收入比'])}。")
    if f["评分"] is not None:
        parts.append(f"评分卡得分{f['评分']}分（{f['评分档']}档），预测违约概率{pct(f['违约概率'], 2)}")
        parts.append(f"，主要扣分项为{'；'.join(f['扣分原因'][:2])}。" if f["扣分原因"] else "，无明显扣分项。")
    if f["命中规则"]:
        parts.append(f"政策校验命中{len(f['命中规则'])}条规则：{'；'.join(f['命中规则'][:3])}。")
    if f["核定额度"]:
        parts.append(f"测算额度{fmt(f['核定额度'])}万元，执行年化利率{fmt(f['执行利率'])}%。")
    parts.append(f"综上，审查结论为{f['结论']}。")
    return "".join(parts)


def prose_passages(state: dict) -> list[str]:
    """The fact sheet as the passages the prompt numbers and the grounding check reads (one per
    line of loan_review/memo_facts.md.j2), numbers formatted as the template paragraph formats them."""
    text = render("loan_review/memo_facts.md.j2", f=facts_for_prose(state), fmt=fmt, pct=pct)
    return [line.strip() for line in text.splitlines() if line.strip()]


def product_terms(products: Iterable[ProductDoc]) -> list[str]:
    """Product names and aliases from the corpus: a sentence naming one is a product claim."""
    return [t for p in products for t in (p.name, *p.aliases) if len(t) >= 2]


def check_prose(text: str, passages: list[str], conclusion: str, terms: Iterable[str] = ()) -> str | None:
    """None when the paragraph may be used; else the reason to use the template instead.

    The conclusion is checked first and separately: a flipped one ("不予授信" for an approval) still
    shares most of its wording with the conclusion passage, so the grounding check alone would pass it.
    Only the unsupported sentences (masked, cut short) are logged, never the paragraph."""
    others = [label for label in DECISION_LABELS.values() if label != conclusion]
    if conclusion not in text or any(label in text for label in others):
        return "conclusion_mismatch"
    report = check_grounding(text, passages, product_terms=list(terms))
    if not report.grounded:
        log.warning("memo prose ungrounded, template used; unsupported: %s",
                    [mask_pii(s)[:80] for s in report.unsupported[:3]])
        return "ungrounded"
    return None


def write_prose(state: dict, chat_model: Any | None, timeout_s: float,
                terms: Iterable[str] = ()) -> tuple[str, str, str | None]:
    """(paragraph, source, reason): source is template | llm | fallback, reason why it fell back."""
    if chat_model is None:
        return deterministic_prose(state), "template", None
    passages = prose_passages(state)
    conclusion = decision_label(state)
    messages = [("system", read("loan_review/memo_prose_system.md")),
                ("user", render("loan_review/memo_prose_user.md.j2", passages=passages))]
    result = invoke_text(chat_model, messages, timeout_s=timeout_s, fallback=lambda: deterministic_prose(state),
                         check=lambda text: check_prose(text, passages, conclusion, terms))
    return result.value, ("llm" if result.source == "llm" else "fallback"), result.reason


def conditions(state: dict) -> list[str]:
    if (state.get("decision") or state["system_decision"]) != "approve":
        return []
    app, out = state["application"], ["落实受托支付或按用途支用，留存用途凭证", "按月归集经营回款至本行结算账户"]
    if app["loan"].get("collateral"):
        out.insert(0, "办妥抵押登记后放款")
    if app["loan"].get("guarantee"):
        out.insert(0, "签订担保合同并取得担保机构放款通知后放款")
    return out


def watch_points(state: dict) -> list[str]:
    ind, score = state["industry"], state.get("score") or {}
    out = list(ind.get("watch_signals") or [])[:5]
    out += [f"持续关注：{r['label']}（本次{r['shown']}）" for r in score.get("reasons", [])[:3]]
    out.append("每季度复核银行流水与纳税、开票数据，入账较授信时下降30%以上时启动预警")
    return out


def render_memo(state: dict, prose: str, model_version: str | None, policy_version: str | None,
                product_name: str, feature_labels: dict[str, str]) -> str:
    app = state["application"]
    score = state.get("score")
    points = [(feature_labels.get(k, k), v) for k, v in (score or {}).get("points", {}).items()]
    status = "pending_review" if state["system_decision"] == "refer" and not state.get("review") else "completed"
    return render(
        "loan_review/memo.md.j2", app=app, thread_id=state["thread_id"], today=date.today().isoformat(),
        model_version=model_version or "—", policy_version=policy_version or "—", status=status,
        decision_label=decision_label(state) if status == "completed" else DECISION_LABELS["refer"],
        product_name=product_name, support=SUPPORT.get(state["features"].get("credit_support"), "—"),
        industry=state["industry"], link_label=LINK_LABELS[state["industry"]["linked_by"]],
        stage_label=STAGE_LABELS.get(state["industry"].get("chain_stage") or "", "—"), flow=state["flow"],
        flow_source_label="流水汇总" if state["flow"]["source"] == "summary" else "逐笔交易",
        facts=state["facts"], features=state["features"], score=score, band=state.get("band"), points=points,
        policy_result=state["policy_result"], limit=state.get("limit"), price=state.get("price"), prose=prose,
        reasons=state.get("reasons") or [], refer_reasons=state.get("refer_reasons") or [],
        review=state.get("review"), conditions=conditions(state), watch=watch_points(state), fmt=fmt, pct=pct, md=md)
