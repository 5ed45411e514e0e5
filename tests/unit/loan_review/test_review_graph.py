"""End to end through the compiled graph: approve, decline, refer → interrupt → resume after restart."""

import logging

import pytest

from agents.loan_review.service import InvalidApplication, ReviewConflict, ReviewNotFound
from tools.credit.audit import AuditLog

SECTIONS = ["申请概况", "行业与产业链定位", "经营与现金流", "风险评估与评分", "政策校验", "额度与定价",
            "结论与条件", "贷后关注点"]


def test_approval_has_limit_price_memo_and_audit(make_service, app_of, paths):
    svc = make_service()
    r = svc.review(app_of("approve_danyang_eyewear"))
    assert r.status == "completed" and r.decision == r.system_decision == "approve"
    assert r.limit["limit_wan"] == 180 and r.price["rate_pct"] > 3 and r.score["score"] >= 620
    positions = [r.memo.index(f"、{s}") for s in SECTIONS]
    assert positions == sorted(positions)  # all eight sections, in the fixed order
    assert r.memo_source == "template" and r.memo_reason == "no_model" and "同意授信" in r.memo
    rows = AuditLog(paths[1]).records(r.thread_id)
    assert [x["event"] for x in rows] == ["decided"] and rows[0]["input_hash"] == r.input_hash
    assert rows[0]["model_version"] == r.model_version and rows[0]["score"] == r.score["score"]


def test_decline_lists_rule_ids_and_reasons(make_service, app_of):
    r = make_service().review(app_of("decline_cr02_age_71"))
    assert r.decision == "decline" and "CR02_OWNER_AGE" in r.rule_ids
    assert any("CR02_OWNER_AGE" in x and "18至65" in x for x in r.reasons)
    assert r.limit is None and "[CR02_OWNER_AGE]" in r.memo


def test_refer_pauses_and_resumes_after_restart(make_service, app_of, paths):
    first = make_service()
    r = first.review(app_of("refer_rf04_prudent_steel"))
    assert r.status == "pending_review" and r.decision == "refer" and "RF04_PRUDENT_INDUSTRY" in r.rule_ids
    assert [p.thread_id for p in first.pending()] == [r.thread_id]
    first.close()  # "server restart": a new process would open the same files
    second = make_service()
    again = second.get(r.thread_id)
    assert again.status == "pending_review" and again.memo == r.memo
    done = second.resume(r.thread_id, {"decision": "approve", "comment": "核实钢贸上下游真实，同意", "reviewer": "李审查"})
    assert done.status == "completed" and done.decision == "approve" and done.system_decision == "refer"
    assert done.review.reviewer == "李审查" and "李审查" in done.memo and "核实钢贸上下游真实" in done.memo
    assert second.pending() == []
    audit = AuditLog(paths[1])
    assert [x["event"] for x in audit.records(r.thread_id)] == ["referred", "reviewed"]
    assert audit.records(r.thread_id)[1]["reviewer"] == "李审查" and audit.verify().ok
    with pytest.raises(ReviewConflict):
        second.resume(r.thread_id, {"decision": "decline", "comment": "再次提交", "reviewer": "李审查"})
    with pytest.raises(ReviewNotFound):
        second.resume("loan-doesnotexist", {"decision": "approve", "comment": "同意放款", "reviewer": "李审查"})


def test_reviewer_can_decline_a_referral(make_service, app_of):
    svc = make_service()
    r = svc.review(app_of("refer_score_band_d"))
    done = svc.resume(r.thread_id, {"decision": "decline", "comment": "流水波动过大，暂不支持", "reviewer": "张复核"})
    assert done.decision == "decline" and "不予授信" in done.memo


def test_invalid_input_is_field_errors(make_service, app_of):
    svc = make_service()
    bad = app_of("approve_danyang_eyewear")
    bad["loan"]["product"] = "prod_space_loan"
    with pytest.raises(InvalidApplication) as exc:
        svc.review(bad)
    assert [e.field for e in exc.value.errors] == ["loan.product"]
    bad["owner"]["phone"] = "123"
    with pytest.raises(InvalidApplication) as exc:
        svc.review(bad)
    assert "owner.phone" in [e.field for e in exc.value.errors]


def test_no_personal_data_in_checkpoints_audit_or_logs(make_service, app_of, paths, caplog):
    raw = app_of("refer_rf04_prudent_steel")
    secrets = [raw["owner"]["id_number"], raw["owner"]["phone"], raw["owner"]["name"]]
    with caplog.at_level(logging.DEBUG):
        svc = make_service()
        r = svc.review(raw)
        svc.resume(r.thread_id, {"decision": "approve", "comment": "同意授信", "reviewer": "李审查"})
    stored = b"".join(p.read_bytes() for p in paths[0].parent.glob("*.sqlite*"))
    logs = caplog.text + r.memo + r.model_dump_json()
    for s in secrets:
        assert s.encode() not in stored and s not in logs
    assert raw["owner"]["id_number"][-4:] in r.memo  # masked form is shown
