"""Typed QA results: a finding with its evidence span, a knowledge-base gap candidate, a scored dialog,
and the optional rubric judge's review (a note plus suggestions a human confirms or rejects)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.cs.policy import Severity


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


class RubricSuggestion(BaseModel):
    """A rubric rule the optional model judge thinks the dialog breaks, with a verbatim quote.

    A hint for a human reviewer, never a finding: it changes no score. The schema stays lenient on
    purpose (one bad suggestion must not cost the whole review): the rule id is checked against the
    loaded rubric and the quote against the named turn after the model answered, and the suggestions
    that fail are dropped (agents/qa_inspection/judge.py)."""

    model_config = ConfigDict(str_strip_whitespace=True)
    rule_id: str = Field(description="id of one rubric rule")
    turn: int = Field(ge=1, description="number of the agent turn as numbered in the dialog (1-based)")
    evidence: str = Field(description="verbatim quote from that turn, 2-80 characters")
    reason: str = Field("", description="one sentence: why the quote breaks the rule")


class QaReview(BaseModel):
    """What the QA review node produces: from the model, or the template note with no suggestions."""

    model_config = ConfigDict(str_strip_whitespace=True)
    note: str = Field(min_length=1, max_length=600, description="2-3 sentence review note in Chinese")
    suggestions: list[RubricSuggestion] = Field(
        default_factory=list, description="rubric rules the listed findings missed, each with a quote; [] if none")


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
    #: who wrote the review (note and suggestions): the model, the template after a model failure, or the template
    #: because no model is configured (same vocabulary as agents.common.llm_call.Source)
    llm: Literal["llm", "fallback", "none"] = "none"
    llm_reason: str | None = None
    #: the judge's suggestions that survived grounding (a rubric rule the rules did not find here, the
    #: quote really in that agent turn), for a human to confirm: they change no score, verdict or finding
    llm_suggestions: list[RubricSuggestion] = Field(default_factory=list)
    #: the judge's suggestions dropped as unknown rule, already found, repeated or not in the turn
    llm_suggestions_dropped: int = 0

    @property
    def rule_ids(self) -> set[str]:
        return {f.rule_id for f in self.findings}
