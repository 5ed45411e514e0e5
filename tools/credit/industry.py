"""Which segment industry an applicant is in, and what the knowledge base says about it.

The application's ``industry_id`` wins when given (the account manager chose it). Otherwise the
business scope, products and name are linked with ``kb.linking.EntityLinker`` (lexical; an embedder
can be passed for colloquial scopes). Unlinked applicants get the policy's default access level
(审慎) and a middle risk grade, and the decision step refers them to a person rather than guessing.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from kb.linking.linker import LinkQuery
from kb.schema import AccessLevel, IndustryDoc
from tools.credit.application import Application
from tools.credit.policy import CreditPolicy

UNKNOWN_RISK_GRADE = 3


class IndustryContext(BaseModel):
    """Industry facts used by rules, scorecard, limit and memo (plain data, safe to persist)."""

    industry_id: str | None = None
    name: str | None = None
    access: AccessLevel
    risk_grade: int = Field(ge=1, le=5)
    linked_by: Literal["application", "linker", "none"]
    link_score: float | None = None
    candidates: list[str] = Field(default_factory=list)
    chain_name: str | None = None
    chain_stage: str | None = None
    seasonality: list[float] | None = None
    cash_conversion_days: int | None = None
    typical_loan_max_wan: float | None = None
    typical_revenue_wan: tuple[float, float] | None = None
    gross_margin_pct: tuple[float, float] | None = None
    risk_tags: list[str] = Field(default_factory=list)
    watch_signals: list[str] = Field(default_factory=list)
    upstream_inputs: list[str] = Field(default_factory=list)
    downstream_buyers: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)

    @classmethod
    def from_doc(cls, doc: IndustryDoc, access: AccessLevel, linked_by: str, score: float | None = None,
                 candidates: list[str] | None = None) -> "IndustryContext":
        return cls(industry_id=doc.id, name=doc.name, access=access, risk_grade=doc.risk_grade,
                   linked_by=linked_by, link_score=score, candidates=candidates or [],  # type: ignore[arg-type]
                   chain_name=doc.chain_name, chain_stage=doc.chain_stage, seasonality=list(doc.seasonality),
                   cash_conversion_days=doc.cash_conversion_days, typical_loan_max_wan=doc.typical_loan.amount_wan.max,
                   typical_revenue_wan=(doc.typical_revenue_wan.min, doc.typical_revenue_wan.max),
                   gross_margin_pct=(doc.gross_margin_pct.min, doc.gross_margin_pct.max),
                   risk_tags=list(doc.risk_tags), watch_signals=list(doc.watch_signals),
                   upstream_inputs=list(doc.upstream_inputs), downstream_buyers=list(doc.downstream_buyers),
                   clusters=list(doc.clusters))


def unknown_industry(policy: CreditPolicy, industry_id: str | None = None,
                     candidates: list[str] | None = None) -> IndustryContext:
    return IndustryContext(industry_id=industry_id, access=policy.access_of(industry_id),
                           risk_grade=UNKNOWN_RISK_GRADE, linked_by="none", candidates=candidates or [])


def resolve_industry(app: Application, industries: dict[str, IndustryDoc], policy: CreditPolicy,
                     linker: Any | None = None) -> IndustryContext:
    """The applicant's industry context; ``linker`` is a ``kb.linking.EntityLinker`` (or None)."""
    ent = app.enterprise
    if ent.industry_id:
        doc = industries.get(ent.industry_id)
        if doc is None:  # known to the policy only: access applies, no profile
            return unknown_industry(policy, ent.industry_id).model_copy(update={"linked_by": "application"})
        return IndustryContext.from_doc(doc, policy.access_of(doc.id), "application")
    if linker is None:
        return unknown_industry(policy)

    result = linker.link(LinkQuery(name=ent.name, scope=ent.business_scope, products=ent.main_products))
    candidates = [c.segment for c in result.candidates[:3]]
    if result.verdict != "linked" or result.segment not in industries:
        return unknown_industry(policy, candidates=candidates)
    doc = industries[result.segment]
    return IndustryContext.from_doc(doc, policy.access_of(doc.id), "linker", round(result.score, 3), candidates)
