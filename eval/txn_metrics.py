"""Per-typology precision/recall of screening flags against injected labels (pure, no I/O).

A flag *matches* a label of the same typology when they share at least half the transactions of the
smaller of the two (so a seasonality flag citing a month's biggest inflows matches the injected
spike, but a flag touching one row of a 20-row burst does not). Precision counts flags (a flag with no
matching label is a false alarm); recall counts labels (a label with no matching flag is a miss).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from pydantic import BaseModel


class TypologyScore(BaseModel):
    typology: str
    flags: int
    true_flags: int
    labels: int
    found_labels: int

    @property
    def precision(self) -> float | None:
        return self.true_flags / self.flags if self.flags else None

    @property
    def recall(self) -> float | None:
        return self.found_labels / self.labels if self.labels else None


def matches(flag_ids: set[str], label_ids: set[str]) -> bool:
    if not flag_ids or not label_ids:
        return False
    return len(flag_ids & label_ids) >= 0.5 * min(len(flag_ids), len(label_ids))


def score(cases: Iterable[tuple[Sequence[tuple[str, set[str]]], Sequence[tuple[str, set[str]]]]],
          typologies: Sequence[str]) -> dict[str, TypologyScore]:
    """``cases``: per history, (flags as (typology, txn ids), labels as (typology, txn ids))."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for flags, labels in cases:
        for typ, ids in flags:
            acc[typ][0] += 1
            acc[typ][1] += any(lt == typ and matches(ids, lids) for lt, lids in labels)
        for typ, ids in labels:
            acc[typ][2] += 1
            acc[typ][3] += any(ft == typ and matches(fids, ids) for ft, fids in flags)
    return {t: TypologyScore(typology=t, flags=acc[t][0], true_flags=acc[t][1], labels=acc[t][2],
                             found_labels=acc[t][3]) for t in typologies}
