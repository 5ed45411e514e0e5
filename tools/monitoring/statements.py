"""Bank statements of the booked loans for the months being monitored: one long table (a row per
transaction, ``loan_id`` naming its loan) so the whole book's statements are screened column-wise
(tools/monitoring/txn_screen.py) instead of one Python list per loan.

``synthetic_statements`` writes the statements a seeded synthetic book implies: each loan's month
inflow split into customer receipts, supplier payments and the routine rent and payroll, plus — for
the loans whose ground truth says so — an injected screening pattern (cash deposits split just under
the 5万元 reporting threshold, or repeated identical round transfers from several parties). The
screening rules then have to find them; the flag is no longer a number written into the book.
``to_csv``/``from_csv`` are the file a real export comes in (named-field errors, never a traceback).
"""

from __future__ import annotations

import io
import random

import numpy as np
import pandas as pd

from tools.txn.synth.names import company, person

COLUMNS = ("loan_id", "txn_id", "date", "amount", "direction", "channel", "counterparty", "memo")
CHANNELS = ("transfer", "cash", "pos", "online", "bill", "other")
PATTERNS = ("structuring", "round_amount")


class StatementFileError(ValueError):
    pass


def _names(rng: random.Random, n: int, people: bool = False) -> np.ndarray:
    return np.array([person(rng) if people else company(rng) for _ in range(n)], dtype=object)


def synthetic_statements(loan_ids: np.ndarray, inflow_wan: np.ndarray, month: str, inject: np.ndarray,
                         seed: int = 7) -> pd.DataFrame:
    """Statements of one month for every loan (vectorised; a few hundred names drawn once).
    ``inflow_wan``: each loan's month inflow; ``inject``: loans that get a screening pattern."""
    rng, prng = np.random.default_rng(seed), random.Random(seed)
    n = len(loan_ids)
    start = np.datetime64(f"{month}-01")
    days = int((np.datetime64(str(pd.Period(month, freq="M") + 1) + "-01") - start).astype(int))
    buyers, suppliers = _names(prng, 400), _names(prng, 400)
    frames = []

    def block(loan_idx: np.ndarray, amount: np.ndarray, direction: str, channel, party: np.ndarray, memo,
              day: np.ndarray) -> None:
        frames.append(pd.DataFrame({"loan": loan_idx, "date": start + day.astype("timedelta64[D]"),
                                    "amount": np.round(amount, 2), "direction": direction, "channel": channel,
                                    "counterparty": party, "memo": memo}))

    # receipts: 8–20 per loan, the month's inflow split by random weights (never a round figure)
    k_in = rng.integers(8, 21, n)
    loan_in = np.repeat(np.arange(n), k_in)
    w = rng.gamma(2.0, 1.0, loan_in.size)
    share = w / np.bincount(loan_in, weights=w)[loan_in]
    block(loan_in, inflow_wan[loan_in] * 10_000 * share + rng.uniform(0.01, 0.99, loan_in.size), "in",
          np.where(rng.random(loan_in.size) < 0.3, "pos", "transfer"), buyers[rng.integers(0, 400, loan_in.size)],
          "货款", rng.integers(0, days, loan_in.size))
    # supplier payments: 4–10 per loan, about 80% of the inflow
    k_out = rng.integers(4, 11, n)
    loan_out = np.repeat(np.arange(n), k_out)
    w = rng.gamma(2.0, 1.0, loan_out.size)
    share = w / np.bincount(loan_out, weights=w)[loan_out]
    block(loan_out, inflow_wan[loan_out] * 8_000 * share + rng.uniform(0.01, 0.99, loan_out.size), "out",
          "transfer", suppliers[rng.integers(0, 400, loan_out.size)], "采购款", rng.integers(0, days, loan_out.size))
    # routine payments: round, repeated every month, and excluded by the rules' routine-memo check
    every = np.arange(n)
    block(every, np.maximum(np.round(inflow_wan * 0.03) * 10_000, 10_000), "out", "transfer",
          np.full(n, "物业租赁有限公司", dtype=object), "房租", np.full(n, 4))
    block(every, np.maximum(np.round(inflow_wan * 0.05) * 10_000, 10_000), "out", "transfer",
          np.full(n, "代发工资", dtype=object), "代发工资", np.full(n, 9))
    hit = np.flatnonzero(inject)
    pattern = rng.integers(0, len(PATTERNS), hit.size)
    # structuring: 3–5 cash deposits within 5 days, each just under the 5万元 cash threshold
    s = hit[pattern == 0]
    k = rng.integers(3, 6, s.size)
    loan_s = np.repeat(s, k)
    first = np.repeat(rng.integers(0, days - 5, s.size), k)
    block(loan_s, rng.uniform(45_200, 49_900, loan_s.size), "in", "cash", _names(prng, 50, people=True)[
        rng.integers(0, 50, loan_s.size)], "现金存入", first + rng.integers(0, 5, loan_s.size))
    # round amounts: 4–6 identical round transfers within 20 days from several parties
    r = hit[pattern == 1]
    k = rng.integers(4, 7, r.size)
    loan_r = np.repeat(r, k)
    first = np.repeat(rng.integers(0, days - 20, r.size), k)
    block(loan_r, np.repeat(rng.choice([50_000, 100_000, 200_000], r.size), k), "in", "transfer",
          _names(prng, 60)[rng.integers(0, 60, loan_r.size)], "往来款", first + rng.integers(0, 20, loan_r.size))
    out = pd.concat(frames, ignore_index=True).sort_values(["loan", "date"], kind="stable", ignore_index=True)
    out.insert(0, "loan_id", np.asarray(loan_ids, dtype=object)[out.pop("loan").to_numpy()])
    out.insert(1, "txn_id", out["loan_id"] + "-" + month.replace("-", "") + "-"
               + out.groupby("loan_id").cumcount().astype(str).str.zfill(3))
    return out


def to_csv(statements: pd.DataFrame) -> str:
    frame = statements[list(COLUMNS)].copy()
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
    return frame.to_csv(index=False)


def from_csv(text: str, loan_ids: set[str] | None = None) -> pd.DataFrame:
    """Read and check a statements file; the first bad row and field is named."""
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise StatementFileError(f"csv: 无法解析（{exc}）") from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise StatementFileError(f"columns: 缺少列 {', '.join(missing)}")
    dates = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    amount = pd.to_numeric(df["amount"], errors="coerce")
    checks = (("date", dates.isna()), ("amount", amount.isna() | (amount <= 0)),
              ("direction", ~df["direction"].isin(["in", "out"])), ("channel", ~df["channel"].isin(CHANNELS)),
              ("counterparty", df["counterparty"].str.strip() == ""))
    for field, bad in checks:
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise StatementFileError(f"{field}: 第 {row + 2} 行无效（{df[field].iloc[row]!r}）")
    if loan_ids is not None:
        unknown = ~df["loan_id"].isin(list(loan_ids))
        if unknown.any():
            raise StatementFileError(f"loan_id: 第 {int(np.flatnonzero(unknown)[0]) + 2} 行的贷款不在台账中")
    df["date"], df["amount"] = dates.dt.normalize(), amount.astype(float)
    return df[list(COLUMNS)]
