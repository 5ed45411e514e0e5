"""The fit pipeline (optbinning + LR → points) and the exported table, on small synthetic data."""

import math

import numpy as np
import pandas as pd
import pytest

from tools.credit.binning import FeatureSpec, fit_scorecard, reference_distribution
from tools.credit.scorecard import Scorecard, ScoreScaling

SPECS = [FeatureSpec(name="debt", label="负债比", trend="ascending"),
         FeatureSpec(name="years", label="经营年限", trend="descending", unit="年"),
         FeatureSpec(name="grade", label="纳税等级", kind="categorical"),
         FeatureSpec(name="noise", label="噪声")]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 4000
    X = pd.DataFrame({"debt": rng.uniform(0, 1.5, n), "years": rng.uniform(0, 20, n),
                      "grade": rng.choice(list("ABC"), n), "noise": rng.normal(size=n)})
    logit = -2.5 + 2.0 * X.debt - 0.12 * X.years + X.grade.map({"A": -0.8, "B": 0.0, "C": 0.9})
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y.to_numpy()


@pytest.fixture(scope="module")
def card(data):
    c, rep = fit_scorecard(*data, SPECS, name="test")
    c.reference_scores = reference_distribution(c.scores(data[0]).astype(float))
    return c


def test_selects_informative_features_and_drops_noise(card):
    names = [f.name for f in card.features]
    assert {"debt", "years", "grade"} <= set(names) and "noise" not in names


def test_points_are_monotonic_in_the_declared_direction(card):
    pts = {f.name: f.points for f in card.features}
    assert all(a > b for a, b in zip(pts["debt"], pts["debt"][1:]))  # more debt, fewer points
    assert all(a < b for a, b in zip(pts["years"], pts["years"][1:]))  # longer operating, more points
    assert all(f.coef < 0 for f in card.features)  # WOE = ln(%good/%bad): every sign consistent


def test_score_equals_base_plus_feature_points_and_pdo_doubles_odds(card, data):
    X = data[0].iloc[:50]
    res = [card.score_one(r) for r in X.to_dict("records")]
    for r in res:
        assert abs(r.base_points + sum(r.points.values()) - r.score) <= 1.0
    s, p = card.scores(X), card.predict_pd(X)
    assert np.allclose([r.pd for r in res], p)
    # PDO: 20 more points = odds of good doubled
    odds = (1 - p) / p
    implied = card.scaling.base_score + card.scaling.pdo * np.log2(odds / card.scaling.base_odds)
    assert np.all(np.abs(implied - s) <= 0.5 + 1e-9)


def test_reason_codes_are_the_largest_point_gaps(card):
    r = card.score_one({"debt": 1.4, "years": 0.5, "grade": "C", "noise": 0.0})
    gaps = [x.points_below_best for x in r.reasons]
    assert gaps == sorted(gaps, reverse=True) and len(r.reasons) == 3
    assert {x.feature for x in r.reasons} == {"debt", "years", "grade"}
    assert "负债比" in r.reasons[0].text or "经营年限" in r.reasons[0].text or "纳税等级" in r.reasons[0].text
    best = card.score_one({"debt": 0.0, "years": 19, "grade": "A"})
    assert best.reasons == [] and best.score > r.score


def test_missing_and_unseen_values_use_the_missing_bin(card):
    r = card.score_one({"debt": None, "years": 5, "grade": "Z"})
    assert r.points["grade"] == pytest.approx(0.0) and math.isfinite(r.pd)


def test_json_round_trip_scores_identically(card, data, tmp_path):
    path = tmp_path / "m.json"
    card.save(path)
    again = Scorecard.load(path)
    assert again.version == card.version
    assert np.array_equal(again.scores(data[0]), card.scores(data[0]))


def test_scaling_constants():
    s = ScoreScaling(pdo=20, base_score=600, base_odds=50)
    assert s.factor == pytest.approx(20 / math.log(2))
    assert s.offset + s.factor * math.log(50) == pytest.approx(600)


def test_load_missing_model_names_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="tools.credit.train"):
        Scorecard.load(tmp_path / "none.json")
