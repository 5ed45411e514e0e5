"""Ranking groups for an FAQ ranker from the public question-pair sets (ATEC, BQ, AFQMC).

A pair set has no FAQ, so one is made of the set itself: a seeded sample of its same-intent and
different-intent pairs, every distinct sentence one "standard question" of a pool (no answer). Each
sentence that has a same-intent partner in the sample is a query; its gold entries are its partners;
its candidates are what the product's hybrid retriever finds in the rest of the pool (itself
excluded) — hard negatives by construction, and the labelled different-intent pairs put near-misses
in the pool. Caveat: two sentences of the pool may mean the same without being a labelled pair; they
then count as negatives (label noise the ranker has to live with).
Data: ``<shared_data_dir>/bank_qa`` (research use, read in place, never copied; its PROVENANCE.txt).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from eval.suites.external_pairs import read_pairs
from kb.textnorm import normalize

#: dataset key -> path under <shared_data_dir>/bank_qa
PAIR_FILES = {"atec": "atec/atec_nlp_sim_train.csv", "bq": "bq_corpus/dev.csv", "afqmc": "afqmc/dev.json"}
#: (same-intent, different-intent) pairs sampled per set: ≤ 10,000 sentences to embed in all
DEFAULT_SAMPLE = {"atec": (1200, 800), "bq": (1200, 800), "afqmc": (600, 400)}


@dataclass
class PairPool:
    """The pool of one pair set: ``texts[i]`` is entry ``faq_id(i)``; ``queries`` (text index, gold indices)."""

    name: str
    texts: list[str]
    queries: list[tuple[int, set[int]]]

    @staticmethod
    def faq_id(i: int) -> str:
        return f"faq_up_{i}"  # the id eval.unionpay.faq_entries gives label ``i``

    def labels(self) -> dict[str, dict[str, str]]:
        """The pool in the row shape ``eval.unionpay.build_index`` indexes (questions only)."""
        return {str(i): {"label_std_question": t, "answer": "", "subject": self.name} for i, t in enumerate(self.texts)}

    def gold(self) -> list[set[str]]:
        return [{self.faq_id(g) for g in golds} for _, golds in self.queries]


def sample_pool(name: str, rows: list[tuple[int, str, str, bool]], n_pos: int, n_neg: int, seed: int = 0) -> PairPool:
    """``n_pos`` same-intent and ``n_neg`` different-intent pairs (seeded), texts normalised like queries."""
    clean = [(normalize(a).strip(), normalize(b).strip(), same) for _, a, b, same in rows]
    clean = [(a, b, same) for a, b, same in clean if a and b and a != b]
    rng = random.Random(seed)
    pos = [p for p in clean if p[2]]
    neg = [p for p in clean if not p[2]]
    chosen = rng.sample(pos, min(n_pos, len(pos))) + rng.sample(neg, min(n_neg, len(neg)))
    index: dict[str, int] = {}
    for a, b, _ in chosen:
        index.setdefault(a, len(index))
        index.setdefault(b, len(index))
    partners: dict[int, set[int]] = {}
    for a, b, same in chosen:
        if same:
            partners.setdefault(index[a], set()).add(index[b])
            partners.setdefault(index[b], set()).add(index[a])
    return PairPool(name, list(index), sorted(partners.items()))


def load_pools(bank_qa: Path, sample: dict[str, tuple[int, int]] | None = None, seed: int = 0) -> list[PairPool]:
    """One pool per pair set present under ``bank_qa`` (missing files are an error: say which)."""
    pools = []
    for name, (n_pos, n_neg) in (sample or DEFAULT_SAMPLE).items():
        path = bank_qa / PAIR_FILES[name]
        if not path.is_file():
            raise FileNotFoundError(f"pair set {name} not found: {path} (see ../shared/data/README.md)")
        pools.append(sample_pool(name, read_pairs(name, path), n_pos, n_neg, seed))
    return pools
