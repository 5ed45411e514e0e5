import pytest

from kb.linking.linker import EntityLinker
from kb.schema import FACTS
from tools.credit.application import Application
from tools.credit.features import SME_FEATURES, build_facts, build_features, loan_flow
from tools.credit.industry import resolve_industry


def test_facts_cover_every_schema_fact_and_features_every_spec(raw_app, corpus, policy):
    app = Application.model_validate(raw_app)
    ind = resolve_industry(app, {k: d.meta for k, d in corpus.industries.items()}, policy)
    flow = loan_flow(app, ind.seasonality)
    facts = build_facts(app, ind, flow)
    assert set(facts) == set(FACTS)
    assert facts["industry_access"] == "鼓励" and facts["owner_age"] == 45
    assert facts["debt_to_revenue"] == pytest.approx(144 / 1200)
    assert set(build_features(app, ind, flow)) == {s.name for s in SME_FEATURES}


def test_flow_from_summary_is_deseasonalised(raw_app):
    app = Application.model_validate(raw_app)
    flat = loan_flow(app, None)
    assert flat.months == 12 and flat.monthly_inflow_wan == pytest.approx(100.0, rel=0.01)
    season = [m["inflow_wan"] / 100 for m in raw_app["bank_flow"]["months"]]  # Jun..May order
    by_month = [0.0] * 12
    for m, s in zip(raw_app["bank_flow"]["months"], season):
        by_month[int(m["month"][5:7]) - 1] = s
    adjusted = loan_flow(app, by_month)
    assert adjusted.inflow_cv == pytest.approx(0.0, abs=0.01)  # the season explains it all
    assert flat.inflow_cv > 0.05


def test_flow_from_raw_transactions_uses_the_chain_map_profile(eval_case):
    app = Application.model_validate(eval_case("approve_raw_transactions")["input"])
    flow = loan_flow(app, None)
    assert flow.source == "transactions" and flow.months == 12
    assert flow.monthly_inflow_wan == pytest.approx(50.0)  # 500,000 元 a month
    assert flow.monthly_outflow_wan == pytest.approx(42.0)


def test_profiler_adapter_point(raw_app):
    raw_app.pop("bank_flow")
    raw_app["transactions"] = [{"date": "2025-01-01", "amount": 1, "direction": "in", "counterparty": "x"}]
    app = Application.model_validate(raw_app)
    fake = lambda txns: (["2025-03", "2025-04", "2025-05"], [10.0, 20.0, 30.0], [5.0, 5.0, 5.0])  # noqa: E731
    flow = loan_flow(app, None, profiler=fake)
    assert flow.monthly_inflow_wan == 20.0 and flow.last_month == "2025-05"


def test_industry_linked_from_scope_when_no_id(raw_app, corpus, policy):
    raw_app["enterprise"]["industry_id"] = None
    app = Application.model_validate(raw_app)
    industries = {k: d.meta for k, d in corpus.industries.items()}
    assert resolve_industry(app, industries, policy).linked_by == "none"  # no linker: unknown, default access
    ind = resolve_industry(app, industries, policy, EntityLinker(industries.values()))
    assert ind.industry_id == "danyang_eyewear" and ind.linked_by == "linker" and ind.access == "鼓励"
