import pytest

from tools.credit.application import Application
from tools.credit.features import loan_flow
from tools.credit.industry import IndustryContext
from tools.credit.limit_pricing import compute_limit, compute_price


@pytest.fixture
def parts(raw_app, corpus, policy):
    def make(**loan):
        raw_app["loan"].update(loan)
        app = Application.model_validate(raw_app)
        ind = IndustryContext.from_doc(corpus.industry("danyang_eyewear"), "鼓励", "application")
        return app, loan_flow(app, ind.seasonality), ind
    return make


def test_requested_amount_binds_when_capacity_is_ample(parts, policy, corpus):
    app, flow, ind = parts(requested_amount_wan=100)
    res = compute_limit(policy, "A", app, flow, ind, corpus.product("prod_working_capital"))
    assert res.limit_wan == 100 and res.binding == "requested" and res.offer
    assert {c.key for c in res.components} >= {"cash_flow", "leverage", "industry", "product", "policy_cap"}


def test_weaker_band_lowers_capacity_and_names_the_binding_term(parts, policy, corpus):
    app, flow, ind = parts(requested_amount_wan=480)
    a = compute_limit(policy, "A", app, flow, ind, corpus.product("prod_working_capital"))
    d = compute_limit(policy, "D", app, flow, ind, corpus.product("prod_working_capital"))
    assert a.limit_wan == 480 and d.limit_wan < a.limit_wan and d.binding == "leverage"
    assert d.limit_wan == 1200 * 0.3 - 144  # verified revenue × D-band 30% − existing debt
    assert "D档30%" in d.explanation and "现有负债144万元" in d.explanation
    thin = flow.model_copy(update={"monthly_inflow_wan": 40.0})
    c = compute_limit(policy, "C", app, thin, ind, corpus.product("prod_working_capital"))
    assert c.binding == "cash_flow" and c.limit_wan == 160 and "C档4倍" in c.explanation


def test_collateral_caps_and_uplifts(parts, policy, corpus):
    app, flow, ind = parts(requested_amount_wan=900, product="prod_mortgage_loan", tenor_months=60,
                           collateral={"type": "property", "value_wan": 1000})
    res = compute_limit(policy, "A", app, flow, ind, corpus.product("prod_mortgage_loan"))
    coll = next(c for c in res.components if c.key == "collateral")
    assert coll.value_wan == pytest.approx(700)
    assert next(c for c in res.components if c.key == "cash_flow").value_wan == pytest.approx(flow.monthly_inflow_wan * 6 * 1.3)
    assert res.limit_wan <= 700


def test_no_offer_below_product_minimum(parts, policy, corpus):
    app, flow, ind = parts(requested_amount_wan=8)
    res = compute_limit(policy, "A", app, flow, ind, corpus.product("prod_working_capital"))
    assert not res.offer and res.limit_wan == 0 and "起贷金额" in res.explanation


def test_price_from_grid_with_adjustments_and_product_clamp(parts, policy, corpus):
    app, _, _ = parts()
    p = compute_price(policy, "C", 3, app, corpus.product("prod_working_capital"))
    assert p.base_rate_pct == policy.pricing_grid.base_rate_pct["C"][2] and p.rate_pct == p.base_rate_pct
    app2, _, _ = parts(product="prod_mortgage_loan", tenor_months=60, collateral={"type": "property", "value_wan": 900})
    q = compute_price(policy, "A", 1, app2, corpus.product("prod_mortgage_loan"))
    raw = policy.pricing_grid.base_rate_pct["A"][0] - 0.40 + 0.20
    assert q.rate_pct == pytest.approx(max(raw, 3.0)) and {a.key for a in q.adjustments} == {"collateral", "tenor_over_36m"}
    hi = compute_price(policy, "E", 5, app, corpus.product("prod_tax_loan"))
    assert hi.rate_pct == corpus.product("prod_tax_loan").rate_pct.max and "调整" in hi.explanation
