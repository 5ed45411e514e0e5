"""The campaign run end to end on 3,000 enterprises: the house rules (declined never targeted, only
eligible products, budget and capacities never exceeded), reasons, the model report and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from agents.campaign.service import InvalidCampaign
from kb.schema import Rule
from tools.campaign.allocation import allocate, solve_lp
from tools.campaign.features import offer_features
from tools.campaign.propensity import predict_batches
from tools.campaign.rules import outcome
from tools.campaign.scaleout import score_on_dask
from tools.credit.policy import check


def test_declined_and_ineligible_are_never_targeted(small_run, service):
    t, tables = small_run.targets, small_run.tables
    rows = t["ent_id"].map(dict(zip(small_run.population.base["ent_id"], range(3000)))).to_numpy()
    assert not tables["screen"]["declined"].to_numpy()[rows].any()
    for product, idx in t.groupby("product").indices.items():
        assert tables["targetable"][product][rows[idx]].all()
    assert t["ent_id"].is_unique  # one offer per enterprise
    assert small_run.result.summary.declined > 0  # the pre-screen did bite on this base


def test_budget_and_capacities_hold(small_run, service):
    s = small_run.result.summary
    assert 0 < s.spend_yuan <= s.budget_yuan + 1e-6
    assert abs(small_run.targets["cost"].sum() - s.spend_yuan) < 0.01
    for use in small_run.result.channels:
        assert use.contacts <= use.capacity
    assert s.expected_value_yuan <= s.bound_yuan + 1e-6 and 0 <= s.optimality_gap < 0.05


def test_targets_carry_bid_value_and_three_reasons(small_run):
    r = small_run.result
    assert r.targets and len(r.targets) <= 50
    first = r.targets[0]
    assert len(first.reasons) == 3 and all(first.reasons) and "预期价值" in first.reasons[2]
    assert first.bid_yuan >= first.cost_yuan * 0.99 or r.summary.budget_shadow_price > 0
    values = [t.expected_value_yuan for t in r.targets]
    assert values == sorted(values, reverse=True) and values[-1] > 0
    assert "营销获客活动简报" in r.brief and "不得承诺" in r.brief


def test_model_report_is_measured_on_held_out_history(small_run):
    m = small_run.result.model
    assert m.rows_test > 100 and 0.6 < m.auc <= 1 and 0 < m.brier < 0.25 and m.ece < 0.1
    assert m.lift[-1][1] == pytest.approx(1.0)


def test_bad_requests_name_the_field(service):
    with pytest.raises(InvalidCampaign) as info:
        service.run({"budget_yuan": 100, "products": ["prod_nope"], "channels": [{"id": "fax"}]})
    assert [f for f, _ in info.value.errors] == ["products", "channels"]
    with pytest.raises(ValueError, match="budget_yuan"):
        service.run({"budget_yuan": -5})
    with pytest.raises(InvalidCampaign) as info:
        service.run({"budget_yuan": 100, "population": {"source": "file"}})
    assert {f for f, _ in info.value.errors} == {"population.path", "population.history_path"}


def test_write_is_all_or_nothing(small_run, service, tmp_path, monkeypatch):
    folder = service.write(small_run, tmp_path)
    assert {p.name for p in folder.iterdir()} == {"targets.csv", "brief.md", "result.json", "lift.png", "segments.png",
                                                  "budget.png"}
    assert len(pd.read_csv(folder / "targets.csv")) == small_run.result.summary.targets

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr("agents.campaign.charts.save_charts", boom)
    small_run.result.campaign_id = "cmp-broken"
    with pytest.raises(OSError):
        service.write(small_run, tmp_path / "other")
    assert list((tmp_path / "other").iterdir()) == []


@pytest.mark.parametrize("rule,values", [
    (Rule(fact="owner_age", op="between", value=[18, 65], text="年龄18至65"), [17, 18, 65, 66]),
    (Rule(fact="tax_credit_grade", op="in", value=["A", "B"], text="A或B"), ["A", "C", "B", "D"]),
    (Rule(fact="current_overdue", op="is_false", text="无逾期"), [True, False, False, True]),
    (Rule(fact="industry_access", op="!=", value="禁止", text="非禁止"), ["禁止", "适度", "审慎", "禁止"]),
    (Rule(fact="inquiries_3m", op="<=", value=6, text="不超过6"), [0, 6, 7, 100]),
], ids=["between", "in", "is_false", "text_ne", "le"])
def test_vectorised_rules_agree_with_the_single_enterprise_check(rule, values):
    failed, missing = outcome(rule, pd.DataFrame({rule.fact: values}))
    assert list(failed) == [not check(rule, v) for v in values] and not missing.any()
    failed, missing = outcome(rule, pd.DataFrame({"other": values}))
    assert missing.all() and not failed.any()


def test_allocation_is_within_its_bound_of_the_lp():
    rng = np.random.default_rng(1)
    n, c = 800, 3
    ent, ch = np.repeat(np.arange(n), c), np.tile(np.arange(c), n)
    cost = np.array([100.0, 5.0, 0.5])[ch]
    value = rng.normal(2, 30, len(ent)) * np.array([4, 1, 0.2])[ch]
    keep = value > 0
    ent, ch, cost, value = ent[keep], ch[keep], cost[keep], value[keep]
    cap = np.array([30.0, 150.0, 600.0])
    for budget in (500.0, 5000.0):
        a = allocate(ent, ch, value, cost, budget, cap)
        lp = solve_lp(ent, ch, value, cost, budget, cap)
        assert a.spend <= budget + 1e-9 and np.bincount(ch[a.chosen], minlength=c).tolist() <= cap.tolist()
        assert np.unique(ent[a.chosen]).size == a.chosen.sum()
        assert a.value <= lp + 1e-6 <= a.bound + 1e-3 * abs(a.bound) + 1e-6  # bound ≥ LP ≥ chosen
        assert a.gap < 0.02
    with pytest.raises(ValueError):
        allocate(ent, ch, value, cost, -1.0, cap)


def test_arrow_batches_score_like_the_frame(small_run):
    t, model = small_run.tables, small_run.tables["model"]
    rows = np.arange(500)
    x = offer_features(t["ent"], rows, "prod_working_capital", "phone", model.products, model.channels,
                       t["owns"]["prod_working_capital"], t["fitting"]["prod_working_capital"])
    batches = pa.Table.from_pandas(x, preserve_index=False).to_batches(max_chunksize=128)
    assert len(batches) == 4
    scored = np.concatenate([a.to_numpy() for a in predict_batches(model, batches)])
    np.testing.assert_allclose(scored, model.predict(x))


def test_the_dual_bound_without_highs_is_still_a_bound(monkeypatch):
    monkeypatch.setattr("tools.campaign.allocation.EXACT_LP_MAX", 0)
    rng = np.random.default_rng(2)
    n = 600
    ent, ch = np.repeat(np.arange(n), 2), np.tile(np.arange(2), n)
    cost = np.array([50.0, 2.0])[ch]
    value = np.abs(rng.normal(100, 80, len(ent)))
    cap = np.array([20.0, 100.0])
    for budget in (0.0, 400.0, 1e9):  # no budget, a binding budget, binding capacities only
        a = allocate(ent, ch, value, cost, budget, cap)
        lp = solve_lp(ent, ch, value, cost, budget, cap)
        assert a.bound >= lp - 1e-6 * max(lp, 1.0) and a.value <= lp + 1e-6 and a.spend <= budget + 1e-9
    assert allocate(ent, ch, value, cost, 0.0, cap).value == 0.0


def test_dask_local_mode_maps_the_same_batch_scorer(small_run):
    t, model = small_run.tables, small_run.tables["model"]
    x = offer_features(t["ent"], np.arange(900), "prod_tax_loan", "sms", model.products, model.channels,
                       t["owns"]["prod_tax_loan"], t["fitting"]["prod_tax_loan"])
    table = pa.Table.from_pandas(x, preserve_index=False)
    for scheduler in ("threads", "processes"):
        np.testing.assert_allclose(score_on_dask(model, table, rows_per_batch=250, scheduler=scheduler),
                                   model.predict(x))
