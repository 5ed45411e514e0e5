"""The bot's own sessions as QA dialogs: its transcript turns, with each bot turn's outcome and
confidence kept in ``meta`` (the KB-gap finder reads them)."""

from __future__ import annotations

from typing import Any

from tools.qa.dialogs import Dialog, DialogTurn


def dialog_from_view(view: Any, complete: bool = False) -> Dialog:
    """A SessionView (agents/customer_service/service.py) → Dialog(channel="bot").

    An open session is not ``complete``: the closing and unresolved rules wait until it ends
    (a handed-off session counts as ended — the human agent takes over)."""
    turns = [DialogTurn(role="agent" if t.role == "bot" else "customer", text=t.text, ts=t.ts, meta=dict(t.meta))
             for t in view.transcript if t.text]
    return Dialog(id=view.session_id, channel="bot", complete=complete or bool(view.handed_off),
                  customer_id=view.customer_id, turns=turns)
