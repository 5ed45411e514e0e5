"""The minimal loan form for a first try (issue #19): the optional credit-report facts filled in.

A first user rarely has a credit report at hand. ``puhui review --quick`` accepts an application
without ``owner.credit_report`` (or with part of it) and fills each missing fact with the default
below, then lists what it filled so the result is never mistaken for a review of real data. The
defaults describe a clean report on purpose — they are the facts a reviewer must then verify —
and every filled field is named in the output. Real reviews (API, ``puhui review``) get no defaults.
"""

from __future__ import annotations

import copy
from typing import Any

#: the documented defaults (README, issue #19 section): a clean 24-month history, no recent inquiries
QUICK_CREDIT_DEFAULTS: dict[str, Any] = {
    "overdue_count_24m": 0,
    "max_overdue_days_24m": 0,
    "current_overdue": False,
    "inquiries_3m": 0,
    "inquiries_6m": 0,
    "existing_debt_wan": 0.0,
}


def fill_quick(raw: Any) -> tuple[Any, list[str]]:
    """(the application with missing credit-report facts filled, the dotted paths filled). A body
    that is not an application with an owner is returned unchanged, for validation to reject."""
    if not isinstance(raw, dict) or not isinstance(raw.get("owner"), dict):
        return raw, []
    out = copy.deepcopy(raw)
    report = out["owner"].get("credit_report")
    if report is None:
        report = out["owner"]["credit_report"] = {}
    if not isinstance(report, dict):
        return raw, []
    filled = []
    for name, value in QUICK_CREDIT_DEFAULTS.items():
        if report.get(name) is None:
            report[name] = value
            filled.append(f"owner.credit_report.{name}")
    return out, filled
