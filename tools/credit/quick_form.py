"""The minimal loan form for a first try (issue #19): the optional credit-report facts filled in.

A first user rarely has a credit report at hand. ``puhui review --quick`` and ``POST
/v1/loan/review/quick`` accept an application without ``owner.credit_report`` (or with part of it)
and fill each missing fact from ``QuickCreditDefaults`` — the one place the defaults live — then list
what they filled, so the result is never mistaken for a review of real data. The defaults describe a
clean report on purpose: they are the facts a reviewer must then verify. The full routes
(``POST /v1/loan/review``, ``puhui review`` without ``--quick``) get no defaults.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tools.credit.application import Application, Owner, Strict


class QuickCreditDefaults(BaseModel):
    """The documented defaults (README, issue #19 section): a clean 24-month history, no recent
    inquiries, no other debt."""

    model_config = ConfigDict(frozen=True)
    overdue_count_24m: int = 0
    max_overdue_days_24m: int = 0
    current_overdue: bool = False
    inquiries_3m: int = 0
    inquiries_6m: int = 0
    existing_debt_wan: float = 0.0


QUICK_CREDIT_DEFAULTS = QuickCreditDefaults()


class QuickCreditReport(BaseModel):
    """A credit report where every fact may be left out (each one given is checked as usual)."""

    model_config = Strict
    overdue_count_24m: int | None = Field(None, ge=0, le=240)
    max_overdue_days_24m: int | None = Field(None, ge=0, le=3650)
    current_overdue: bool | None = None
    inquiries_3m: int | None = Field(None, ge=0, le=200)
    inquiries_6m: int | None = Field(None, ge=0, le=400)
    existing_debt_wan: float | None = Field(None, ge=0, le=1_000_000)


class QuickOwner(Owner):
    credit_report: QuickCreditReport | None = None  # type: ignore[assignment]


class QuickApplication(Application):
    """The short shape of ``POST /v1/loan/review/quick``: an application whose ``owner.credit_report``
    may be missing or partial; everything else is checked exactly as in a full application."""

    owner: QuickOwner  # type: ignore[assignment]


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
    for name, value in QUICK_CREDIT_DEFAULTS.model_dump().items():
        if report.get(name) is None:
            report[name] = value
            filled.append(name)
    # a default must not contradict a fact that was given (CreditReport's window checks)
    if "inquiries_6m" in filled and isinstance(report["inquiries_3m"], int):
        report["inquiries_6m"] = max(report["inquiries_6m"], report["inquiries_3m"])
    if "overdue_count_24m" in filled and isinstance(report["max_overdue_days_24m"], int) \
            and report["max_overdue_days_24m"] > 0:
        report["overdue_count_24m"] = 1
    return out, [f"owner.credit_report.{name}" for name in filled]
