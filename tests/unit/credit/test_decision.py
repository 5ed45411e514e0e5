from tools.credit.decision import decide
from tools.credit.industry import IndustryContext
from tools.credit.limit_pricing import LimitResult
from tools.credit.policy import PolicyResult, RuleHit
from tools.credit.scorecard import ReasonCode, ScoreResult

IND = IndustryContext(industry_id="x", access="适度", risk_grade=3, linked_by="application")


def _hit(rid, sev):
    return RuleHit(rule_id=rid, source="policy", severity=sev, fact="owner_age", fact_label="年龄", requirement="r",
                   actual=1, reason=f"原因{rid}")


def _score(s, reasons=()):
    return ScoreResult(score=s, pd=0.05, base_points=500, points={}, model_version="m",
                       reasons=[ReasonCode(code="RC_X", feature="x", label="X", value=1, shown="1", bin="b",
                                           points=-5, points_below_best=10, text="X偏高")] if reasons else [])


def _limit(limit, req=100, offer=True):
    return LimitResult(limit_wan=limit, requested_wan=req, binding="cash_flow", components=[], offer=offer,
                       explanation="额度说明")


def test_hard_hit_declines_and_lists_every_hit(policy):
    rules = PolicyResult(access="适度", hits=[_hit("CR02", "decline"), _hit("CR06", "decline"), _hit("RF01", "refer")])
    d = decide(policy, rules, _score(700), "A", None, IND)
    assert d.decision == "decline" and len(d.reasons) == 2 and d.rule_ids == ["CR02", "CR06", "RF01"]


def test_score_decline_cites_reason_codes(policy):
    d = decide(policy, PolicyResult(access="适度"), _score(500, reasons=True), "E", None, IND)
    assert d.decision == "decline" and "SCORE_E" in d.rule_ids and any("X偏高" in r for r in d.reasons)


def test_refer_triggers(policy):
    ok = PolicyResult(access="适度")
    assert decide(policy, ok, _score(560), "D", _limit(100), IND).rule_ids == ["SCORE_D"]
    unknown = IND.model_copy(update={"linked_by": "none"})
    assert decide(policy, ok, _score(700), "A", _limit(100), unknown).decision == "refer"
    assert decide(policy, ok, _score(700), "A", _limit(20, 100), IND).rule_ids == ["LIMIT_SHORT"]
    assert decide(policy, ok, _score(700), "A", _limit(0, 100, offer=False), IND).rule_ids == ["LIMIT_LOW"]
    refer_rule = PolicyResult(access="适度", hits=[_hit("RF03", "refer")])
    assert decide(policy, refer_rule, _score(700), "A", _limit(100), IND).decision == "refer"


def test_approve_explains(policy):
    d = decide(policy, PolicyResult(access="适度"), _score(640), "A", _limit(100), IND)
    assert d.decision == "approve" and "640" in d.reasons[0] and d.reasons[1] == "额度说明"
