"""The credit-validation suite's wiring and summary (the pipeline itself is tested in tools/credit)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from eval.run import EvalContext, run_all
from eval.suites.external_credit import CreditValidationSuite


def fake_report(name: str, card_auc: float, best_auc: float) -> dict:
    def model(auc):
        return {"auc": auc, "ks": 0.4, "brier": 0.17, "ece": 0.02, "auc_fold_mean": auc, "auc_fold_std": 0.01,
                "fit_seconds": 1.0, "reliability": [{"bin": 0, "mean_pd": 0.1, "bad_rate": 0.1, "n": 10}]}

    return {"dataset": name, "source": "x", "rows": 1000, "bad_rate": 0.3, "folds": 5, "seed": 42,
            "models": {"scorecard": model(card_auc), "logreg_raw": model(best_auc - 0.02), "lightgbm": model(best_auc)},
            "best_baseline": "lightgbm", "auc_gap_vs_best": card_auc - best_auc,
            "within_target": card_auc - best_auc >= -0.01, "scorecard_features_last_fold": ["a", "b"]}


@pytest.fixture
def credit_root(tmp_path):
    for rel in ("credit/german_credit/german.data", "credit/taiwan_default/UCI_Credit_Card.csv"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("stub\n")
    return tmp_path


def test_skips_with_a_reason_when_data_absent(tmp_path):
    ctx = EvalContext(services=None, llm_mode="none", shared_data_dir=tmp_path)
    reason = CreditValidationSuite().available(ctx)
    assert reason and str(tmp_path / "credit") in reason
    run = run_all([CreditValidationSuite()], ctx, tmp_path / "run")
    assert run["suites"]["external_credit"]["status"] == "skipped"


def test_cases_pass_when_the_scorecard_is_within_target(credit_root, tmp_path, monkeypatch):
    # a stand-in for tools.credit.validation (the real one imports LightGBM/optbinning: seconds of CPU)
    import tools.credit

    calls = []
    reports = {"G": fake_report("german_credit", 0.78, 0.785), "T": fake_report("taiwan_default", 0.75, 0.78)}
    fake = types.SimpleNamespace(load_german=lambda d: calls.append(("german", d)) or "G",
                                 load_taiwan=lambda d: calls.append(("taiwan", d)) or "T",
                                 cross_validate=lambda ds, folds: reports[ds])
    monkeypatch.setitem(sys.modules, "tools.credit.validation", fake)
    monkeypatch.setattr(tools.credit, "validation", fake, raising=False)
    ctx = EvalContext(services=None, llm_mode="none", shared_data_dir=credit_root)
    run = run_all([CreditValidationSuite()], ctx, tmp_path / "run")
    entry = run["suites"]["external_credit"]
    assert entry["status"] == "ok" and entry["cases"] == 2 and entry["passed"] == 1  # Taiwan is 0.03 behind
    s = entry["summary"]
    assert s["german_credit.scorecard.auc"] == 0.78 and s["taiwan_default.auc_gap_vs_best"] == pytest.approx(-0.03)
    assert s["german_credit.lightgbm.auc"] == 0.785 and "german_credit.lightgbm.auc" in entry["ungated"]
    assert "german_credit.scorecard.brier" in entry["lower_is_better"] and "brier" in entry["lower_is_better"]
    assert {c[0] for c in calls} == {"german", "taiwan"} and calls[0][1] == Path(credit_root) / "credit"


def test_only_present_datasets_become_cases(credit_root):
    (credit_root / "credit/taiwan_default/UCI_Credit_Card.csv").unlink()
    ctx = EvalContext(services=None, llm_mode="none", shared_data_dir=credit_root)
    assert CreditValidationSuite().available(ctx) is None
    assert [c.id for c in CreditValidationSuite().load_cases(ctx)] == ["german_credit"]
