"""Validation pipeline on German credit (small CV; skipped when ../shared/data is absent)."""

import pytest

from tools.credit.validation import cross_validate, load_german, taiwan_characteristics


def test_german_cross_validation_reports_all_models(shared_data):
    ds = load_german(shared_data / "credit")
    assert len(ds.y) == 1000 and ds.y.mean() == pytest.approx(0.3)
    rep = cross_validate(ds, folds=3)
    assert set(rep["models"]) == {"scorecard", "logreg_raw", "lightgbm"}
    for m in rep["models"].values():
        assert 0.65 < m["auc_fold_mean"] < 0.9 and len(m["reliability"]) == 10
    assert rep["best_baseline"] in ("logreg_raw", "lightgbm") and isinstance(rep["within_target"], bool)


def test_taiwan_characteristics_are_derived_without_labels():
    import pandas as pd

    X = pd.DataFrame([{"LIMIT_BAL": 1000, "SEX": 1, "EDUCATION": 2, "MARRIAGE": 1, "AGE": 30,
                       **{c: s for c, s in zip(["PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6"], [2, 0, -1, 0, 0, 0])},
                       **{f"BILL_AMT{i}": 500 for i in range(1, 7)}, **{f"PAY_AMT{i}": 50 for i in range(1, 7)}}])
    Xd, specs = taiwan_characteristics(X)
    row = Xd.iloc[0]
    assert row.UTIL1 == 0.5 and row.MAX_DELAY == 2 and row.N_DELAY == 1 and row.PAY012 == "2|0|-1"
    assert {s.name for s in specs if s.kind == "categorical"} >= {"PAY_0", "PAY01", "PAY012", "SEX"}
