"""The customer-service bot as one object: sessions bound to customers, turns through the graph,
masked transcripts. The HTTP routers, the CLI, the Gradio tab and the eval suites all use this.

This is the boundary where personal data is masked: the raw message never enters the graph (whose
input the checkpointer writes to disk), a log line, or a model prompt.

A streaming caller passes ``on_delta`` (and ``on_start``) to ``send``: the grounded answer then
reaches it live, sentence by sentence, while the turn runs. The hooks are called from the thread
running the turn; the turn is saved once, at its end, whether or not the caller is still listening.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agents.common.checkpoint import StateStore, sqlite_state
from agents.customer_service.build import build_deps, calibrated_params, embedder_or_none, kb_or_none, scoped_faqs
from agents.customer_service.context import CsDeps, TurnContext
from agents.customer_service.graph import build_graph
from agents.customer_service.schemas import BotReply, Turn
from agents.customer_service.sessions import SessionInfo, SessionStore
from agents.customer_service.understand import subject_of
from kb.faq_scope import load_branding
from kb.textnorm import normalize
from tools.cs.accounts import AccountStore
from tools.cs.guard import mask_message

log = logging.getLogger(__name__)
MAX_MESSAGE_CHARS = 2000


class SessionNotFound(LookupError):
    """No such session for this customer (also when it exists but belongs to someone else)."""


class TurnResult(BaseModel):
    session_id: str
    reply: BotReply
    timings_ms: dict[str, float] = Field(default_factory=dict)


class SessionView(BaseModel):
    """GET /v1/cs/sessions/{id}: the masked transcript and the session's state."""

    session_id: str
    customer_id: str
    channel: str
    created_at: float
    updated_at: float
    turns: int
    handed_off: bool
    handoff: dict[str, Any] | None = None
    transcript: list[Turn]


