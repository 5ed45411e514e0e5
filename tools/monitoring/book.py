"""The booked-loan book: loans with monthly flows, tax/invoice amounts, repayment delays, counterparty
concentration and chain-map transaction flags — as numpy arrays (loans × months), so the monitoring
job is vectorised over the whole book.

``synthetic_book`` writes a seeded book with known injected events (the ground truth per signal), the
last month's bank statements (with the transaction patterns of the ``chain_flag`` event injected
into them, for the screening to find) and a later default drawn from them, which is what the
per-signal P/R and the AUC are measured against.
``to_csv``/``from_csv`` use one long table (a row per loan and month), which is how a real book
(exported from the core banking system) comes in.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel

from tools.monitoring import statements

MONTH_COLUMNS = ("inflow", "tax_revenue", "dpd", "top_share", "chain_flags")
LOAN_COLUMNS = ("loan_id", "segment", "amount_wan", "source")
EVENTS = ("flow_drop", "repayment_delay", "concentration_change", "tax_gap", "chain_flag")


@dataclass
class LoanBook:
    loans: pd.DataFrame  # loan_id, segment, amount_wan, source
    months: list[str]  # YYYY-MM, oldest first; the last one is the month being monitored
    inflow: np.ndarray  # (n, m) 万元 received in the month
    tax_revenue: np.ndarray  # (n, m) invoiced / declared revenue 万元
    dpd: np.ndarray  # (n, m) days past due at month end
    top_share: np.ndarray  # (n, m) share of inflow from the largest counterparty
    chain_flags: np.ndarray  # (n, m) transaction-screening flags (chain map) in the month
    truth: dict[str, np.ndarray] = field(default_factory=dict)  # injected events (synthetic books only)
    default_later: np.ndarray | None = None  # simulated default in the following months
    statements: pd.DataFrame | None = None  # the months' transactions (tools.monitoring.statements), if any

    @property
    def n(self) -> int:
        return len(self.loans)


def month_range(end: str, count: int) -> list[str]:
    p = pd.Period(end, freq="M")
    return [str(p - k) for k in range(count - 1, -1, -1)]


def synthetic_book(n: int, segments: dict[str, list[float]], end_month: str = "2026-11", history: int = 13,
                   seed: int = 7, event_rate: float = 0.06) -> LoanBook:
    """``segments``: segment id → its 12 seasonality factors (from the corpus). Each event hits about
    ``event_rate`` of the loans, independently, in the last months of the history."""
    rng = np.random.default_rng(seed)
    months = month_range(end_month, history)
    cal = np.array([int(m[5:]) - 1 for m in months])
    seg_ids = sorted(segments)
    seg_idx = rng.integers(0, len(seg_ids), n)
    season = np.array([segments[s] for s in seg_ids])[seg_idx][:, cal]  # (n, m)
    base = rng.lognormal(np.log(60), 0.8, n)  # 万元 per month
    inflow = base[:, None] * season * rng.lognormal(0, 0.12, (n, history))
    tax_ratio = rng.uniform(0.6, 0.95, n)
    tax = inflow * tax_ratio[:, None] * rng.lognormal(0, 0.08, (n, history))
    top = np.clip(rng.beta(2, 6, n)[:, None] + rng.normal(0, 0.03, (n, history)), 0.02, 0.98)
    dpd = np.zeros((n, history), dtype=np.int32)
    rng.random((n, history))  # drawn as before (the old background flags) so the other series keep their values
    flags = np.zeros((n, history), dtype=np.int32)  # M06 now comes from screening the statements below
    truth = {e: rng.random(n) < event_rate for e in EVENTS}
    inflow[truth["flow_drop"], -2:] *= rng.uniform(0.2, 0.6, (truth["flow_drop"].sum(), 1))
    tax[truth["flow_drop"], -2:] *= 0.4
    late = truth["repayment_delay"]
    dpd[late, -1] = rng.choice([15, 35, 65, 95], late.sum(), p=[0.4, 0.3, 0.2, 0.1])
    dpd[late, -2] = np.maximum(dpd[late, -1] - 30, 0)
    conc = truth["concentration_change"]
    top[conc, -3:] = np.clip(top[conc, -3:] + rng.uniform(0.22, 0.5, (conc.sum(), 1)), 0, 0.99)
    gap = truth["tax_gap"]
    tax[gap, -3:] *= rng.uniform(0.05, 0.45, (gap.sum(), 1))
    rng.integers(1, 4, truth["chain_flag"].sum())  # drawn as before (the old injected flag counts)
    logit = -4.0 + sum(w * truth[e] for e, w in zip(EVENTS, (1.8, 2.6, 1.0, 1.4, 1.2))) \
        + 0.9 * (dpd[:, -1] >= 60) + rng.normal(0, 0.5, n)
    default_later = rng.random(n) < 1 / (1 + np.exp(-logit))
    loans = pd.DataFrame({"loan_id": [f"L{i:06d}" for i in range(n)], "segment": np.array(seg_ids)[seg_idx],
                          "amount_wan": np.round(base * rng.uniform(0.8, 2.5, n), 1), "source": "synthetic"})
    return LoanBook(loans=loans, months=months, inflow=np.round(inflow, 3), tax_revenue=np.round(tax, 3), dpd=dpd,
                    top_share=np.round(top, 4), chain_flags=flags, truth=truth, default_later=default_later,
                    statements=statements.synthetic_statements(loans["loan_id"].to_numpy(), inflow[:, -1], months[-1],
                                                               truth["chain_flag"], seed=seed + 1))


def to_csv(book: LoanBook) -> str:
    """One row per loan and month (long format), loans in order."""
    n, m = book.n, len(book.months)
    frame = pd.DataFrame({c: np.repeat(book.loans[c].to_numpy(), m) for c in LOAN_COLUMNS})
    frame["month"] = np.tile(book.months, n)
    for c in MONTH_COLUMNS:
        frame[c] = getattr(book, c).reshape(-1)
    return frame.to_csv(index=False)


class BookFileError(ValueError):
    pass


class BookedLoan(BaseModel):
    """An approved review turned into a loan: its bank-flow months are its history before booking."""

    loan_id: str
    segment: str
    amount_wan: float
    months: list[str]
    inflow: list[float]
    annual_tax_revenue_wan: float | None = None  # declared or invoiced revenue of the year


def from_booked(loans: list[BookedLoan], source: str = "review") -> LoanBook:
    """A book of newly booked loans. All must cover the same months (a book has one month axis; a
    loan whose statement covers other months is refused, naming it, rather than padded with zeros).
    An application has only an annual declared/invoiced revenue: before booking it is spread over the
    months in proportion to the inflow (so it raises no tax gap by construction); monthly tax data comes
    with the book's later months."""
    if not loans:
        raise BookFileError("loans: 没有可入账的贷款（没有批准的申请）")
    months = loans[0].months
    odd = [b.loan_id for b in loans if b.months != months]
    if odd:
        raise BookFileError(f"month: 贷款 {', '.join(odd[:5])} 的流水月份与 {loans[0].loan_id} 不同（{months[0]}–{months[-1]}）")
    n, m = len(loans), len(months)
    inflow = np.array([b.inflow for b in loans], dtype=float)
    annual = np.array([b.annual_tax_revenue_wan if b.annual_tax_revenue_wan is not None else np.nan for b in loans])
    yearly_inflow = np.maximum(inflow[:, -12:].sum(axis=1), 1e-9)
    tax = inflow * np.where(np.isnan(annual), 1.0, np.nan_to_num(annual) / yearly_inflow)[:, None]
    frame = pd.DataFrame({"loan_id": [b.loan_id for b in loans], "segment": [b.segment for b in loans],
                          "amount_wan": [b.amount_wan for b in loans], "source": source})
    return LoanBook(loans=frame, months=list(months), inflow=inflow, tax_revenue=tax, dpd=np.zeros((n, m), dtype=np.int32),
                    top_share=np.zeros((n, m)), chain_flags=np.zeros((n, m), dtype=np.int32))


