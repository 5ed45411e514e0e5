"""Generator, history and the loader's column-by-column validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tools.campaign.columns import POPULATION_COLUMNS
from tools.campaign.history import simulate
from tools.campaign.loader import PopulationError, load_history, load_population, validate
from tools.campaign.population import generate


@pytest.fixture(scope="module")
def pop(service):
    return generate(list(service.ctx.industries.values()), list(service.ctx.products.values()), 2000, seed=3)


def test_generator_is_seeded_and_complete(service, pop):
    again = generate(list(service.ctx.industries.values()), list(service.ctx.products.values()), 2000, seed=3)
    pd.testing.assert_frame_equal(pop.base, again.base)
    assert list(pop.base.columns) == list(POPULATION_COLUMNS) or set(pop.base.columns) == set(POPULATION_COLUMNS)
    assert pop.base["ent_id"].is_unique and len(pop.truth.table) == 2000
    assert set(pop.truth.table["segment"]) <= set(service.ctx.industries)
    # scopes are written from the segment's own keywords, so they repeat (what linking caches on)
    assert pop.base["scope"].nunique() < 0.5 * len(pop.base)
    p = pop.truth.take_probability(np.arange(2000), np.zeros(2000, dtype=int), ["rm_visit"] * 2000)
    q = pop.truth.take_probability(np.arange(2000), np.zeros(2000, dtype=int), ["none"] * 2000)
    assert (p > q).mean() > 0.95 and 0 < q.mean() < 0.2  # contact lifts take-up; organic take-up is rare


def test_history_has_a_control_group_and_responds_to_contact(pop):
    h = simulate(pop, seed=4)
    control = h[h["channel"] == "none"]
    assert len(control) and not control["contacted"].any()
    assert h[h["contacted"]]["responded"].mean() > control["responded"].mean()
    assert not (h["defaulted"] & ~h["took"]).any() and not (h["took"] & ~h["responded"]).any()


def test_loader_round_trips_csv_and_parquet(tmp_path, pop):
    csv, pq = tmp_path / "base.csv", tmp_path / "base.parquet"
    pop.base.to_csv(csv, index=False)
    pop.base.to_parquet(pq, index=False)
    for path in (csv, pq):
        loaded = load_population(path)
        assert len(loaded) == 2000 and loaded["current_overdue"].dtype == bool
        np.testing.assert_allclose(loaded["annual_revenue_wan"], pop.base["annual_revenue_wan"])
    h = simulate(pop, seed=4)
    h.to_csv(tmp_path / "h.csv", index=False)
    assert len(load_history(tmp_path / "h.csv", pop.base["ent_id"])) == len(h)


def test_loader_names_every_bad_column(tmp_path, pop):
    bad = pop.base.drop(columns=["owner_age"]).astype(object)
    bad.loc[5, "annual_revenue_wan"] = "很多"
    bad.loc[7, "debt_to_revenue"] = -1
    bad.loc[9, "current_overdue"] = "maybe"
    bad.loc[3, "ent_id"] = bad.loc[2, "ent_id"]
    with pytest.raises(PopulationError) as info:
        validate(bad)
    assert [e.column for e in info.value.errors] == ["owner_age"]  # missing columns first, alone
    bad["owner_age"] = 40
    with pytest.raises(PopulationError) as info:
        validate(bad)
    by_col = {e.column: e for e in info.value.errors}
    assert set(by_col) == {"ent_id", "annual_revenue_wan", "debt_to_revenue", "current_overdue"}
    assert by_col["annual_revenue_wan"].first_row == 7 and "不是数字" in by_col["annual_revenue_wan"].message
    with pytest.raises(PopulationError) as info:
        load_population(tmp_path / "nope.xlsx")
    assert info.value.errors[0].column == "path"
