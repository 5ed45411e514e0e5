"""Typed values of the customer-service bot: what it understood, what it found, what it answered.

These are the boundaries: the LLM understanding node must produce an ``Understanding`` (or the
deterministic one stands in), the HTTP layer returns ``BotReply`` fields, the QA inspector reads the
transcript ``Turn`` entries.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Intent = Literal["faq", "product_inquiry", "account_specific", "complaint", "handoff_request", "chitchat"]
Outcome = Literal["faq", "grounded", "not_sure", "handoff", "handoff_pending", "refused", "chitchat", "account",
                  "out_of_scope"]
HandoffReason = Literal["customer_request", "complaint", "sensitive_topic", "repeated_failure", "faq_policy",
                        "account_verification"]


class Understanding(BaseModel):
    """The understand node's output (LLM or deterministic)."""

    intent: Intent = Field(description="faq | product_inquiry | account_specific | complaint | handoff_request | chitchat")
    query: str = Field(min_length=1, max_length=500, description="the question, standalone (pronouns resolved)")
    products: list[str] = Field(default_factory=list, description="product ids mentioned or implied")
    slots: dict[str, str] = Field(default_factory=dict, description="amount, tenor, card_tail, loan_id …")
    follow_up: bool = Field(False, description="the message continues the previous topic")


class FaqHit(BaseModel):
    faq_id: str
    question: str
    answer: str
    category: str
    score: float
    handoff: bool = False
    products: list[str] = Field(default_factory=list)
    disclosure: str | None = None
    matched_text: str = ""
    #: file:row of the bank's file an imported entry came from (kb/faq_import.py); its citation
    origin: str | None = None
    #: the entry talks about what was asked (agents/customer_service/topic_check.py); only then verbatim
    topic_ok: bool = True
    topic_reason: str = ""


class Source(BaseModel):
    """A citation shown with an answer: [n] in the text refers to ``n``."""

    n: int
    kind: Literal["faq", "kb"]
    id: str
    title: str
    section: str | None = None
    source: str = ""
    text: str = Field("", description="the passage (or approved answer) the answer is grounded in")


class Handoff(BaseModel):
    reason: HandoffReason
    ticket_id: str
    summary: str = Field(description="for the human agent: who, what was asked, what was answered, why handed off")
    at_turn: int


class Suggestion(BaseModel):
    """A candidate standard question offered below the verbatim threshold (「您是不是想问」): sending
    ``question`` back as the next message gets its approved answer."""

    faq_id: str
    question: str = Field(description="the standard question, as the customer would send it")
    score: float = Field(ge=0, le=1, description="the matcher's calibrated probability (below the verbatim threshold)")


class BotReply(BaseModel):
    """One bot turn as returned to callers."""

    text: str
    outcome: Outcome
    intent: Intent | None = None
    confidence: float = 0.0
    faq_id: str | None = None
    sources: list[Source] = Field(default_factory=list)
    disclosures: list[str] = Field(default_factory=list, description="ids of the risk disclosures appended")
    handoff: Handoff | None = None
    suggestions: list[Suggestion] = Field(default_factory=list, max_length=3,
                                          description="「您是不是想问」: up to 3 standard questions, when no FAQ entry "
                                                      "was sure enough to answer verbatim (best first)")
    guard: str | None = Field(None, description="guard verdict kind when the message was refused")
    pii_masked: list[str] = Field(default_factory=list, description="kinds of personal data masked in the message")
    llm: Literal["none", "llm", "fallback"] = "none"
    llm_reason: str | None = Field(None, description="why the turn fell back from the model (timeout, busy, http_500, "
                                                     "invalid_output, ungrounded …); None unless llm is fallback")


class Turn(BaseModel):
    """One transcript entry (always masked)."""

    role: Literal["customer", "bot"]
    text: str
    ts: float
    meta: dict[str, Any] = Field(default_factory=dict)