def from_csv(text: str) -> LoanBook:
    """The long table back into arrays; every loan must have every month (a gap is an error, not a zero)."""
    try:
        df = pd.read_csv(io.StringIO(text), dtype={"loan_id": str, "segment": str, "month": str, "source": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise BookFileError(f"csv: 无法解析（{exc}）") from None
    missing = [c for c in (*LOAN_COLUMNS, "month", *MONTH_COLUMNS) if c not in df.columns]
    if missing:
        raise BookFileError(f"columns: 缺少列 {', '.join(missing)}")
    for c in ("amount_wan", *MONTH_COLUMNS):
        values = pd.to_numeric(df[c], errors="coerce")
        if values.isna().any():
            raise BookFileError(f"{c}: 第 {int(np.flatnonzero(values.isna())[0]) + 2} 行不是数字")
        df[c] = values
    months = sorted(df["month"].unique())
    loans = df.drop_duplicates("loan_id")[list(LOAN_COLUMNS)].reset_index(drop=True)
    if len(df) != len(loans) * len(months) or df.duplicated(["loan_id", "month"]).any():
        raise BookFileError("month: 每笔贷款必须有相同的月份且不重复")
    df = df.set_index(["loan_id", "month"]).sort_index()
    order = pd.MultiIndex.from_product([loans["loan_id"], months])
    df = df.reindex(order)
    shape = (len(loans), len(months))
    arrays = {c: df[c].to_numpy().reshape(shape) for c in MONTH_COLUMNS}
    return LoanBook(loans=loans, months=list(months), inflow=arrays["inflow"].astype(float),
                    tax_revenue=arrays["tax_revenue"].astype(float), dpd=arrays["dpd"].astype(np.int32),
                    top_share=arrays["top_share"].astype(float), chain_flags=arrays["chain_flags"].astype(np.int32))
