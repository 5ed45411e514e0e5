"""Compare two runs case by case, and gate a run against the committed baselines.

The gate reads eval/baselines/<suite>.json (headline metrics of an accepted run) and fails when a
metric moved the wrong way by more than the tolerance. Refresh a baseline deliberately with
``puhui eval baseline RUN_DIR --suite NAME`` after checking the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from eval.run import load_results

BASELINES_DIR = Path(__file__).resolve().parent / "baselines"
DEFAULT_TOLERANCE = 0.02


@dataclass
class Regression:
    suite: str
    metric: str
    baseline: float
    current: float

    def __str__(self) -> str:
        return f"{self.suite}.{self.metric}: {self.baseline:.4f} → {self.current:.4f}"


def load_run(run_dir: Path) -> dict:
    path = run_dir / "run.json"
    if not path.exists():
        raise FileNotFoundError(f"no run.json in {run_dir}")
    return json.loads(path.read_text(encoding="utf-8"))


def gate(run: dict, baselines_dir: Path = BASELINES_DIR, tolerance: float = DEFAULT_TOLERANCE,
         suites: list[str] | None = None) -> tuple[list[Regression], list[str]]:
    """Return (regressions, notes). A suite with a baseline that is missing from the run is a note."""
    regressions, notes = [], []
    for path in sorted(baselines_dir.glob("*.json")):
        name = path.stem
        if suites and name not in suites:
            continue
        base = json.loads(path.read_text(encoding="utf-8"))
        entry = run.get("suites", {}).get(name)
        if not entry or entry.get("status") != "ok":
            notes.append(f"{name}: not in this run ({(entry or {}).get('reason', 'not run')})")
            continue
        lower = set(base.get("lower_is_better", []))
        for metric, value in base.get("metrics", {}).items():
            current = entry["summary"].get(metric)
            if current is None:
                notes.append(f"{name}.{metric}: missing from the run")
                continue
            worse = current - value if metric in lower else value - current
            if worse > tolerance:
                regressions.append(Regression(name, metric, value, current))
    return regressions, notes


def write_baseline(run: dict, suite: str, baselines_dir: Path = BASELINES_DIR) -> Path:
    entry = run["suites"][suite]
    if entry.get("status") != "ok":
        raise ValueError(f"suite {suite} did not run cleanly: {entry.get('reason')}")
    ungated = set(entry.get("ungated", []))
    metrics = {k: round(v, 6) for k, v in entry["summary"].items() if k not in ungated}
    baselines_dir.mkdir(parents=True, exist_ok=True)
    path = baselines_dir / f"{suite}.json"
    body = {"suite": suite, "commit": run.get("meta", {}).get("commit", ""), "cases": entry["cases"],
            "metrics": metrics, "lower_is_better": entry.get("lower_is_better", [])}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def compare_runs(run_a: Path, run_b: Path) -> dict:
    """Per suite: headline deltas, and the cases that went pass→fail (regressed) or fail→pass."""
    a, b = load_run(run_a), load_run(run_b)
    out = {}
    for name in sorted(set(a["suites"]) | set(b["suites"])):
        ea, eb = a["suites"].get(name, {}), b["suites"].get(name, {})
        sa, sb = ea.get("summary", {}), eb.get("summary", {})
        deltas = {k: (sa.get(k), sb.get(k)) for k in sorted(set(sa) | set(sb))}
        ca, cb = load_results(run_a / name / "results.jsonl"), load_results(run_b / name / "results.jsonl")
        common = set(ca) & set(cb)
        out[name] = {
            "metrics": deltas,
            "regressed": sorted(i for i in common if ca[i].passed and not cb[i].passed),
            "improved": sorted(i for i in common if not ca[i].passed and cb[i].passed),
            "only_in_a": sorted(set(ca) - set(cb)),
            "only_in_b": sorted(set(cb) - set(ca)),
        }
    return out
