import pytest

from kb.schema import ProductDoc, Rule
from tools.products import evaluate_rule, match_product, match_products


def rule(fact, op, value=None):
    return Rule(fact=fact, op=op, value=value, text=f"{fact} {op} {value}")


@pytest.mark.parametrize("r,facts,status", [
    (rule("years_operating", ">=", 2), {"years_operating": 3}, "met"),
    (rule("years_operating", ">=", 2), {"years_operating": 1.5}, "failed"),
    (rule("years_operating", ">=", 2), {}, "missing"),
    (rule("years_operating", ">=", 2), {"years_operating": "很多"}, "missing"),
    (rule("owner_age", "between", [18, 65]), {"owner_age": 65}, "met"),
    (rule("owner_age", "between", [18, 65]), {"owner_age": 70}, "failed"),
    (rule("tax_credit_grade", "in", ["A", "B", "M"]), {"tax_credit_grade": "B"}, "met"),
    (rule("tax_credit_grade", "not_in", ["C", "D"]), {"tax_credit_grade": "D"}, "failed"),
    (rule("has_collateral", "is_true"), {"has_collateral": "是"}, "met"),
    (rule("current_overdue", "is_false"), {"current_overdue": True}, "failed"),
    (rule("current_overdue", "is_false"), {"current_overdue": "也许"}, "missing"),
    (rule("employee_count", "<", 10), {"employee_count": 9}, "met"),
    (rule("industry_access", "==", "禁止"), {"industry_access": "鼓励"}, "failed"),
    (rule("industry_access", "!=", "禁止"), {"industry_access": "鼓励"}, "met"),
])
def test_evaluate_rule(r, facts, status):
    out = evaluate_rule(r, facts)
    assert out.status == status and out.label  # the fact's Chinese label is always filled


def _product(pid, rules, category="loan"):
    extra = {"amount_wan": {"min": 1, "max": 100}, "tenor_months": {"min": 1, "max": 12},
             "rate_pct": {"min": 3, "max": 8}} if category == "loan" else {}
    return ProductDoc(id=pid, doc_type="product", name=pid, category=category, summary="一个测试用的产品说明",
                      target_customers=["小微"], eligibility=rules, **extra)


def test_match_statuses_and_missing_facts():
    p = _product("prod_tax", [rule("tax_credit_grade", "in", ["A", "B"]), rule("years_operating", ">=", 2)])
    fits = match_product(p, {"tax_credit_grade": "A", "years_operating": 5})
    needs = match_product(p, {"tax_credit_grade": "A"})
    fails = match_product(p, {"tax_credit_grade": "C", "years_operating": 5})
    assert (fits.status, needs.status, fails.status) == ("fits", "needs_info", "fails")
    assert [o.fact for o in needs.missing] == ["years_operating"] and "经营年限" in needs.summary
    assert fails.failed[0].fact == "tax_credit_grade" and fails.summary.startswith("不符合")


def test_ranking_prefers_fit_then_industry_list_and_rejects_unknown_facts():
    a = _product("prod_a", [rule("years_operating", ">=", 1)])
    b = _product("prod_b", [rule("years_operating", ">=", 1), rule("has_collateral", "is_true")])
    c = _product("prod_c", [rule("years_operating", ">=", 10)])
    acct = _product("prod_acct", [], category="account")
    ranked = match_products([c, b, a, acct], {"years_operating": 3}, preferred=["prod_b", "prod_acct"])
    order = [m.product_id for m in ranked]
    assert order[0] == "prod_acct"  # fits and on the industry's list
    # an industry-listed product with one open question ranks above a generic product that fits
    assert order.index("prod_b") < order.index("prod_a")
    assert order[-1] == "prod_c" and ranked[-1].status == "fails"
    with pytest.raises(ValueError, match="unknown fact"):
        match_products([a], {"shoe_size": 42})
