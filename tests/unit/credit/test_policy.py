import pytest

from kb.schema import Rule
from tools.credit.policy import check, evaluate


def test_policy_covers_every_corpus_industry_with_valid_levels(policy, corpus):
    assert set(policy.industry_access) == set(corpus.industries) and len(policy.industry_access) == 105
    assert policy.access_of("small_chemicals") == "禁止" and policy.access_of("education_training") == "审慎"
    assert policy.access_of("not_an_industry") == policy.default_access == "审慎"


def test_rule_ids_unique_and_bands_ordered(policy):
    ids = [r.id for r in policy.hard_rules + policy.prudent_rules + policy.refer_rules]
    assert len(ids) == len(set(ids)) and all(ids)
    assert policy.band_of(700) == "A" and policy.band_of(0) == "E" and policy.band_of(-5) == "E"


@pytest.mark.parametrize("op,value,actual,ok", [
    (">=", 1, 1, True), (">=", 1, 0.9, False), ("between", [18, 65], 65, True), ("between", [18, 65], 66, False),
    ("in", ["A", "B"], "B", True), ("not_in", ["D"], "D", False), ("is_false", None, False, True),
    ("is_true", None, False, False), ("!=", "禁止", "适度", True),
])
def test_check_semantics(op, value, actual, ok):
    assert check(Rule(fact="years_operating", op=op, value=value, text="条件"), actual) is ok


def _facts(**over):
    base = dict(years_operating=8, annual_revenue_wan=1200, annual_tax_paid_wan=36, tax_credit_grade="A",
                invoice_months_12m=12, annual_invoice_wan=1000, monthly_inflow_wan=100,
                has_core_enterprise_orders=False, is_agricultural=False, has_cross_border_sales=False,
                has_collateral=False, has_guarantee=False, employee_count=30, owner_age=45, overdue_count_24m=0,
                max_overdue_days_24m=0, current_overdue=False, inquiries_3m=1, inquiries_6m=2, debt_to_revenue=0.1,
                industry_access="适度", requested_amount_wan=200, tenor_months=12)
    return {**base, **over}


def test_clean_facts_hit_nothing(policy, corpus):
    res = evaluate(policy, _facts(), corpus.product("prod_working_capital"))
    assert res.hits == [] and res.rules_checked > 20


def test_each_hit_has_id_and_plain_reason_with_actual_value(policy):
    res = evaluate(policy, _facts(owner_age=70, inquiries_3m=7, inquiries_6m=8))
    ids = {h.rule_id for h in res.declines}
    assert ids == {"CR02_OWNER_AGE", "CR06_INQUIRIES_3M"}
    age = next(h for h in res.hits if h.rule_id == "CR02_OWNER_AGE")
    assert "70" in age.reason and "18至65" in age.reason
    assert "RF01_INQUIRIES_3M" in {h.rule_id for h in res.refers}


def test_prudent_rules_only_for_prudent_industries(policy):
    risky = _facts(years_operating=2)
    assert not evaluate(policy, risky).declines
    res = evaluate(policy, {**risky, "industry_access": "审慎"})
    assert {h.rule_id for h in res.declines} == {"CP02_PRUDENT_YEARS"}


def test_missing_optional_fact_skips_policy_rule_but_fails_product_rule(policy, corpus):
    facts = _facts(tax_credit_grade=None, annual_tax_paid_wan=None)
    res = evaluate(policy, facts, corpus.product("prod_tax_loan"))
    assert any("CR12_TAX_GRADE_D" in n for n in res.notes)
    assert {h.rule_id for h in res.declines} >= {"PRD_prod_tax_loan.tax_credit_grade"}
    assert all(h.actual is None for h in res.declines)


def test_product_tenor_and_minimum(policy, corpus):
    res = evaluate(policy, _facts(tenor_months=48, requested_amount_wan=5), corpus.product("prod_working_capital"))
    assert {"PRD_TENOR_prod_working_capital", "PRD_AMOUNT_MIN_prod_working_capital"} <= {h.rule_id for h in res.declines}
