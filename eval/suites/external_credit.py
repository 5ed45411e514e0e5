"""External benchmark: the scorecard pipeline on German credit and Taiwan default (5-fold CV).

One case per public dataset. Each runs ``tools.credit.validation.cross_validate``: the exact pipeline
of the shipped SME scorecard (monotonic WOE binning + logistic regression → points) beside a raw
logistic regression and LightGBM on the same folds. A case passes when the scorecard's mean fold AUC
is within 0.01 of the best baseline (``within_target``) — the bar for keeping an explainable model.
Neither dataset is Chinese or SME: they test the scoring mechanics and calibration, not the policy.
Data: ``<shared_data_dir>/credit`` (CC BY 4.0, read in place; see its PROVENANCE.txt).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.schema import EvalCase
from eval.suite import CaseResult, Outcome, Suite

#: case id -> (loader key in tools.credit.validation, file that must exist under <shared>/credit)
DATASETS = {
    "german_credit": ("german", "german_credit/german.data"),
    "taiwan_default": ("taiwan", "taiwan_default/UCI_Credit_Card.csv"),
}
LOWER = ("brier", "ece")
BASELINES = ("logreg_raw", "lightgbm", "lightgbm_design")


class CreditValidationSuite(Suite):
    name = "external_credit"
    dataset = ""
    description = "German/Taiwan credit: scorecard vs logistic regression vs LightGBM, 5-fold CV (AUC, KS, Brier, ECE)"
    fast = False
    parallel_safe = False  # each case is CPU-bound model fitting; two at once only thrash 2 cores
    folds = 5
    lower_is_better = frozenset(set(LOWER) | {f"{c}.scorecard.{m}" for c in DATASETS for m in LOWER})
    #: the baselines are references the scorecard is compared with, not qualities of this project
    ungated = frozenset({"latency_p50_ms", "latency_p95_ms"} | {f"{c}.rows" for c in DATASETS}
                        | {f"{c}.{m}.auc" for c in DATASETS for m in BASELINES})

    def _credit_dir(self, ctx) -> Path:
        return Path(ctx.shared_data_dir) / "credit"

    def available(self, ctx) -> str | None:
        missing = [rel for _, rel in DATASETS.values() if not (self._credit_dir(ctx) / rel).is_file()]
        if len(missing) == len(DATASETS):
            return (f"credit data not found under {self._credit_dir(ctx)} (German/Taiwan sets live in "
                    "../shared/data/credit; set PUHUI_SHARED_DATA_DIR)")
        return None

    def load_cases(self, ctx) -> list[EvalCase]:
        return [EvalCase(id=case_id, input={"dataset": key, "folds": self.folds},
                         expected={"auc_gap_vs_best_min": -0.01},
                         tags={"category": case_id, "difficulty": "normal", "variant": "standard"})
                for case_id, (key, rel) in DATASETS.items() if (self._credit_dir(ctx) / rel).is_file()]

    def setup(self, ctx) -> Path:
        return self._credit_dir(ctx)

    def run_case(self, case: EvalCase, credit_dir: Path) -> Outcome:
        from tools.credit import validation  # LightGBM, optbinning, sklearn (~5 s) only when this suite runs

        loaders = {"german": validation.load_german, "taiwan": validation.load_taiwan}
        report = validation.cross_validate(loaders[case.input["dataset"]](credit_dir), folds=case.input["folds"])
        card = report["models"]["scorecard"]
        scores = {"auc": card["auc_fold_mean"], "ks": card["ks"], "brier": card["brier"], "ece": card["ece"],
                  "auc_gap_vs_best": report["auc_gap_vs_best"]}
        models = {m: {k: v for k, v in s.items() if k != "reliability"} for m, s in report["models"].items()}
        output = {"rows": report["rows"], "bad_rate": report["bad_rate"], "best_baseline": report["best_baseline"],
                  "models": models, "scorecard_features_last_fold": report["scorecard_features_last_fold"],
                  "reliability_scorecard": card["reliability"]}
        return Outcome(passed=bool(report["within_target"]), scores=scores, output=output,
                       trace=[f"{case.input['folds']}-fold stratified CV", "scorecard (WOE + LR)", "logreg raw",
                              "lightgbm", f"best baseline {report['best_baseline']}"])

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        out: dict[str, Any] = super().summarize(results)
        for r in results:
            if r.error is not None:
                continue
            out[f"{r.id}.rows"] = float(r.output["rows"])
            for metric in ("auc", "ks", "brier", "ece"):
                out[f"{r.id}.scorecard.{metric}"] = r.scores[metric]
            out[f"{r.id}.auc_gap_vs_best"] = r.scores["auc_gap_vs_best"]
            for model, s in r.output["models"].items():
                if model != "scorecard":
                    out[f"{r.id}.{model}.auc"] = s["auc_fold_mean"]
        return out


SUITES = [CreditValidationSuite]
