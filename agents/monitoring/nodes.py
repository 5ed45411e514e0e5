"""Nodes of the two monitoring graphs.

Monthly run: ``load_book`` (the book sliced to end at the month) → ``industry`` (segments whose
indicators tighten) → ``screen`` (M06: the chain map's transaction rules over the month's statements)
→ ``score`` (vectorised signals and levels) → ``dispose`` (strategy table) →
``persist`` (alerts to the store; one audit entry per alert plus one for the run, appended as one
batch). Field note: ``validate_note`` →
``attach`` (store + index) → ``propose`` (an LLM-drafted profile edit when a model is configured; a
person accepts or rejects it later).
"""

from __future__ import annotations

import hashlib
import time
from datetime import date, datetime, timezone

import numpy as np
from langgraph.runtime import Runtime

from agents.common.textgen import invoke_text
from agents.monitoring.context import MonitoringContext
from agents.monitoring.schemas import RunResult
from agents.monitoring.state import MonitorState, NoteState
from prompts.loader import read, render
from tools.credit.audit import AuditRecord
from tools.monitoring import backtest, book as book_mod, disposal, signals as sig, statements, txn_screen
from tools.monitoring.notes import parse_note
from tools.monitoring.warnings_store import LoanWarning, RunSummary

TOP_N = 50


class BookMissing(FileNotFoundError):
    pass


def load_book(state: MonitorState, runtime: Runtime[MonitoringContext]) -> dict:
    ctx, month = runtime.context, state["month"]
    if state.get("book") is not None:
        bk = state["book"]
    else:
        if not ctx.book_path.exists():
            raise BookMissing(f"book: 尚未载入贷款台账（{ctx.book_path}）：先运行 puhui monitor book generate 或 load")
        bk = book_mod.from_csv(ctx.book_path.read_text(encoding="utf-8"))
        if ctx.statements_path.exists():
            bk.statements = statements.from_csv(ctx.statements_path.read_text(encoding="utf-8"))
    if month not in bk.months:
        raise ValueError(f"month: 台账中没有 {month}（范围 {bk.months[0]}–{bk.months[-1]}）")
    end = bk.months.index(month) + 1
    if end < len(bk.months):  # an earlier month: only what was known then
        bk = book_mod.LoanBook(loans=bk.loans, months=bk.months[:end], inflow=bk.inflow[:, :end],
                               tax_revenue=bk.tax_revenue[:, :end], dpd=bk.dpd[:, :end],
                               top_share=bk.top_share[:, :end], chain_flags=bk.chain_flags[:, :end],
                               statements=bk.statements)
    return {"book": bk, "seconds": time.perf_counter()}


def alert_record(w: LoanWarning, policy_version: str) -> AuditRecord:
    """One alert as an audit entry: the action is the decision, the level and evidence lines are the
    reasons, and the input hash covers the whole stored alert (evidence and flagged transactions), so
    the chain vouches for what staff later accept or override. The evidence lines are built from
    numbers and rule names only (signals.evidence), so no personal data reaches the chain."""
    return AuditRecord(thread_id=f"monitor-{w.month}", event="monitor_alert", application_id=w.loan_id,
                       input_hash=hashlib.sha256(w.model_dump_json().encode()).hexdigest(),
                       policy_version=policy_version, decision=w.action, score=w.points, rule_hits=w.reasons,
                       reasons=[f"等级：{w.level}", *(e["evidence"] for e in w.evidence)])


def industry(state: MonitorState, runtime: Runtime[MonitoringContext]) -> dict:
    found = runtime.context.tracking.signals(as_of=state["month"])
    return {"tightened": sorted({s.segment for s in found if s.direction == "tighten"}),
            "industry_signals": [f"{s.segment}：{s.evidence}" for s in found]}


def screen(state: MonitorState, runtime: Runtime[MonitoringContext]) -> dict:
    """M06 from the month's statements: the chain map's screening rules over the whole book; the
    month's flag count replaces the book column (kept for books without statements)."""
    bk, found = txn_screen.screen_into(state["book"], state["month"], runtime.context.screening_params)
    return {"book": bk, "screening": found}


def score(state: MonitorState, runtime: Runtime[MonitoringContext]) -> dict:
    ctx = runtime.context
    return {"signals": sig.compute(state["book"], ctx.seasonality, set(state["tightened"]), ctx.params)}


def dispose(state: MonitorState, runtime: Runtime[MonitoringContext]) -> dict:
    ctx, bk = runtime.context, state["book"]
    return {"actions": disposal.assign(state["signals"], bk.loans["segment"].to_numpy(), bk.dpd[:, -1], ctx.strategy,
                                       ctx.risk_grades)}


