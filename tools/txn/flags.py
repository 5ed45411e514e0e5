"""The screening vocabulary: typologies, the flag a rule raises, and every threshold as a named field.

Thresholds live in one typed object so a reviewer can see (and an auditor can log) exactly what was
applied. Reporting thresholds follow 《金融机构大额交易和可疑交易报告管理办法》(中国人民银行令〔2016〕第3号,
第五条): 当日单笔或累计现金收支 ≥ 5万元; 自然人账户境内款项划转 ≥ 50万元; 非自然人账户划转 ≥ 200万元.
Many micro businesses (个体工商户) run their trade through the owner's personal account, so the
transfer threshold defaults to the natural-person 50万元; set 200万元 for a corporate account.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.txn.transactions import Transaction, TxnRef

Typology = Literal[
    "implausible_counterparty", "circular_flow", "fan_in", "fan_out", "structuring",
    "round_amount", "pass_through", "dormancy_burst", "seasonality_mismatch",
]
TYPOLOGIES: tuple[str, ...] = Typology.__args__  # type: ignore[attr-defined]
Severity = Literal["low", "medium", "high"]
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}

TYPOLOGY_NAMES_ZH: dict[str, str] = {
    "implausible_counterparty": "交易对手与产业链位置不符",
    "circular_flow": "资金循环（闭环回流）",
    "fan_in": "分散转入、集中转出前的快速归集（多对一）",
    "fan_out": "集中转出至大量新对手（一对多）",
    "structuring": "拆分交易规避大额报告",
    "round_amount": "整数金额重复交易",
    "pass_through": "快进快出（过渡户）",
    "dormancy_burst": "长期静默后突发交易",
    "seasonality_mismatch": "资金流与行业季节性不符",
}


class Flag(BaseModel):
    """One suspicious pattern with the transactions that show it and a plain-Chinese explanation."""

    rule_id: str
    typology: Typology
    severity: Severity
    explanation: str
    evidence: list[TxnRef]
    counterparties: list[str] = Field(default_factory=list)
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    total_amount: float = 0.0
    details: dict[str, float | int | str | None] = Field(default_factory=dict)

    @property
    def indices(self) -> set[int]:
        return {e.index for e in self.evidence}


def make_flag(rule_id: str, typology: Typology, severity: Severity, explanation: str,
              txns: list[Transaction], indices: list[int], **details: float | int | str | None) -> Flag:
    """Build a flag whose evidence lists ``indices`` (positions in the caller's list) in time order."""
    order = sorted(set(indices), key=lambda i: (txns[i].timestamp, i))
    refs = [TxnRef.of(i, txns[i]) for i in order]
    cps = list(dict.fromkeys(txns[i].counterparty for i in order))
    return Flag(rule_id=rule_id, typology=typology, severity=severity, explanation=explanation,
                evidence=refs, counterparties=cps[:50],
                first_date=refs[0].date if refs else None, last_date=refs[-1].date if refs else None,
                total_amount=round(sum(txns[i].amount for i in order), 2), details=details)


def wan(amount: float) -> str:
    """Amount in 万元 for explanations (people read 万元, not 元)."""
    return f"{amount / 10_000:,.2f}万元"


class ScreeningParams(BaseModel):
    """All thresholds, named. Defaults were set on synthetic seeds 0–9 only (see bench/txn_screening.py)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # reporting thresholds (PBOC Order 2016 No.3 art.5) and what counts as "just under"
    cash_report_threshold: float = 50_000.0
    transfer_report_threshold: float = 500_000.0
    structuring_band: float = Field(0.10, gt=0, lt=0.5, description="just under = [T·(1−band), T)")
    structuring_min_count: int = 3
    structuring_window_days: int = 7
    # round amounts
    round_unit: float = 10_000.0
    round_min_amount: float = 10_000.0
    round_min_count: int = 4
    round_window_days: int = 30
    # pass-through (money in and out within a day)
    pass_min_amount: float = 50_000.0
    pass_out_ratio: tuple[float, float] = (0.93, 1.0)
    pass_vs_median_day: float = 3.0
    # fan-in / fan-out bursts
    fan_window_days: int = 2
    fan_min_new_counterparties: int = 8
    fan_vs_baseline: float = 2.0
    # circular flows (out to B, back from B or another party, about the same amount)
    circular_window_days: int = 15
    circular_amount_tol: float = 0.05
    circular_min_amount: float = 20_000.0
    circular_min_cycles: int = 2
    circular_horizon_days: int = 120
    # dormancy then burst
    dormant_days: int = 60
    burst_window_days: int = 10
    burst_min_txns: int = 8
    burst_vs_usual: float = 1.5
    burst_new_share: float = 0.5
    dormancy_season_floor: float = Field(0.5, description="gaps in months the industry index puts below this are seasonal, not dormancy")
    # seasonality
    season_min_months: int = 9
    season_ratio: float = 2.5
    season_offpeak_index: float = 0.8
    season_min_excess_share: float = Field(0.5, description="excess must be ≥ this × the deseasonalised monthly level")
    # counterparty plausibility
    chain_min_txns: int = 1
    chain_high_share: float = 0.05
