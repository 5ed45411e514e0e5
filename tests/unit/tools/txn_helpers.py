"""Small builders for transaction tests (not a test module)."""

from __future__ import annotations

import datetime as dt

from tools.txn.transactions import Transaction

D0 = dt.date(2024, 1, 1)


def tx(day: int, amount: float, direction: str = "in", cp: str = "甲公司", channel: str = "transfer",
       memo: str | None = None, **kw) -> Transaction:
    return Transaction(date=D0 + dt.timedelta(days=day), amount=amount, direction=direction, counterparty=cp,
                       channel=channel, memo=memo, **kw)


def regular_trade(days: int = 120, step: int = 3, amount: float = 12_345.0) -> list[Transaction]:
    """Ordinary trade: a few established buyers paying and suppliers being paid every few days."""
    out = []
    for k, d in enumerate(range(0, days, step)):
        out.append(tx(d, amount + 37 * k, "in", f"客户{k % 3}"))
        out.append(tx(d + 1, amount * 0.6 + 11 * k, "out", f"供应商{k % 2}"))
    return out
