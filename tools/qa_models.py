"""Typed QA results: a finding with its evidence span, a knowledge-base gap candidate, a scored dialog."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.cs_policy import Severity


class Evidence(BaseModel):
    """Where in the dialog: turn index (0-based), speaker, character span within that turn's text."""

    turn: int = Field(ge=0)
    role: Literal["agent", "customer"]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Finding(BaseModel):
    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    suggestion: str
    evidence: Evidence | None = Field(None, description="None when the finding is an absence with no turn to point at")


class GapCandidate(BaseModel):
    """A customer question the dialog left unanswered: a candidate for a new FAQ entry."""

    question: str
    dialog_id: str
    turn: int
    reason: Literal["bot_not_sure", "bot_low_confidence", "agent_unable", "unanswered"]


class DialogReport(BaseModel):
    dialog_id: str
    channel: Literal["bot", "human"]
    turns: int
    score: float
    passed: bool
    findings: list[Finding] = Field(default_factory=list)
    gaps: list[GapCandidate] = Field(default_factory=list)
    review_note: str = ""
    reviewed_by: Literal["rules", "rules+llm"] = "rules"
    #: who wrote the review note: the model, the template after a model failure, or the template
    #: because no model is configured (same vocabulary as agents.common.llm_call.Source)
    llm: Literal["llm", "fallback", "none"] = "none"
    llm_reason: str | None = None

    @property
    def rule_ids(self) -> set[str]:
        return {f.rule_id for f in self.findings}
