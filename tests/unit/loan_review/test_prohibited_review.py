"""Loan review declines a prohibited business outright and records the list's version in the audit log."""

from __future__ import annotations

from agents.loan_review.service import LoanReviewService
from tools.credit.prohibited import DEFAULT_FILE


def test_online_gambling_promotion_is_declined_with_rule_and_words(make_service, app_of):
    app = app_of("approve_danyang_eyewear")
    app["enterprise"].pop("industry_id")
    app["enterprise"].update(name="南京云顶网络科技有限公司", business_scope="网络技术服务；境外博彩网站推广")
    svc = make_service()
    r = svc.review(app)
    assert r.decision == "decline" and "PB01_GAMBLING" in r.rule_ids and "IND_UNKNOWN" not in r.rule_ids
    assert any(x.startswith("[PB01_GAMBLING]") and "“博彩”" in x for x in r.reasons)
    rec = svc.ctx.audit.records(r.thread_id)[-1]
    assert rec["policy_version"] == f"{svc.ctx.policy.version}+{svc.ctx.prohibited.audit_tag}"
    assert "PB01_GAMBLING" in rec["rule_hits"]


def test_an_edited_list_is_used_and_its_new_version_audited(corpus, tmp_path, app_of):
    edited = tmp_path / "prohibited_business.rules.yaml"
    text = DEFAULT_FILE.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2026.2"')
    edited.write_text(text.replace("terms: [小化工,", "terms: [眼镜,小化工,"), encoding="utf-8")
    svc = LoanReviewService.create(corpus, tmp_path / "cp.sqlite", tmp_path / "audit.sqlite", prohibited_file=edited)
    try:
        r = svc.review(app_of("approve_danyang_eyewear"))  # the bank now lists eyewear (a test edit)
        assert r.decision == "decline" and "PB06_BANK_LIST" in r.rule_ids
        assert "prohibited_business@2026.2#" in svc.ctx.audit.records(r.thread_id)[-1]["policy_version"]
    finally:
        svc.close()
