import numpy as np
import pytest

from tools.credit import metrics


def test_auc_ks_brier_on_hand_computed_cases():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.4, 0.35, 0.8])
    assert metrics.auc(y, p) == pytest.approx(0.75)
    assert metrics.ks(y, p) == pytest.approx(0.5)
    assert metrics.brier(y, p) == pytest.approx((0.01 + 0.16 + 0.4225 + 0.04) / 4)
    assert metrics.ks(y, np.array([0.1, 0.2, 0.8, 0.9])) == pytest.approx(1.0)


def test_reliability_table_is_equal_count_and_exact_when_calibrated():
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 0.5, 20000)
    y = (rng.random(20000) < p).astype(int)
    rows = metrics.reliability_table(y, p, 10)
    assert sum(r["n"] for r in rows) == 20000 and len(rows) == 10
    assert all(abs(r["mean_pd"] - r["observed"]) < 0.03 for r in rows)
    assert metrics.expected_calibration_error(y, p) < 0.02
