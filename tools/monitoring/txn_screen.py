"""The chain map's transaction screening over a whole book's month of statements (signal M06).

The amount-shape rules of tools/txn (TS05 structuring just under a reporting threshold, TS06 repeated
identical round amounts) only fire when some window of ``days`` holds ``min_count`` qualifying rows
of one loan, direction and channel kind (or amount). That condition is counted column-wise for every
loan at once (one sort and one ``searchsorted``); the rules themselves — the same functions the chain
map runs, with the same ``ScreeningParams`` — then run only on the loans that meet it, and only on
the rows they can look at (band and round amounts), so the flags, explanations and cited transactions
are exactly what the rules give on each loan's whole statement (tested), without building 10,000
Python transaction lists. The rules that need a counterparty's industry or a
long history (TS01 chain position, circular flows, fan-in/out, dormancy, seasonality) are not part of
the monthly job: the book carries no counterparty industries and only the month's statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from tools.monitoring.book import LoanBook
from tools.txn.flags import TYPOLOGY_NAMES_ZH, Flag, ScreeningParams
from tools.txn.profile import is_routine
from tools.txn.rules.amount import round_amounts, structuring
from tools.txn.transactions import Transaction

RULES = (structuring, round_amounts)
MAX_EVIDENCE_TXNS = 20  # transactions cited per flag in a stored alert (the count is always complete)


@dataclass
class BookScreening:
    counts: np.ndarray  # (n,) flags per loan, in book order
    flags: dict[str, list[Flag]] = field(default_factory=dict)  # loan_id → its flags
    candidates: int = 0  # loans the column-wise pass sent to the rules
    rows: int = 0  # statement rows of the month (0: the statements do not cover it)

    def evidence(self, loan_id: str) -> list[dict]:
        """The flags of one loan as stored alert evidence: rule, typology, explanation and the
        transactions that show it (id, date, amount, direction, counterparty, channel)."""
        return [{"rule_id": f.rule_id, "typology": f.typology, "name": TYPOLOGY_NAMES_ZH[f.typology],
                 "severity": f.severity, "explanation": f.explanation, "txn_count": len(f.evidence),
                 "transactions": [r.model_dump(mode="json", exclude={"index"}) for r in f.evidence[:MAX_EVIDENCE_TXNS]]}
                for f in self.flags.get(loan_id, [])]


def _window_hits(group: np.ndarray, day: np.ndarray, days: int, min_count: int) -> np.ndarray:
    """Rows ending a window of < ``days`` days that holds ≥ ``min_count`` rows of their group
    (the condition under which tools.txn.rules.amount.windows yields a group)."""
    if group.size == 0:
        return np.zeros(0, dtype=bool)
    key = group.astype(np.int64) * 1_000_000 + (day - day.min())
    order = np.argsort(key, kind="stable")
    k = key[order]
    start = np.searchsorted(k, k - days, side="right")
    hit = np.zeros(group.size, dtype=bool)
    hit[order] = (np.arange(k.size) - start + 1) >= min_count
    return hit


def candidate_loans(st: pd.DataFrame, p: ScreeningParams) -> tuple[np.ndarray, np.ndarray]:
    """(codes of the loans where TS05 or TS06 can fire, the rows either rule can look at: amounts
    in a just-under band, or non-routine round amounts — the rules ignore every other row)."""
    loan = st["loan"].to_numpy()
    day = st["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    amount = st["amount"].to_numpy(dtype=float)
    inbound = (st["direction"] == "in").to_numpy(dtype=bool).astype(np.int64)  # compared in pandas: Arrow strings
    cash = (st["channel"] == "cash").to_numpy(dtype=bool)
    found, eligible = [], np.zeros(len(st), dtype=bool)
    for is_cash, threshold in ((True, p.cash_report_threshold), (False, p.transfer_report_threshold)):
        m = (cash == is_cash) & (amount >= threshold * (1 - p.structuring_band)) & (amount < threshold)
        eligible |= m
        g = loan[m] * 2 + inbound[m]
        found.append(loan[m][_window_hits(g, day[m], p.structuring_window_days, p.structuring_min_count)])
    memo_code, memos = pd.factorize(st["memo"].fillna(""))  # a few distinct memos: judge each once
    routine = np.array([is_routine(str(m)) for m in memos] + [False], dtype=bool)[memo_code]
    is_round = np.abs(amount - np.round(amount / p.round_unit) * p.round_unit) < 0.005  # rules.amount.is_round
    rnd = (amount >= p.round_min_amount) & is_round & ~routine
    eligible |= rnd
    if rnd.any():
        amt_code = pd.factorize(np.round(amount[rnd], 2))[0].astype(np.int64)
        g = (loan[rnd].astype(np.int64) * 2 + inbound[rnd]) * (amt_code.max() + 1) + amt_code
        found.append(loan[rnd][_window_hits(g, day[rnd], p.round_window_days, p.round_min_count)])
    return np.unique(np.concatenate(found)), eligible


def to_transactions(rows: pd.DataFrame) -> list[Transaction]:
    """Statement rows as the chain map's transaction model. The rows were checked when the file was
    read (statements.from_csv) or written by the generator, so they are constructed without a second
    validation — at 15,000 rows a month that is most of the screening time."""
    dates = pd.to_datetime(rows["date"]).dt.date.tolist()
    memos = rows["memo"].fillna("").astype(str).tolist()
    return [Transaction.model_construct(id=i, date=d, amount=float(a), direction=dr, channel=ch, counterparty=cp,
                                        memo=m or None)
            for i, d, a, dr, ch, cp, m in zip(rows["txn_id"].tolist(), dates, rows["amount"].tolist(),
                                              rows["direction"].tolist(), rows["channel"].tolist(),
                                              rows["counterparty"].tolist(), memos)]


def screen_loan(txns: list[Transaction], p: ScreeningParams) -> list[Flag]:
    """The monthly job's rules on one loan's statement — what the candidates get."""
    return [f for rule in RULES for f in rule(txns, p)]


def screen_book(statements: pd.DataFrame, loan_ids: np.ndarray, month: str,
                params: ScreeningParams | None = None) -> BookScreening:
    """Screen every loan's statement of ``month``; loans without statements get 0 flags."""
    p = params or ScreeningParams()
    counts = np.zeros(len(loan_ids), dtype=np.int32)
    day = pd.to_datetime(statements["date"]).to_numpy().astype("datetime64[D]")
    first = np.datetime64(f"{month}-01")
    st = statements[(day >= first) & (day < np.datetime64(str(pd.Period(month, freq="M") + 1) + "-01"))]
    if st.empty:
        return BookScreening(counts=counts)
    codes, uniq = pd.factorize(st["loan_id"])
    st = st.assign(loan=codes)
    cand, eligible = candidate_loans(st, p)
    position = pd.Index(loan_ids).get_indexer(uniq)
    flags: dict[str, list[Flag]] = {}
    rows = st[st["loan"].isin(cand).to_numpy() & eligible].sort_values("loan", kind="stable")
    txns, loan = to_transactions(rows), rows["loan"].to_numpy()
    bounds = np.flatnonzero(np.diff(loan)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(loan)]) if len(loan) else ():
        code = int(loan[lo])
        found = screen_loan(txns[lo:hi], p)
        if found and position[code] >= 0:
            flags[str(uniq[code])] = found
            counts[position[code]] = len(found)
    return BookScreening(counts=counts, flags=flags, candidates=int(cand.size), rows=len(st))


def screen_into(book: LoanBook, month: str,
                params: ScreeningParams | None = None) -> tuple[LoanBook, BookScreening | None]:
    """(the book with ``month``'s flag counts from its statements in ``chain_flags``, the screening);
    a book without statements, or whose statements do not cover ``month``, is returned as it is (its
    column stays what was imported). The caller's book is never written into."""
    if book.statements is None:
        return book, None
    found = screen_book(book.statements, book.loans["loan_id"].to_numpy(), month, params)
    if found.rows == 0:
        return book, None
    flags = book.chain_flags.copy()
    flags[:, book.months.index(month)] = found.counts
    return replace(book, chain_flags=flags), found
