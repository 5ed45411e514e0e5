"""The copilot's loan-review tool: find the application a staff request names, or say what is missing.

A staff request ("审查一下申请编号 EV0003", "常熟服装厂申请80万能不能批") rarely carries a whole
application, and the copilot must never invent applicant data (owner, credit report, flows). So:

1. ``application_id`` names a stored review — its thread id, or an application id in the audit log
   (the system of record) → that review as recorded; the same application is not reviewed twice;
2. ``application_id`` names a sample application (the complete, fictional applicants of
   eval/datasets/loan_review.jsonl, read as data) → reviewed end to end like any application;
3. the request carries an application as JSON (pasted by the staff member), completed by the named
   arguments only where the JSON is silent → reviewed when the loan schema accepts it;
4. otherwise → what was read from the request and the fields the loan schema still needs, named
   by the schema itself (tools.credit.application), so the list never drifts from the real rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from agents.common.structured import InvalidOutput, json_from_text
from agents.copilot.schemas import LoanReviewArgs
from agents.loan_review.service import InvalidApplication
from core.settings import PROJECT_ROOT
from prompts.loader import read, render

SAMPLE_APPLICATIONS = PROJECT_ROOT / "eval" / "datasets" / "loan_review.jsonl"
_APP_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # tools.credit.application.Application.application_id


@lru_cache(maxsize=1)
def field_labels() -> dict[str, str]:
    return yaml.safe_load(read("copilot/loan_fields.yaml"))


@lru_cache(maxsize=4)
def sample_applications(path: Path = SAMPLE_APPLICATIONS) -> dict[str, dict]:
    """application_id → application dict, from a JSONL file of ``{"input": application, ...}`` rows."""
    if not path.exists():
        return {}
    out: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            app = json.loads(line).get("input")
            if isinstance(app, dict) and app.get("application_id"):
                out[str(app["application_id"])] = app
    return out


def find_stored(service: Any, ref: str):
    """The review a thread id or an application id refers to (the latest one), else None."""
    result = service.get(ref)
    if result is not None:
        return result
    threads = [r["thread_id"] for r in service.ctx.audit.records() if r.get("application_id") == ref]
    for thread_id in reversed(threads):
        if (result := service.get(thread_id)) is not None:
            return result
    return None


def application_in_text(text: str) -> dict | None:
    """An application pasted into the request as a JSON object, if there is one."""
    try:
        data = json_from_text(text)  # the same reading as a model's JSON reply: fences and chatter tolerated
    except InvalidOutput:
        return None
    return data if {"enterprise", "owner", "loan"} & set(data) else None


def application_from_args(args: LoanReviewArgs) -> dict:
    """The request's application: pasted JSON (if any), the named arguments filling only its gaps."""
    app = application_in_text(args.request) or {}
    enterprise, loan = app.setdefault("enterprise", {}), app.setdefault("loan", {})
    app.setdefault("owner", {})
    if isinstance(app["owner"], dict):
        app["owner"].setdefault("credit_report", {})
    given = ((enterprise, "name", args.business_name), (loan, "requested_amount_wan", args.amount_wan),
             (loan, "tenor_months", args.term_months), (loan, "purpose", args.purpose))
    for section, key, value in given:
        if value is not None and isinstance(section, dict):
            section.setdefault(key, value)
    if args.application_id and _APP_ID.match(args.application_id):
        app.setdefault("application_id", args.application_id)
    return app


def _label(path: str) -> str:
    label = field_labels().get(path)
    return f"{label}〔{path}〕" if label else path


def field_lists(app: dict, errors: list) -> tuple[list[str], list[str]]:
    """(missing, invalid) field descriptions from the service's field errors."""
    missing = [_label(e.field) for e in errors if e.type == "missing"]
    no_flows = not app.get("bank_flow") and not app.get("transactions")
    if no_flows:  # the schema checks this only once every field is valid: say it now
        missing.append(_label("bank_flow"))
    invalid = [f"{_label(e.field)}：{e.msg}" for e in errors
               if e.type != "missing" and not (no_flows and e.msg.startswith("bank_flow"))]
    return missing, invalid


def known_facts(args: LoanReviewArgs) -> list[str]:
    """What the request said, as read (shown so staff can see what was understood)."""
    facts = []
    if args.business_name:
        facts.append(f"企业名称 {args.business_name}")
    if args.amount_wan is not None:
        facts.append(f"申请金额 {args.amount_wan:g} 万元")
    if args.term_months is not None:
        facts.append(f"期限 {args.term_months} 个月")
    if args.purpose:
        facts.append(f"用途 {args.purpose}")
    return facts


def loan_review_tool(service_of: Callable[[], Any],
                     samples: Callable[[], dict[str, dict]] = sample_applications) -> Callable[[LoanReviewArgs], str]:
    """``service_of`` returns the process's LoanReviewService (built on first use)."""
    def review(args: LoanReviewArgs) -> str:
        service = service_of()
        ref = (args.application_id or "").strip()
        if ref:
            if (stored := find_stored(service, ref)) is not None:
                return render("copilot/loan_review.md.j2", r=stored, origin="stored").strip()
            if (sample := samples().get(ref)) is not None:
                try:
                    result = service.review(json.loads(json.dumps(sample)))
                except InvalidApplication as exc:
                    missing, invalid = field_lists(sample, exc.errors)
                    return render("copilot/loan_missing.md.j2", sample_id=ref, application_id=ref, known=[],
                                  missing=missing, invalid=invalid).strip()
                return render("copilot/loan_review.md.j2", r=result, origin="sample").strip()
        app = application_from_args(args)
        try:
            checked = service.validate(app)
        except InvalidApplication as exc:
            missing, invalid = field_lists(app, exc.errors)
            return render("copilot/loan_missing.md.j2", sample_id=None, application_id=ref or None,
                          known=known_facts(args), missing=missing, invalid=invalid).strip()
        return render("copilot/loan_review.md.j2", r=service.review(checked), origin="request").strip()

    return review