def persist(state: MonitorState, runtime: Runtime[MonitoringContext]) -> dict:
    ctx, bk, res, month = runtime.context, state["book"], state["signals"], state["month"]
    actions, screening = state["actions"], state.get("screening")
    ids, segs = bk.loans["loan_id"].to_numpy(), bk.loans["segment"].to_numpy()
    alert = np.flatnonzero(res.level > 0)
    warnings = []
    for i in alert[np.argsort(-res.points[alert], kind="stable")]:  # output rows only; signals were computed above
        ev = sig.evidence(res, int(i), bk.months)
        if screening is not None and res.flags["chain_flag"][i]:
            m06 = next(e for e in ev if e["code"] == "M06")
            m06["flags"] = screening.evidence(str(ids[i]))
            m06["evidence"] += "：" + "；".join(f"{f['rule_id']} {f['name']}（{f['txn_count']}笔）" for f in m06["flags"])
        warnings.append(LoanWarning(month=month, loan_id=str(ids[i]), segment=str(segs[i]), level=sig.LEVELS[res.level[i]],
                                    action=disposal.ACTIONS[actions[i]], points=int(res.points[i]),
                                    reasons=[e["code"] for e in ev], evidence=ev))
    counts = {lv: int(np.sum(res.level == k)) for k, lv in enumerate(sig.LEVELS)}
    by_action = {a: int(np.sum(actions == k)) for k, a in enumerate(disposal.ACTIONS) if np.any(actions == k)}
    digest = hashlib.sha256("\n".join(f"{w.loan_id}|{w.level}|{w.action}|{','.join(w.reasons)}"
                                      for w in warnings).encode()).hexdigest()
    seconds = time.perf_counter() - state["seconds"]
    summary = RunSummary(month=month, ts=datetime.now(timezone.utc).isoformat(timespec="seconds"), loans=bk.n,
                         counts=counts, strategy_version=ctx.strategy.version, seconds=round(seconds, 3),
                         input_hash=digest)
    ctx.warnings.save_run(summary, warnings)
    run_record = AuditRecord(thread_id=f"monitor-{month}", event="monitored", application_id=None,
                             input_hash=digest, policy_version=ctx.strategy.version, decision="monitor_run",
                             rule_hits=[f"{k}={v}" for k, v in counts.items()],
                             reasons=[f"{k}={v}" for k, v in by_action.items()])
    ctx.audit.append_many([*(alert_record(w, ctx.strategy.version) for w in warnings), run_record])
    report = None
    if bk.truth and bk.default_later is not None:
        report = {"per_signal": {k: v.model_dump() for k, v in backtest.per_signal(res, bk.truth).items()},
                  **backtest.against_default(res, bk.default_later)}
    return {"result": RunResult(summary=summary, by_action=by_action, top=warnings[:TOP_N],
                                industry_signals=state["industry_signals"], backtest=report)}


# --- field notes -----------------------------------------------------------------------------

def validate_note(state: NoteState, runtime: Runtime[MonitoringContext]) -> dict:
    """Raises notes.NoteInvalid (every bad field) before anything is stored."""
    return {"note": parse_note(state["text"], set(runtime.context.tracking.profiles.baseline), date.today())}


def attach(state: NoteState, runtime: Runtime[MonitoringContext]) -> dict:
    note = state["note"]
    attached = runtime.context.tracking.profiles.attach_note(note, state["author"])
    return {"attached": attached, "indexed_chunks": len(note.sections)}


def _profile_check(original: str):
    headings = [line for line in original.splitlines() if line.startswith("## ")]

    def check(text: str) -> str | None:
        if not text.startswith("---") or any(h not in text for h in headings):
            return "invalid_output"  # a proposal must keep the front matter and every section
        return None if text.strip() != original.strip() else "empty_output"

    return check


def propose(state: NoteState, runtime: Runtime[MonitoringContext]) -> dict:
    ctx, note = runtime.context, state["note"]
    if ctx.chat_model is None or not state.get("attached"):
        return {"proposal": None, "llm": "none", "llm_reason": "no_model" if ctx.chat_model is None else "already_attached"}
    profiles = ctx.tracking.profiles
    current, text = profiles.current(note.segment)
    messages = [("system", read("monitoring/propose_system.md")),
                ("user", render("monitoring/propose_user.md.j2", segment=note.segment, version=current.version,
                                profile=text, note=note))]
    out = invoke_text(ctx.chat_model, messages, timeout_s=ctx.llm_timeout_s, fallback=lambda: "",
                      check=_profile_check(text))
    if not out.used_llm:
        return {"proposal": None, "llm": out.source, "llm_reason": out.reason}
    return {"proposal": profiles.propose(note.segment, note.note_id, out.value.strip() + "\n"), "llm": "llm",
            "llm_reason": None}
