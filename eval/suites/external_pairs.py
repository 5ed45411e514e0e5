"""External benchmark: same-intent detection on BQ and AFQMC question pairs (public dev splits).

Is "怎么更换绑定还款的卡" the same request as "我还款银行怎么更换"? A customer-service bot that matches
questions to FAQ entries needs exactly this judgement. Each pair is scored by three similarities:

- ``e5``: cosine of the project's embedder (``ctx.services.embedder``), ``query:`` role on both sides
  (the model card's advice for symmetric question↔question matching);
- ``bm25``: symmetric, self-normalised BM25 over jieba words (eval/pair_similarity.py);
- ``char``: Jaccard overlap of character bigrams.

Each dataset is shuffled with seed 0 and cut in two halves. The decision thresholds of every method are
chosen on the first half (at most ``calibration_pairs`` pairs of it, embedded once in ``setup``): one
maximising accuracy, one maximising F1 (AFQMC is 31% positive, where the accuracy-optimal threshold
drifts towards "never the same"). The cases are the pairs of the second half, so the reported
accuracy (at the accuracy threshold) and F1 (at the F1 threshold) never saw their own threshold; AUC
needs no threshold. A case passes when the accuracy-threshold e5 decision is right.
Data: ``<shared_data_dir>/bank_qa`` (research use, read in place, never copied; see its PROVENANCE.txt).
``--limit`` limits the evaluated pairs, not calibration.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.metrics.credit import auc
from eval.metrics.threshold import at_threshold, best_threshold
from eval.pair_similarity import Bm25Pairs, char_jaccard
from eval.schema import EvalCase
from eval.suite import CaseResult, Outcome, Suite

METHODS = ("e5", "bm25", "char")
#: dataset key -> path under <shared_data_dir>/bank_qa
FILES = {"bq": "bq_corpus/dev.csv", "afqmc": "afqmc/dev.json"}


def read_pairs(name: str, path: Path) -> list[tuple[int, str, str, bool]]:
    """(row, sentence1, sentence2, same_intent) for BQ (CSV with BOM), AFQMC (JSON lines) or
    ATEC (TAB-separated ``id, s1, s2, label``, no header, BOMs inside the first line's fields)."""
    rows: list[tuple[int, str, str, bool]] = []
    if name == "atec":
        with path.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                cols = line.rstrip("\n").replace("\ufeff", "").split("\t")
                if len(cols) == 4:
                    rows.append((i, cols[1], cols[2], cols[3].strip() == "1"))
    elif name == "bq":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for i, rec in enumerate(csv.DictReader(fh)):
                rows.append((i, rec["sentence1"], rec["sentence2"], str(rec["label"]).strip() == "1"))
    else:
        with path.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if line.strip():
                    rec = json.loads(line)
                    rows.append((i, rec["sentence1"], rec["sentence2"], str(rec["label"]).strip() == "1"))
    return rows


def split_halves(rows: list, seed: int = 0) -> tuple[list, list]:
    """Seeded shuffle, then (calibration half, test half)."""
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    half = len(rows) // 2
    return rows[:half], rows[half:]


def interleave(groups: list[list]) -> list:
    """Round-robin over the groups, so ``--limit N`` samples every dataset."""
    out, longest = [], max((len(g) for g in groups), default=0)
    for i in range(longest):
        out.extend(g[i] for g in groups if i < len(g))
    return out


@dataclass
class PairJudge:
    """The system under test: similarity functions and, per dataset, the calibrated thresholds."""

    embedder: Any
    bm25: dict[str, Any]
    thresholds: dict[str, dict[str, float]]

    def similarities(self, dataset: str, s1: str, s2: str) -> dict[str, float]:
        vec = self.embedder.embed([s1, s2], "query")
        return {"e5": float(vec[0] @ vec[1]), "bm25": self.bm25[dataset].similarity(s1, s2),
                "char": char_jaccard(s1, s2)}


class PairMatchingSuite(Suite):
    name = "external_pairs"
    dataset = ""
    description = "BQ/AFQMC dev: same-intent detection, threshold on a held-out half (e5 vs BM25 vs char overlap)"
    fast = False
    calibration_pairs = 2000
    #: descriptive figures, not qualities: the gate must not treat a moved threshold as a regression
    ungated = frozenset({"latency_p50_ms", "latency_p95_ms"} | {f"{d}.pairs" for d in FILES}
                        | {f"{d}.{m}.threshold" for d in FILES for m in METHODS})

    def _present(self, ctx) -> dict[str, Path]:
        base = Path(ctx.shared_data_dir) / "bank_qa"
        return {k: base / rel for k, rel in FILES.items() if (base / rel).is_file()}

    def available(self, ctx) -> str | None:
        if not self._present(ctx):
            return (f"BQ/AFQMC data not found under {Path(ctx.shared_data_dir) / 'bank_qa'} "
                    "(public datasets live in ../shared/data; set PUHUI_SHARED_DATA_DIR)")
        return None

    def load_cases(self, ctx) -> list[EvalCase]:
        groups = []
        for name, path in self._present(ctx).items():
            _, test = split_halves(read_pairs(name, path))
            groups.append([EvalCase(id=f"{name}-{row:05d}", input={"dataset": name, "s1": s1, "s2": s2},
                                    expected={"same": same},
                                    tags={"category": name, "difficulty": "normal", "variant": "standard",
                                          "label": "same" if same else "different"})
                           for row, s1, s2, same in test])
        return interleave(groups)

    def setup(self, ctx) -> PairJudge:

        embedder = ctx.services.embedder
        bm25, thresholds = {}, {}
        for name, path in self._present(ctx).items():
            calib, _ = split_halves(read_pairs(name, path))
            bm25[name] = Bm25Pairs(s for _, s1, s2, _ in calib for s in (s1, s2))
            sample = calib[: self.calibration_pairs]
            labels = [same for *_, same in sample]
            vec1 = embedder.embed([s1 for _, s1, _, _ in sample], "query")
            vec2 = embedder.embed([s2 for _, _, s2, _ in sample], "query")
            sims = {"e5": [float(a @ b) for a, b in zip(vec1, vec2)],
                    "bm25": [bm25[name].similarity(s1, s2) for _, s1, s2, _ in sample],
                    "char": [char_jaccard(s1, s2) for _, s1, s2, _ in sample]}
            thresholds[name] = {m: best_threshold(sims[m], labels, "accuracy") for m in METHODS}
            thresholds[name] |= {f"{m}_f1": best_threshold(sims[m], labels, "f1") for m in METHODS}
        return PairJudge(embedder, bm25, thresholds)

    def run_case(self, case: EvalCase, judge: PairJudge) -> Outcome:
        q = case.input
        sims = judge.similarities(q["dataset"], q["s1"], q["s2"])
        thr = judge.thresholds[q["dataset"]]
        predicted = {m: sims[m] >= thr[m] for m in METHODS}
        same = bool(case.expected["same"])
        return Outcome(passed=predicted["e5"] == same,
                       scores={f"{m}_correct": float(predicted[m] == same) for m in METHODS},
                       output={"s1": q["s1"], "s2": q["s2"], "similarity": sims, "threshold": thr,
                               "predicted_same": predicted},
                       trace=["embed query:×2", "cosine", "bm25", "char-bigram jaccard", "threshold"])

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        """Per dataset and method: accuracy and F1 at the calibrated threshold, and AUC (threshold-free)."""
        out = super().summarize(results)
        for name in sorted({str(r.tags.get("category")) for r in results}):
            rows = [r for r in results if r.tags.get("category") == name and r.error is None]
            if not rows:
                continue
            labels = [bool(r.expected["same"]) for r in rows]
            out[f"{name}.pairs"] = float(len(rows))
            for m in METHODS:
                sims = [r.output["similarity"][m] for r in rows]
                thr = rows[0].output["threshold"]
                out[f"{name}.{m}.accuracy"] = at_threshold(sims, labels, thr[m])["accuracy"]
                out[f"{name}.{m}.f1"] = at_threshold(sims, labels, thr.get(f"{m}_f1", thr[m]))["f1"]
                out[f"{name}.{m}.auc"] = auc([int(x) for x in labels], sims)
                out[f"{name}.{m}.threshold"] = thr[m]
        return out


SUITES = [PairMatchingSuite]
