"""Backtests of the warning signals.

**Synthetic book**: each signal against the event injected into it (precision/recall per signal), and
the warning points against the simulated later default (AUC, precision and recall at the alert rate of
预警+高危).

**Taiwan credit set** (UCI default of credit-card clients, 30,000 accounts, April–September 2005 —
shared data, read in place): the same kind of signals computed month by month from the months seen so
far — repayment delay (PAY status), delay getting worse, a payment that covers under 5% of the previous
bill, limit utilisation ≥ 90% — predict the October default label. Reported per month end: precision
and recall of 预警+高危, of 高危 alone and of the naive rule "a delay this month", and the lead time
(months before October at which a defaulter flagged by September was first flagged).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel

from tools.credit.metrics import auc
from tools.monitoring.signals import SignalResult

TAIWAN_MONTHS = ("2005-04", "2005-05", "2005-06", "2005-07", "2005-08", "2005-09")
_PAY = ["PAY_6", "PAY_5", "PAY_4", "PAY_3", "PAY_2", "PAY_0"]  # April → September
_BILL = [f"BILL_AMT{k}" for k in range(6, 0, -1)]
_PAID = [f"PAY_AMT{k}" for k in range(6, 0, -1)]


class PR(BaseModel):
    precision: float
    recall: float
    alerts: int


class CutoffRow(BaseModel):
    month: str
    warning: PR  # 预警+高危 at that month end
    high: PR  # 高危 only
    naive_any_delay: PR  # a delay at that month end


class TaiwanBacktest(BaseModel):
    rows: int
    default_rate: float
    by_cutoff: list[CutoffRow]
    lead_months_warning: float  # mean over defaulters flagged by September
    lead_months_naive: float
    auc_points: float  # warning points at September vs the label


def pr(pred: np.ndarray, truth: np.ndarray) -> PR:
    tp = int(np.sum(pred & truth))
    return PR(precision=tp / max(int(pred.sum()), 1), recall=tp / max(int(truth.sum()), 1), alerts=int(pred.sum()))


def per_signal(result: SignalResult, truth: dict[str, np.ndarray]) -> dict[str, PR]:
    return {name: pr(result.flags[name], truth[name]) for name in truth if name in result.flags}


def against_default(result: SignalResult, default_later: np.ndarray) -> dict[str, float]:
    alert = result.level >= 2
    p = pr(alert, default_later)
    return {"auc": auc(default_later.astype(int), result.points + 0.01 * result.level), "alert_rate": float(alert.mean()),
            "precision_at_alert_rate": p.precision, "recall_at_alert_rate": p.recall,
            "default_rate": float(default_later.mean())}


def taiwan_points(df: pd.DataFrame) -> np.ndarray:
    """(n, 6) warning points at each month end, using only that month and the one before."""
    pay = df[_PAY].to_numpy()
    bill = df[_BILL].to_numpy(dtype=float)
    paid = df[_PAID].to_numpy(dtype=float)
    limit = df["LIMIT_BAL"].to_numpy(dtype=float)[:, None]
    delay_pts = np.select([pay >= 3, pay >= 2, pay >= 1], [3, 2, 1], 0)
    prev_pay = np.column_stack([np.zeros(len(df)), pay[:, :-1]])
    worse = (pay > np.maximum(prev_pay, 0)) & (pay >= 1)
    prev_bill = np.column_stack([np.zeros(len(df)), bill[:, :-1]])
    short = (prev_bill > 1000) & (paid < 0.05 * prev_bill)
    util = bill / np.maximum(limit, 1) >= 0.9
    return delay_pts + worse + short + util


def taiwan_backtest(path: Path) -> TaiwanBacktest:
    df = pd.read_csv(path)
    y = df["default.payment.next.month"].to_numpy().astype(bool)
    pts = taiwan_points(df)
    warn = pts >= 2
    naive = df[_PAY].to_numpy() >= 1
    seen_warn, seen_naive = np.cumsum(warn, axis=1) > 0, np.cumsum(naive, axis=1) > 0
    rows = [CutoffRow(month=m, warning=pr(warn[:, k], y), high=pr(pts[:, k] >= 3, y), naive_any_delay=pr(naive[:, k], y))
            for k, m in enumerate(TAIWAN_MONTHS)]

    def lead(seen: np.ndarray) -> float:
        first = np.argmax(seen, axis=1)  # first month flagged
        hit = seen[:, -1] & y
        return float(np.mean(6 - first[hit])) if hit.any() else 0.0

    return TaiwanBacktest(rows=len(df), default_rate=float(y.mean()), by_cutoff=rows,
                          lead_months_warning=lead(seen_warn), lead_months_naive=lead(seen_naive),
                          auc_points=auc(y.astype(int), pts[:, -1].astype(float)))
