"""Typed views of the two customer-service policies in the corpus: cs_compliance and qa_rubric.

The PolicyDoc envelope (kb/schema.py) only checks id/type; the sections are validated here, by the
tools that use them, so a writer who breaks a list gets an error naming the field instead of a bot
that silently stops adding a disclosure.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Severity = Literal["low", "medium", "high", "critical"]
#: the bank the bot names when the policy does not say (cs_compliance.md ``bank_name``)
DEFAULT_BANK_NAME = "禾信银行"


class PolicyError(ValueError):
    """A policy is missing from the corpus or one of its sections is malformed."""


class Disclosure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    text: str = Field(min_length=10)
    trigger_categories: list[str] = Field(default_factory=list)
    trigger_products: list[str] = Field(default_factory=list)
    trigger_keywords: list[str] = Field(default_factory=list)
    key_phrases: list[str] = Field(min_length=1)

    def present_in(self, text: str) -> bool:
        return any(p in text for p in self.key_phrases)


class PromisePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phrases: list[str] = Field(min_length=1)
    negators: list[str] = Field(default_factory=list)
    negator_exclusions: list[str] = Field(default_factory=list)
    post_negators: list[str] = Field(default_factory=list)
    negator_window: int = Field(8, ge=1, le=30)
    english_phrases: list[str] = Field(default_factory=list)


class HandoffPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_unresolved_turns: int = Field(2, ge=1, le=10)
    request_phrases: list[str] = Field(min_length=1)
    complaint_phrases: list[str] = Field(default_factory=list)
    frustration_phrases: list[str] = Field(default_factory=list)


class SensitiveTopic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    keywords: list[str] = Field(min_length=1)


class OutOfScope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    keywords: list[str] = Field(default_factory=list)
    bank_terms: list[str] = Field(default_factory=list)


class CsCompliance(BaseModel):
    """kb/corpus/policies/cs_compliance.md front matter (beyond the envelope)."""

    model_config = ConfigDict(extra="ignore")
    id: str
    #: the bank and hotline the bot's fixed wording names ({bank}/{hotline} in replies.yaml); replace
    #: mode with a bank's own name and hotline overrides both (``branded``)
    bank_name: str = DEFAULT_BANK_NAME
    official_hotline: str
    official_numbers: list[str] = Field(default_factory=list)
    required_disclosures: list[Disclosure] = Field(default_factory=list)
    forbidden_promises: PromisePolicy
    rude_phrases: list[str] = Field(default_factory=list)
    handoff: HandoffPolicy
    sensitive_topics: list[SensitiveTopic] = Field(default_factory=list)
    out_of_scope: OutOfScope = Field(default_factory=OutOfScope)

    def disclosure(self, disclosure_id: str) -> Disclosure | None:
        return next((d for d in self.required_disclosures if d.id == disclosure_id), None)

    def branded(self, bank_name: str | None = None, hotline: str | None = None) -> "CsCompliance":
        """This policy as another bank's bot uses it (replace mode, kb/faq_scope.py ``Branding``):
        its name in the disclosures' text, its hotline as the one the bot gives and as an official
        number in place of ours in the policy's list (our hotline is not that bank's).
        The rules themselves (phrases, hand-offs, topics) are unchanged."""
        update: dict[str, Any] = {}
        if bank_name and bank_name != self.bank_name:
            update["bank_name"] = bank_name
            update["required_disclosures"] = [d.model_copy(update={"text": d.text.replace(self.bank_name, bank_name)})
                                              for d in self.required_disclosures]
        if hotline and hotline != self.official_hotline:
            update["official_hotline"] = hotline
            update["official_numbers"] = [n for n in self.official_numbers if n != self.official_hotline] + [hotline]
        return self.model_copy(update=update) if update else self


class Detector(BaseModel):
    """Parameters of one rule's detector; ``type`` selects the function in tools/qa/rules.py."""

    model_config = ConfigDict(extra="allow")
    type: str

    def param(self, name: str, default: Any = None) -> Any:
        return (self.model_extra or {}).get(name, default)


class QaRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    name: str
    severity: Severity
    description: str
    suggestion: str
    detector: Detector


class Scoring(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: float = 100
    deduction: dict[Severity, float]
    pass_score: float = 80
    fail_on: list[Severity] = Field(default_factory=lambda: ["high", "critical"])


class QaRubric(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    scoring: Scoring
    rules: list[QaRule] = Field(min_length=1)

    def rule(self, rule_id: str) -> QaRule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def _load(corpus: Any, kind: str, model: type[BaseModel]) -> Any:
    meta = corpus.policy(kind)
    if meta is None:
        raise PolicyError(f"no policy with policy_kind {kind!r} in the corpus (kb/corpus/policies/)")
    try:
        return model.model_validate(meta.model_dump())
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise PolicyError(f"policy {kind}: {problems}") from None


def load_cs_compliance(corpus: Any) -> CsCompliance:
    """The compliance policy of a loaded corpus (kb.corpus.Corpus)."""
    return _load(corpus, "cs_compliance", CsCompliance)


def load_qa_rubric(corpus: Any) -> QaRubric:
    return _load(corpus, "qa_rubric", QaRubric)
