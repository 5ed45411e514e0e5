"""Shared pieces of the synthetic statement generator: the builder, labels and time-slot bookkeeping."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from tools.txn.flags import Typology
from tools.txn.transactions import Transaction


class SynthLabel(BaseModel):
    """One injected pattern: its typology and the ids of exactly the transactions injected for it."""

    typology: Typology
    txn_ids: list[str]
    description: str


class SynthHistory(BaseModel):
    seed: int
    industry_id: str
    enterprise: dict[str, Any]
    account_type: str
    transactions: list[Transaction]
    labels: list[SynthLabel]


@dataclass
class Party:
    name: str
    industry: str | None = None
    scope: str | None = None


@dataclass
class Builder:
    """Collects raw rows; ids are assigned in time order at the end so they reveal nothing."""

    rng: random.Random
    start: dt.date
    end: dt.date  # exclusive
    rows: list[dict[str, Any]] = field(default_factory=list)
    occupied: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    _uid: int = 0

    def add(self, day: dt.date, amount: float, direction: str, party: Party, channel: str = "transfer",
            memo: str | None = None) -> int:
        self._uid += 1
        day = min(day, self.end - dt.timedelta(days=1))  # the statement ends where the history ends
        self.rows.append({"uid": self._uid, "date": day, "amount": round(max(amount, 1.0), 2),
                          "direction": direction, "counterparty": party.name,
                          "counterparty_industry": party.industry, "counterparty_scope": party.scope,
                          "channel": channel, "memo": memo})
        return self._uid

    def day(self, lo: dt.date, hi: dt.date) -> dt.date:
        """A uniform day in [lo, hi)."""
        span = max((hi - lo).days, 1)
        return lo + dt.timedelta(days=self.rng.randrange(span))

    def reserve(self, days: int, margin: int = 10, lo_offset: int = 20, tries: int = 60) -> dt.date | None:
        """A start day for a pattern lasting ``days`` that overlaps no other injected pattern."""
        last = (self.end - self.start).days - days - 5
        if last <= lo_offset:
            return None
        for _ in range(tries):
            s = self.start + dt.timedelta(days=self.rng.randint(lo_offset, last))
            e = s + dt.timedelta(days=days)
            if all(e + dt.timedelta(days=margin) < a or s > b + dt.timedelta(days=margin) for a, b in self.occupied):
                self.occupied.append((s, e))
                return s
        return None

    def finish(self) -> tuple[list[Transaction], dict[int, str]]:
        """Sort rows by date (stable), number them T00001…, return transactions and uid → id."""
        ordered = sorted(self.rows, key=lambda r: (r["date"], self.rng.random()))
        ids: dict[int, str] = {}
        txns = []
        for k, r in enumerate(ordered, 1):
            ids[r["uid"]] = f"T{k:05d}"
            data = {key: v for key, v in r.items() if key != "uid"}
            txns.append(Transaction(id=ids[r["uid"]], **data))
        return txns, ids


def jitter_amount(rng: random.Random, amount: float) -> float:
    """Make an amount look like an invoice total: mostly whole 元 or 10 元, sometimes with 角分."""
    r = rng.random()
    if r < 0.45:
        return float(round(amount))
    if r < 0.8:
        return float(round(amount / 10) * 10)
    return round(amount, 2)
