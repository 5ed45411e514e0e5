"""The model file shipped in tools/credit/model/ is the documented, monotonic, explainable scorecard."""

from tools.credit.features import SME_FEATURES
from tools.credit.scorecard import Scorecard
from tools.credit.train import TRAIN_SEED


def test_shipped_model_is_monotonic_in_the_declared_directions():
    card = Scorecard.load()
    trends = {s.name: s.trend for s in SME_FEATURES if s.kind == "numeric"}
    assert len(card.features) >= 10 and "industry_risk_grade" in {f.name for f in card.features}
    for f in card.features:
        if f.kind != "numeric":
            continue
        pts = f.points
        if trends[f.name] == "ascending":  # risk rises with the value: points must fall
            assert all(a >= b for a, b in zip(pts, pts[1:])), f.name
        else:
            assert all(a <= b for a, b in zip(pts, pts[1:])), f.name


def test_shipped_model_records_how_it_was_built():
    meta = Scorecard.load().metadata
    assert meta["train_seed"] == TRAIN_SEED and meta["simulator"] == "tools.credit.simulator"
    assert meta["holdout_metrics"]["auc"] > 0.75 and meta["holdout_metrics"]["ece"] < 0.02
