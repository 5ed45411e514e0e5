"""State of the customer-service graph: one thread per session, persisted by the SQLite checkpointer.

Everything in it is already masked: the boundary (agents/customer_service/service.py) masks personal
data before the message enters the graph, because the checkpointer writes the input to disk.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from agents.customer_service.schemas import FaqHit


class CsState(TypedDict, total=False):
    # --- bound at session creation, never taken from a message ---
    session_id: str
    customer_id: str
    channel: str
    # --- this turn's input (masked) ---
    message: str
    pii: list[str]  # kinds of personal data that were masked in it
    received_at: float
    # --- this turn's working values (reset by the guard node each turn) ---
    guard: dict[str, Any]
    understanding: dict[str, Any]
    sensitive: str | None
    faq_hits: list[dict[str, Any]]
    passages: list[dict[str, Any]]
    draft: dict[str, Any]  # BotReply before the check
    pending_handoff: dict[str, str] | None  # {"reason", "detail"}
    reply: dict[str, Any]  # the final BotReply of the turn
    # --- carried across turns ---
    transcript: Annotated[list[dict[str, Any]], operator.add]
    topic: dict[str, Any]
    unresolved_turns: int
    handoff: dict[str, Any] | None  # Handoff, once the session was handed to a human
    turn_index: int


def faq_hits(state: CsState) -> list[FaqHit]:
    """This turn's FAQ candidates (best first), typed."""
    return [FaqHit.model_validate(h) for h in state.get("faq_hits") or []]
