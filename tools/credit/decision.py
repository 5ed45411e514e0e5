"""The credit decision as a plain function: approve / decline / refer, always with its reasons.

Order of precedence (from the credit policy): a hard-rule hit declines; a score in a decline band
declines, citing the scorecard's reason codes; otherwise any refer trigger (refer rules, a refer
band, an industry the system could not identify, a limit below the product's minimum or under 30%
of the request) sends the file to a person; otherwise approve. Declines list every rule hit, not just
the first, so the applicant learns everything that stands in the way.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.credit.industry import IndustryContext
from tools.credit.limit_pricing import LimitResult
from tools.credit.policy import CreditPolicy, PolicyResult
from tools.credit.scorecard import ScoreResult

Outcome = Literal["approve", "decline", "refer"]
MIN_OFFER_SHARE = 0.3


class Decision(BaseModel):
    decision: Outcome
    reasons: list[str] = Field(default_factory=list, description="why (declines: every rule hit or score reason)")
    refer_reasons: list[str] = Field(default_factory=list)
    rule_ids: list[str] = Field(default_factory=list, description="ids of every rule hit, hard and refer")


def decide(policy: CreditPolicy, rules: PolicyResult, score: ScoreResult | None, band: str | None,
           limit: LimitResult | None, industry: IndustryContext) -> Decision:
    rule_ids = [h.rule_id for h in rules.hits]
    if rules.declines:
        return Decision(decision="decline", reasons=[f"[{h.rule_id}] {h.reason}" for h in rules.declines],
                        rule_ids=rule_ids)
    if score is not None and band in policy.decline_bands:
        reasons = [f"[SCORE_{band}] 综合评分{score.score}分（{band}档，违约概率{score.pd:.1%}）低于准入线"]
        reasons += [f"[{r.code}] {r.text}" for r in score.reasons]
        return Decision(decision="decline", reasons=reasons, rule_ids=rule_ids + [f"SCORE_{band}"])
    refer = [f"[{h.rule_id}] {h.reason}" for h in rules.refers]
    if score is not None and band in policy.refer_bands:
        refer.append(f"[SCORE_{band}] 综合评分{score.score}分处于{band}档（违约概率{score.pd:.1%}），须人工复核")
        rule_ids.append(f"SCORE_{band}")
    if industry.linked_by == "none":
        refer.append("[IND_UNKNOWN] 未能识别所属细分行业，按审慎类处理，须客户经理补充行业信息后人工复核")
        rule_ids.append("IND_UNKNOWN")
    if limit is not None and not limit.offer:
        refer.append(f"[LIMIT_LOW] {limit.explanation}")
        rule_ids.append("LIMIT_LOW")
    elif limit is not None and limit.limit_wan < MIN_OFFER_SHARE * limit.requested_wan:
        refer.append(f"[LIMIT_SHORT] 核定额度{limit.limit_wan:g}万元不足申请金额{limit.requested_wan:g}万元的三成，须人工确认")
        rule_ids.append("LIMIT_SHORT")
    if refer:
        return Decision(decision="refer", refer_reasons=refer, rule_ids=rule_ids)
    reasons = [f"未命中硬性准入规则，综合评分{score.score}分（{band}档）" if score else "未命中硬性准入规则"]
    if limit is not None:
        reasons.append(limit.explanation)
    return Decision(decision="approve", reasons=reasons, rule_ids=rule_ids)
