"""Train the e5 bank-question adapter (``kb/models/e5_bank_adapter.npz``; see ``kb/retrieval/embeddings/adapter.py``).

    .venv/bin/python -m kb.train_adapter [--data-dir ../shared/data] [--out kb/models/e5_bank_adapter.npz]

Data (read in place from the shared data folder, never copied; licences in its PROVENANCE.txt):
the same-intent (label 1) pairs of ``bank_qa/atec/atec_nlp_sim_train.csv`` (ATEC 2018, 8,549 pairs)
and ``bank_qa/bq_corpus/dev.csv`` (BQ corpus dev, 5,000 pairs). No UnionPay question and no project
data is used. Both sides are normalised like queries and embedded in the ``query`` role (raw vectors
cached in ``var/bench-cache``).

Model: ``x → normalize(x @ W)``, ``W`` 384×384 initialised at the identity; symmetric in-batch InfoNCE
(temperature 0.05, batch 256, Adam lr 1e-3, 2 epochs, penalty 1e-4·‖W − I‖²), seed 0. Picked by hand
from a handful of runs (full-rank vs rank 32/128, penalty 1e-3…1e-5, 2-6 epochs) on ATEC/BQ pair
accuracy and the UnionPay *tuning* questions (the bench printed its test slice alongside): more
epochs or a smaller penalty raise pair accuracy but stop helping retrieval. Prints held-out
pair accuracy@1 (1,000 pairs) before and after.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

from kb.retrieval.embeddings import E5Embedder
from kb.retrieval.embeddings.adapter import DEFAULT_ADAPTER
from kb.textnorm import normalize

ROOT = Path(__file__).resolve().parents[1]


def read_pairs(data_dir: Path) -> list[tuple[str, str]]:
    """Same-intent pairs from ATEC (TAB, no header, BOMs) and BQ dev (CSV with header), normalised."""
    atec, bq = data_dir / "bank_qa/atec/atec_nlp_sim_train.csv", data_dir / "bank_qa/bq_corpus/dev.csv"
    for p in (atec, bq):
        if not p.is_file():
            raise SystemExit(f"training data not found: {p} (see ../shared/data/README.md)")
    pairs: list[tuple[str, str]] = []
    with atec.open(encoding="utf-8-sig") as fh:
        for line in fh:
            cols = line.rstrip("\n").replace("\ufeff", "").split("\t")
            if len(cols) == 4 and cols[3] == "1":
                pairs.append((cols[1], cols[2]))
    with bq.open(encoding="utf-8-sig") as fh:
        pairs += [(r["sentence1"], r["sentence2"]) for r in csv.DictReader(fh) if r["label"] == "1"]
    return [(normalize(a).strip(), normalize(b).strip()) for a, b in pairs]


def train(x1: np.ndarray, x2: np.ndarray, *, epochs: int = 2, batch: int = 256, tau: float = 0.05,
          lr: float = 1e-3, penalty: float = 1e-4, seed: int = 0) -> np.ndarray:
    """Fit ``W`` so that ``normalize(x1 @ W)`` retrieves its partner ``normalize(x2 @ W)`` in a batch."""
    import torch  # training only (the shipped adapter is applied with numpy)

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    dim = x1.shape[1]
    eye = torch.eye(dim)
    w = torch.nn.Parameter(eye.clone())
    opt = torch.optim.Adam([w], lr=lr)
    t1, t2 = torch.from_numpy(np.ascontiguousarray(x1, np.float32)), torch.from_numpy(np.ascontiguousarray(x2, np.float32))
    batch = min(batch, len(x1))
    labels = torch.arange(batch)
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(len(x1)))
        for start in range(0, len(order) - batch + 1, batch):
            idx = order[start:start + batch]
            a = torch.nn.functional.normalize(t1[idx] @ w, dim=1)
            b = torch.nn.functional.normalize(t2[idx] @ w, dim=1)
            sims = a @ b.T / tau
            loss = (torch.nn.functional.cross_entropy(sims, labels) + torch.nn.functional.cross_entropy(sims.T, labels)) / 2
            loss = loss + penalty * ((w - eye) ** 2).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return w.detach().numpy().astype(np.float32)


def pair_accuracy(x1: np.ndarray, x2: np.ndarray, w: np.ndarray | None = None) -> float:
    """Share of ``x1`` rows whose nearest ``x2`` row (among all) is their own partner."""
    if w is not None:
        x1, x2 = x1 @ w, x2 @ w
    x1 = x1 / np.linalg.norm(x1, axis=1, keepdims=True)
    x2 = x2 / np.linalg.norm(x2, axis=1, keepdims=True)
    return float(((x1 @ x2.T).argmax(1) == np.arange(len(x1))).mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=DEFAULT_ADAPTER)
    ap.add_argument("--cache-dir", type=Path, default=ROOT / "var" / "bench-cache")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    pairs = read_pairs(args.data_dir)
    emb = E5Embedder(threads=2, cache_dir=args.cache_dir)
    print(f"{len(pairs)} same-intent pairs (ATEC + BQ dev); embedding (cached after the first run)...", flush=True)
    x1, x2 = emb.embed([a for a, _ in pairs], "query"), emb.embed([b for _, b in pairs], "query")
    perm = np.random.default_rng(args.seed).permutation(len(pairs))
    val, tr = perm[:1000], perm[1000:]
    w = train(x1[tr], x2[tr], epochs=args.epochs, seed=args.seed)
    print(f"held-out pair accuracy@1 (1,000 pairs): {pair_accuracy(x1[val], x2[val]):.3f} → "
          f"{pair_accuracy(x1[val], x2[val], w):.3f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, W=w, base_model_id=np.array(emb.model_id),
             data=np.array("ATEC atec_nlp_sim_train.csv + BQ dev.csv, label-1 pairs"), seed=np.array(args.seed))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
