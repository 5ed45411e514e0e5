"""The loan-review service the API, the UI tab, the CLI and the eval share: validate, review, resume.

It owns one compiled graph over the configured checkpointer (a SQLite file, or Postgres), so a
referred review survives a restart of the process and can be resumed from any process — any worker,
any host on the same Postgres.
LangGraph does not reject resuming a thread that does not exist (it would start from scratch), so
``resume`` checks the thread's saved state first: unknown thread → ``ReviewNotFound`` (404), nothing
pending → ``ReviewConflict`` (409). The pending queue is read from the audit log (referred threads
with no reviewer record), which is also the system of record for decisions.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

from langgraph.types import Command
from pydantic import ValidationError

from agents.common.checkpoint import StateStore, sqlite_state
from agents.loan_review.context import LoanReviewContext, build_context
from agents.loan_review.graph import build_graph
from agents.loan_review.schemas import PendingReview, QuickReviewResult, ReviewerAction, ReviewResult
from tools.credit.application import Application, FieldError, field_errors
from tools.credit.audit import AuditLog
from tools.credit.prohibited import ExemplarIndex, load_policy, resolve_file
from tools.credit.quick_form import fill_quick
from tools.storage import Database

THREAD_PREFIX = "loan-"
#: Checkpoint when a run exits — at its decision or at the human-review interrupt — not after every
#: node: a review is short and idempotent (a crash mid-run loses only that run, which is retried),
#: and one SQLite write instead of nine halves the review latency (bench/loan_bench.py).
DURABILITY = "exit"


class InvalidApplication(ValueError):
    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.msg}" for e in errors))
        self.errors = errors


class ReviewNotFound(LookupError):
    pass


class ReviewConflict(RuntimeError):
    pass


class LoanReviewService:
    def __init__(self, context: LoanReviewContext, checkpointer_path: Path | None = None, *,
                 state: StateStore | None = None):
        """``state``: the checkpointer to use (Postgres, or SQLite shared by several workers);
        default a SQLite file at ``checkpointer_path``."""
        self.ctx = context
        if state is None and checkpointer_path is None:
            raise ValueError("LoanReviewService needs a checkpointer path or a state store")
        self.state = state or sqlite_state(checkpointer_path)  # type: ignore[arg-type]
        self.saver = self.state.saver
        self.graph = build_graph(self.saver)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    @classmethod
    def create(cls, corpus, checkpointer_path: Path | None, audit_path: Path | Database,
               chat_model: Any | None = None, llm_timeout_s: float = 20.0, scorecard=None,
               state: StateStore | None = None, prohibited_file: Path | None = None, data_dir: Path | None = None,
               embedder: Any | None = None, similarity: float = 0.0) -> "LoanReviewService":
        """``prohibited_file``/``data_dir`` choose the prohibited-business list (see
        ``tools.credit.prohibited.resolve_file``); with an ``embedder`` and a ``similarity`` above 0,
        clauses close to the list's exemplars count too. A broken list raises ValueError."""
        prohibited = load_policy(resolve_file(data_dir, prohibited_file))
        exemplars = ExemplarIndex(prohibited, embedder, similarity) if embedder is not None and similarity > 0 else None
        ctx = build_context(corpus, AuditLog(audit_path), scorecard=scorecard, chat_model=chat_model,
                            llm_timeout_s=llm_timeout_s, prohibited=prohibited, prohibited_exemplars=exemplars)
        return cls(ctx, checkpointer_path, state=state)

    @staticmethod
    def _policy_options(services) -> dict:
        """The prohibited-list options from a Services' settings (issue #19)."""
        s = services.settings
        similarity = getattr(s, "prohibited_similarity", 0.0)
        return {"prohibited_file": getattr(s, "prohibited_policy_file", None), "data_dir": getattr(s, "data_dir", None),
                "similarity": similarity,
                "embedder": services.embedder if similarity > 0 and hasattr(services, "embedder") else None}

    @classmethod
    def from_services(cls, services) -> "LoanReviewService":
        """The process-wide service over ``request.app.state.services`` (built on first use)."""
        def build() -> "LoanReviewService":
            s = services.settings
            if hasattr(services, "state_store"):  # core.services.Services: the configured state store
                return cls.create(services.corpus, None, services.audit_database(), state=services.state_store(),
                                  chat_model=getattr(services, "llm", None), llm_timeout_s=s.llm_timeout_s,
                                  **cls._policy_options(services))
            return cls.create(services.corpus, Path(services.checkpointer_path), s.audit_db,
                              chat_model=getattr(services, "llm", None), llm_timeout_s=s.llm_timeout_s,
                              **cls._policy_options(services))

        if hasattr(services, "cached"):
            return services.cached("loan_review", build)
        if not hasattr(services, "_loan_review_service"):
            services._loan_review_service = build()
        return services._loan_review_service

    def close(self) -> None:
        self.state.close()

    # ---------------------------------------------------------------- validation
    def validate(self, raw: Any) -> Application:
        """Schema checks, then checks against the knowledge base (product and industry ids)."""
        try:
            app = raw if isinstance(raw, Application) else Application.model_validate(raw)
        except ValidationError as exc:
            raise InvalidApplication(field_errors(exc)) from None
        errors = []
        product = self.ctx.products.get(app.loan.product)
        if product is None or product.amount_wan is None:
            loans = sorted(k for k, p in self.ctx.products.items() if p.amount_wan is not None)
            errors.append(FieldError(loc=["loan", "product"], field="loan.product", type="unknown_product",
                                     msg=f"未知的贷款产品；可选：{', '.join(loans)}"))
        iid = app.enterprise.industry_id
        if iid and iid not in self.ctx.industries and iid not in self.ctx.policy.industry_access:
            errors.append(FieldError(loc=["enterprise", "industry_id"], field="enterprise.industry_id",
                                     type="unknown_industry", msg="未知的细分行业id（可留空，由经营范围自动识别）"))
        if errors:
            raise InvalidApplication(errors)
        return app

    # ---------------------------------------------------------------- runs
    def _config(self, thread_id: str) -> dict:
        return {"configurable": {"thread_id": thread_id}}

    def _lock(self, thread_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(thread_id, threading.Lock())

    def review(self, raw: Any, thread_id: str | None = None) -> ReviewResult:
        """Run a review to its decision, or to the human-review pause (status ``pending_review``)."""
        app = self.validate(raw)
        tid = thread_id or f"{THREAD_PREFIX}{uuid.uuid4().hex[:20]}"
        with self._lock(tid):
            if self.graph.get_state(self._config(tid)).values:
                raise ReviewConflict(f"review {tid} already exists")
            self.graph.invoke({"thread_id": tid}, self._config(tid), context=self.ctx.for_application(app),
                              durability=DURABILITY)
        result = self.get(tid)
        assert result is not None
        return result

    def review_quick(self, raw: Any) -> QuickReviewResult:
        """The short form (issue #19): fill missing credit-report facts from ``QuickCreditDefaults``,
        review as usual, and name what was filled. One function so ``POST /v1/loan/review/quick`` and
        the workbench's 快速试算 mode cannot drift apart; bad fields raise ``InvalidApplication``."""
        filled_raw, filled = fill_quick(raw)
        result = self.review(filled_raw)
        return QuickReviewResult(**result.model_dump(), defaults_filled=filled)

    def resume(self, thread_id: str, action: ReviewerAction | dict) -> ReviewResult:
        act = action if isinstance(action, ReviewerAction) else ReviewerAction.model_validate(action)
        cfg = self._config(thread_id)
        with self._lock(thread_id):
            snap = self.graph.get_state(cfg)
            if not snap.values:
                raise ReviewNotFound(f"no loan review {thread_id}")
            if not snap.interrupts:
                raise ReviewConflict(f"review {thread_id} is not waiting for a reviewer "
                                     f"(decision: {snap.values.get('decision')})")
            self.graph.invoke(Command(resume=act.model_dump()), cfg, context=self.ctx, durability=DURABILITY)
        result = self.get(thread_id)
        assert result is not None
        return result

    def get(self, thread_id: str) -> ReviewResult | None:
        snap = self.graph.get_state(self._config(thread_id))
        v = snap.values
        if not v or "system_decision" not in v:
            return None
        pending = bool(snap.interrupts)
        source = v.get("memo_source", "template")
        return ReviewResult(
            thread_id=thread_id, status="pending_review" if pending else "completed",
            decision=v.get("decision") or "refer", system_decision=v["system_decision"],
            application_id=v.get("application_id"), enterprise=v["application"]["enterprise"]["name"],
            input_hash=v["input_hash"], industry=v["industry"], score=v.get("score"), band=v.get("band"),
            rule_hits=v["policy_result"]["hits"], rule_ids=v.get("rule_ids") or [], reasons=v.get("reasons") or [],
            refer_reasons=v.get("refer_reasons") or [], limit=v.get("limit"), price=v.get("price"),
            review=v.get("review"), memo=v.get("memo", ""), memo_source=source,
            # a review checkpointed before memo_reason existed: only the template's reason is known
            memo_reason=v["memo_reason"] if "memo_reason" in v else ("no_model" if source == "template" else None),
            model_version=self.ctx.scorecard.version, policy_version=self.ctx.policy_tag,
            audit_seqs=v.get("audit_seqs") or [], trace=v.get("trace") or [])

    def pending(self) -> list[PendingReview]:
        out = []
        for row in self.ctx.audit.open_referrals():
            r = self.get(row["thread_id"])
            if r is None or r.status != "pending_review":
                continue
            out.append(PendingReview(
                thread_id=r.thread_id, application_id=r.application_id, enterprise=r.enterprise,
                score=(r.score or {}).get("score"), band=r.band,
                requested_wan=(r.limit or {}).get("requested_wan"), limit_wan=(r.limit or {}).get("limit_wan"),
                refer_reasons=r.refer_reasons, referred_at=row["ts"]))
        return out
