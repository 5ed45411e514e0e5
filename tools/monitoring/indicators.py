"""Industry indicators: monthly series per segment (price index, order volume, export share, the
overdue rate inside our own book…) loaded from CSV, and the segment-level signals they raise.

Two tests per series, both vectorised over the whole table (pandas group-wise shifts, no row loops):
a **threshold** (the latest value past a level, e.g. overdue rate ≥ 3%) and a **trend break** (the
latest value more than ``z`` robust deviations from the previous ``window`` months, and at least
``min_change`` away in relative terms, so a flat series with a tiny wobble is not a break). Each
series says which direction is adverse; an adverse signal *tightens* the segment's risk strategy, a
favourable break *loosens* it. Every signal carries its date, series and the values as evidence.
"""

from __future__ import annotations

import io
import warnings
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from tools.storage import Database

COLUMNS = ("segment", "month", "series", "value")
SCHEMA = ("CREATE TABLE IF NOT EXISTS industry_indicators (segment TEXT NOT NULL, month TEXT NOT NULL, "
          "series TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, PRIMARY KEY (segment, month, series))",)


class SeriesRule(BaseModel):
    name_zh: str
    adverse: Literal["up", "down"]
    threshold: float | None = None  # adverse level (≥ for "up", ≤ for "down")
    window: int = 6
    z: float = 3.0
    min_change: float = 0.15  # relative change vs the window median a break needs


DEFAULT_RULES: dict[str, SeriesRule] = {
    "price_index": SeriesRule(name_zh="价格指数", adverse="down", min_change=0.10),
    "order_volume": SeriesRule(name_zh="订单量", adverse="down", min_change=0.20),
    "export_share": SeriesRule(name_zh="出口占比", adverse="down", min_change=0.20),
    "overdue_rate": SeriesRule(name_zh="我行逾期率(%)", adverse="up", threshold=3.0, min_change=0.30),
}


class IndustrySignal(BaseModel):
    segment: str
    month: str
    series: str
    kind: Literal["threshold", "trend_break"]
    direction: Literal["tighten", "loosen"]
    value: float
    reference: float = Field(description="the threshold, or the median of the previous window")
    evidence: str


class IndicatorFileError(ValueError):
    pass


def read_csv(text: str) -> pd.DataFrame:
    """``segment,month,series,value`` rows (month YYYY-MM); errors name the line and column."""
    try:
        df = pd.read_csv(io.StringIO(text), dtype={"segment": str, "month": str, "series": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise IndicatorFileError(f"csv: 无法解析（{exc}）") from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise IndicatorFileError(f"columns: 缺少列 {', '.join(missing)}")
    df = df[list(COLUMNS)]
    bad_month = ~df["month"].astype(str).str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad_month.any():
        raise IndicatorFileError(f"month: 第 {int(np.flatnonzero(bad_month)[0]) + 2} 行应为 YYYY-MM")
    values = pd.to_numeric(df["value"], errors="coerce")
    if values.isna().any():
        raise IndicatorFileError(f"value: 第 {int(np.flatnonzero(values.isna())[0]) + 2} 行不是数字")
    return df.assign(value=values.astype(float))


def save(db: Database, df: pd.DataFrame) -> int:
    """Upsert the rows (a corrected month replaces the old value); returns how many rows were written."""
    db.script(SCHEMA)
    rows = list(df[list(COLUMNS)].itertuples(index=False, name=None))
    with db.transaction(exclusive="puhui-indicators") as tx:
        tx.executemany("DELETE FROM industry_indicators WHERE segment = ? AND month = ? AND series = ?",
                       [r[:3] for r in rows])
        tx.executemany("INSERT INTO industry_indicators VALUES (?, ?, ?, ?)", rows)
    return len(rows)


def load(db: Database, segment: str | None = None) -> pd.DataFrame:
    db.script(SCHEMA)
    rows = db.fetchall("SELECT segment, month, series, value FROM industry_indicators"
                       + (" WHERE segment = ?" if segment else ""), (segment,) if segment else ())
    return pd.DataFrame(rows, columns=list(COLUMNS))


def signals(df: pd.DataFrame, as_of: str | None = None, rules: dict[str, SeriesRule] | None = None
            ) -> list[IndustrySignal]:
    """Signals of the latest month ≤ ``as_of`` of each (segment, series); series without a rule are skipped."""
    rules = rules or DEFAULT_RULES
    if df.empty:
        return []
    d = df[df["series"].isin(list(rules))]
    if as_of:
        d = d[d["month"] <= as_of]
    d = d.sort_values(["segment", "series", "month"]).reset_index(drop=True)
    if d.empty:
        return []
    g = d.groupby(["segment", "series"])["value"]
    win = max(r.window for r in rules.values())
    lagged = np.column_stack([g.shift(k).to_numpy() for k in range(1, win + 1)])  # previous months, newest first
    window = np.array([rules[s].window for s in d["series"]])
    lagged[np.arange(win)[None, :] >= window[:, None]] = np.nan
    seen = np.sum(~np.isnan(lagged), axis=1)
    enough = seen >= np.maximum(3, window // 2)
    with warnings.catch_warnings():  # rows without history are all-NaN; ``enough`` masks them out
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(np.where(enough[:, None], lagged, 0.0), axis=1)
        mad = np.nanmedian(np.abs(lagged - med[:, None]), axis=1) * 1.4826
    value = d["value"].to_numpy()
    scale = np.maximum(mad, np.abs(med) * 0.02 + 1e-9)
    zs = (value - med) / scale
    rel = (value - med) / np.maximum(np.abs(med), 1e-9)
    up = np.array([rules[s].adverse == "up" for s in d["series"]])
    zneed = np.array([rules[s].z for s in d["series"]])
    rneed = np.array([rules[s].min_change for s in d["series"]])
    brk = enough & (np.abs(zs) >= zneed) & (np.abs(rel) >= rneed)
    thr = np.array([np.nan if rules[s].threshold is None else rules[s].threshold for s in d["series"]])
    over = ~np.isnan(thr) & np.where(up, value >= thr, value <= thr)
    last = d.groupby(["segment", "series"])["month"].transform("max").to_numpy() == d["month"].to_numpy()
    out: list[IndustrySignal] = []
    for i in np.flatnonzero(last & (brk | over)):  # only the few flagged rows become objects
        seg, month, series = d.at[i, "segment"], d.at[i, "month"], d.at[i, "series"]
        rule = rules[series]
        if over[i]:
            out.append(IndustrySignal(segment=seg, month=month, series=series, kind="threshold", direction="tighten",
                                      value=float(value[i]), reference=float(thr[i]),
                                      evidence=f"{month} {rule.name_zh} {value[i]:g}，超过阈值 {thr[i]:g}"))
        if brk[i]:
            adverse = (zs[i] > 0) == up[i]
            out.append(IndustrySignal(
                segment=seg, month=month, series=series, kind="trend_break", direction="tighten" if adverse else "loosen",
                value=float(value[i]), reference=float(med[i]),
                evidence=f"{month} {rule.name_zh} {value[i]:g}，较前{int(seen[i])}个月中位数 {med[i]:g} "
                         f"{'上升' if rel[i] > 0 else '下降'} {abs(rel[i]):.0%}（趋势突变）"))
    return out


def stance(sigs: list[IndustrySignal]) -> Literal["收紧", "放宽", "维持"]:
    """One segment's strategy direction: any adverse signal tightens; favourable ones alone loosen."""
    if any(s.direction == "tighten" for s in sigs):
        return "收紧"
    return "放宽" if sigs else "维持"
