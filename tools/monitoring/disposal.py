"""The per-segment disposal strategy (处置策略): which action a warning level gets in which segment.

The table (agents/monitoring/data/disposal_strategy.yaml) has a default row, stricter rows for the
riskier grades, and per-segment rows (a seasonal segment may watch a flow drop longer). Two overrides
follow the facts rather than the segment: ≥ 30 days past due at 预警/高危 goes to collection (催收), and
a transaction-screening flag at 预警 or above goes to a person (转人工), because the chain map's flags
need judgement. Applied to the whole book with array lookups.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, Field, field_validator

from tools.monitoring.signals import LEVELS, SignalResult

Action = Literal["无需处置", "加强监测", "压降额度", "提前收回", "催收", "转人工"]
ACTIONS: tuple[str, ...] = ("无需处置", "加强监测", "压降额度", "提前收回", "催收", "转人工")


class LevelActions(BaseModel):
    正常: Action = "无需处置"
    关注: Action = "加强监测"
    预警: Action = "压降额度"
    高危: Action = "提前收回"


class DisposalStrategy(BaseModel):
    version: str
    default: LevelActions
    by_risk_grade: dict[int, LevelActions] = Field(default_factory=dict)
    segments: dict[str, LevelActions] = Field(default_factory=dict)
    collect_dpd: int = 30
    human_on_chain_flag: bool = True

    @field_validator("by_risk_grade")
    @classmethod
    def _grades(cls, v: dict[int, LevelActions]) -> dict[int, LevelActions]:
        bad = [g for g in v if not 1 <= g <= 5]
        if bad:
            raise ValueError(f"risk grades must be 1–5, got {bad}")
        return v

    def row(self, segment: str, risk_grade: int | None) -> LevelActions:
        if segment in self.segments:
            return self.segments[segment]
        return self.by_risk_grade.get(risk_grade or 0, self.default)


def assign(result: SignalResult, segments: np.ndarray, dpd: np.ndarray, strategy: DisposalStrategy,
           risk_grades: dict[str, int]) -> np.ndarray:
    """(n,) action index into ACTIONS."""
    uniq, idx = np.unique(segments, return_inverse=True)
    table = np.array([[ACTIONS.index(getattr(strategy.row(s, risk_grades.get(s)), lv)) for lv in LEVELS] for s in uniq])
    action = table[idx, result.level]
    serious = result.level >= 2
    action = np.where(serious & (dpd >= strategy.collect_dpd), ACTIONS.index("催收"), action)
    if strategy.human_on_chain_flag:
        action = np.where(serious & result.flags["chain_flag"], ACTIONS.index("转人工"), action)
    return action