class CsService:
    def __init__(self, deps: CsDeps, checkpoint_path: Path | str = ":memory:", max_concurrent_turns: int | None = None,
                 *, state: StateStore | None = None):
        """``max_concurrent_turns`` bounds turns computed at once (default: CPU cores): a turn is CPU
        work (embedding, matching, checkpointing), and more threads than cores only thrash — excess
        requests wait their turn instead, which keeps the tail latency down under load.
        ``state``: the checkpointer and database to use (Postgres, or SQLite shared with other
        workers); default a SQLite file at ``checkpoint_path``."""
        self.deps = deps
        self._slots = threading.BoundedSemaphore(max_concurrent_turns or max(2, os.cpu_count() or 2))
        self.state = state or sqlite_state(checkpoint_path)
        self.saver = self.state.saver
        self.graph = build_graph(deps, self.saver)  # compiled once per process, never per request
        self.sessions = SessionStore(db=self.state.db)  # SQLite: the saver's connection, one writer
        self._locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
        self._locks_guard = threading.Lock()

    @classmethod
    def from_services(cls, services: Any, accounts_path: Path | None = None) -> "CsService":
        """The process-wide bot, built on first use: checkpoints in services.checkpointer_path; account
        records from ``accounts_path`` or data_dir/cs_accounts.json when present; the FAQ it answers
        from: all of the corpus, or the one import data_dir/cs_faq_scope.json names (replace mode); its verbatim
        threshold: the one data_dir/cs_threshold.json holds for that FAQ (``puhui kb calibrate``), else the shipped one."""

        def build() -> CsService:
            path = accounts_path or services.settings.data_dir / "cs_accounts.json"
            accounts = AccountStore.from_json(path) if path.exists() else None
            embedder = embedder_or_none(services)
            faqs = scoped_faqs(services.settings.data_dir)
            params = calibrated_params(services.settings.data_dir, services.corpus.faqs if faqs is None else faqs,
                                       embedder)
            deps = build_deps(services.corpus, embedder=embedder, kb=kb_or_none(services), llm=services.llm,
                              accounts=accounts, llm_timeout_s=services.settings.llm_timeout_s,
                              memo=getattr(services.settings, "cs_turn_memo", 0), faqs=faqs, params=params,
                              branding=load_branding(services.settings.data_dir))
            state = services.state_store() if hasattr(services, "state_store") else None  # a test's stand-in
            return cls(deps, services.checkpointer_path, state=state)

        return services.cached("cs.bot", build)

    def _lock(self, session_id: str) -> threading.Lock:
        """One turn at a time per session (two concurrent turns would both extend the same checkpoint)."""
        with self._locks_guard:
            lock = self._locks.get(session_id)
            if lock is None:
                lock = threading.Lock()
                self._locks[session_id] = lock
            return lock

    @staticmethod
    def _config(session_id: str) -> dict:
        return {"configurable": {"thread_id": session_id}}

    def create_session(self, customer_id: str, channel: str = "api",
                       history: list[tuple[str, str]] | None = None) -> tuple[SessionInfo, str]:
        """A new session bound to ``customer_id``; returns it with the greeting. ``history``
        ((role, text) pairs from an OpenAI-style request) is imported, masked, as context."""
        info = self.sessions.create(customer_id, channel)
        greeting = self.deps.reply("greeting")
        now = time.time()
        transcript = [{"role": "bot", "text": greeting, "ts": now, "meta": {"outcome": "greeting"}}]
        topic: dict = {}
        for role, text in history or []:
            masked = mask_message(text)[0]
            transcript.append({"role": "customer" if role == "user" else "bot", "text": masked, "ts": now,
                               "meta": {"imported": True}})
            if role == "user":  # the last question asked sets the topic follow-ups refer to
                topic = {"products": self.deps.lexicon.find(masked), "subject": subject_of(normalize(masked)),
                         "query": normalize(masked)}
        self.graph.update_state(self._config(info.id), {
            "session_id": info.id, "customer_id": customer_id, "channel": channel, "transcript": transcript,
            "turn_index": 0, "unresolved_turns": 0, "handoff": None, "topic": topic}, as_node="finish")
        return info, greeting

    def send(self, session_id: str, customer_id: str, text: str, *, on_delta: Callable[[str], None] | None = None,
             on_start: Callable[[TurnResult], None] | None = None) -> TurnResult:
        """One customer message → one bot reply. Raises SessionNotFound, ValueError for bad input.

        With ``on_delta``, a grounded answer the model writes is sent through it live (each sentence
        checked first), after ``on_start`` got the reply's metadata (text still empty). The returned
        reply's text always starts with everything sent live; the rest (disclosures, notices) is not
        sent through ``on_delta`` — the caller sends ``reply.text[len(sent):]``."""
        if not text or not text.strip():
            raise ValueError("message must not be empty")
        if len(text) > MAX_MESSAGE_CHARS:
            raise ValueError(f"message is longer than {MAX_MESSAGE_CHARS} characters")
        info = self.sessions.get(session_id, customer_id)
        if info is None:
            raise SessionNotFound(session_id)
        masked, kinds = mask_message(text.strip())
        ctx = TurnContext(on_delta=on_delta)
        if on_start is not None:
            ctx.on_start = lambda draft: on_start(TurnResult(session_id=session_id, reply=draft))
        out = self._invoke(session_id, info, masked, kinds, ctx, time.perf_counter())
        self.sessions.touch(session_id, int(out.get("turn_index", 0)))
        reply = BotReply.model_validate(out["reply"])
        log.info("cs turn session=%s outcome=%s intent=%s pii=%s", session_id, reply.outcome, reply.intent, kinds)
        return TurnResult(session_id=session_id, reply=reply, timings_ms={k: round(v, 2) for k, v in ctx.timings.items()})

    def _invoke(self, session_id: str, info: SessionInfo, masked: str, kinds: list[str], ctx: TurnContext,
                t_wait: float) -> dict:
        with self._lock(session_id), self._slots:
            ctx.timings["queue"] = (time.perf_counter() - t_wait) * 1000
            t0 = time.perf_counter()
            out = self.graph.invoke(
                {"message": masked, "pii": kinds, "received_at": time.time(), "session_id": info.id,
                 "customer_id": info.customer_id, "channel": info.channel},
                self._config(session_id), context=ctx, durability="exit")
            ctx.timings["graph_total"] = (time.perf_counter() - t0) * 1000
        return out

    def view(self, session_id: str, customer_id: str | None) -> SessionView:
        """The masked transcript of a session of ``customer_id``; ``None`` reads any customer's
        session — for staff (QA over every dialog) only, never reachable with a customer's key."""
        info = self.sessions.get(session_id, customer_id) if customer_id is not None else self.sessions.get_any(session_id)
        if info is None:
            raise SessionNotFound(session_id)
        values = self.graph.get_state(self._config(session_id)).values
        handoff = values.get("handoff")
        return SessionView(session_id=info.id, customer_id=info.customer_id, channel=info.channel,
                           created_at=info.created_at, updated_at=info.updated_at, turns=info.turns,
                           handed_off=bool(handoff), handoff=handoff,
                           transcript=[Turn.model_validate(t) for t in values.get("transcript", [])])

    def close(self) -> None:
        self.sessions.close()
        self.state.close()
