"""Chat front ends that speak the OpenAI protocol resend the whole history on every request instead
of a session id. This maps a history to the session that produced it, so multi-turn state (topic,
unresolved count, hand-off) carries over exactly as with the session API.

After each turn the key of the history *including* the bot's reply is remembered; the front end's
next request (that history + a new user message) finds the session by it. A history we do not know
(edited, trimmed, from another client) starts a new session with the earlier turns imported as
context. Keys include the customer id, so one customer's history never resolves to another's session.
``system`` messages from the client are never instructions to the bot and are ignored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from agents.customer_service.service import CsService, SessionNotFound, TurnResult
from tools.pii import mask_pii


def history_key(customer_id: str, turns: list[tuple[str, str]]) -> str:
    canon = [(role, mask_pii(" ".join(text.split()))) for role, text in turns if role in ("user", "assistant")]
    raw = json.dumps([customer_id, canon], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def send_with_history(bot: CsService, customer_id: str, messages: list[tuple[str, str]],
                      session_id: str | None = None, channel: str = "openai", *,
                      on_delta: Callable[[str], None] | None = None,
                      on_start: Callable[[TurnResult], None] | None = None) -> TurnResult:
    """``messages``: (role, text) with the new user message last. Raises ValueError, SessionNotFound.
    ``on_delta``/``on_start``: live streaming hooks, as in ``CsService.send``."""
    convo = [(r, t) for r, t in messages if r in ("user", "assistant")]
    if not convo or convo[-1][0] != "user":
        raise ValueError("the last message must have role 'user'")
    prior, text = convo[:-1], convo[-1][1]
    if session_id is not None:
        if bot.sessions.get(session_id, customer_id) is None:
            raise SessionNotFound(session_id)
    else:
        session_id = bot.sessions.session_for_key(history_key(customer_id, prior)) if prior else None
        if session_id is not None and bot.sessions.get(session_id, customer_id) is None:
            session_id = None
        if session_id is None:
            info, _ = bot.create_session(customer_id, channel, history=prior)
            session_id = info.id
    result = bot.send(session_id, customer_id, text, on_delta=on_delta, on_start=on_start)
    bot.sessions.remember_key(history_key(customer_id, [*prior, ("user", text), ("assistant", result.reply.text)]),
                              session_id)
    return result
