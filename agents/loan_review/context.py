"""What the loan-review graph needs at run time (LangGraph ``context``), built once per process.

The policy, scorecard, industry and product documents, the audit log and the optional chat model
are shared by every run. The validated application travels here too, per run, and never in the
graph state: the state is checkpointed to SQLite, and personal data must not be persisted there
(the state holds the masked application and everything computed from the full one).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from kb.corpus import Corpus
from kb.linking.linker import EntityLinker
from kb.schema import IndustryDoc, ProductDoc
from tools.credit.application import Application
from tools.credit.audit import AuditLog
from tools.credit.features import FlowProfiler
from tools.credit.policy import CreditPolicy
from tools.credit.prohibited import ExemplarIndex, ProhibitedPolicy, load_policy
from tools.credit.scorecard import Scorecard


@dataclass(frozen=True)
class LoanReviewContext:
    policy: CreditPolicy
    scorecard: Scorecard
    industries: dict[str, IndustryDoc]
    products: dict[str, ProductDoc]
    audit: AuditLog
    linker: Any | None = None  # kb.linking.EntityLinker
    chat_model: Any | None = None
    llm_timeout_s: float = 20.0
    profiler: FlowProfiler | None = None  # raw transactions -> monthly series (default: chain-map profile)
    application: Application | None = None  # per run; None when resuming
    prohibited: ProhibitedPolicy | None = None  # issue #19: the prohibited-business list (declines outright)
    prohibited_exemplars: ExemplarIndex | None = None  # its exemplars embedded, when similarity is on

    @property
    def policy_tag(self) -> str:
        """The policy version the audit log records: the credit policy's, plus the prohibited list's
        version and file hash (an edited list is visible in every record made after the edit)."""
        return f"{self.policy.version}+{self.prohibited.audit_tag}" if self.prohibited else self.policy.version

    def for_application(self, app: Application | None) -> "LoanReviewContext":
        return replace(self, application=app)


def build_context(corpus: Corpus, audit: AuditLog, scorecard: Scorecard | None = None, chat_model: Any | None = None,
                  llm_timeout_s: float = 20.0, linker: Any | None = None, profiler: FlowProfiler | None = None,
                  prohibited: ProhibitedPolicy | None = None, prohibited_exemplars: ExemplarIndex | None = None
                  ) -> LoanReviewContext:
    """Context from a loaded corpus (which must hold the credit policy); the prohibited-business list
    is the shipped one unless another is given."""
    doc = corpus.policy("credit")
    if doc is None:
        raise ValueError(f"the corpus at {corpus.root} has no credit policy (policy_kind: credit)")
    industries = {k: d.meta for k, d in corpus.industries.items()}
    if linker is None and industries:
        linker = EntityLinker(industries.values())  # type: ignore[arg-type]
    return LoanReviewContext(
        policy=CreditPolicy.from_doc(doc), scorecard=scorecard or Scorecard.load(),  # type: ignore[arg-type]
        industries=industries, products={k: d.meta for k, d in corpus.products.items()},  # type: ignore[misc]
        audit=audit, linker=linker, chat_model=chat_model, llm_timeout_s=llm_timeout_s, profiler=profiler,
        prohibited=prohibited or load_policy(), prohibited_exemplars=prohibited_exemplars)
