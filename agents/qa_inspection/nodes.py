"""Nodes of the QA inspection graph: rules → review → report.

The rules decide (deterministic, from the rubric). The optional LLM is a rubric judge that never
decides: in one bounded structured call it writes the reviewer's note from the findings already made
and suggests rubric rules the rules may have missed. Its suggestions are grounded (agents/qa_inspection/
judge.py) and shown for a human to confirm — they change no score, verdict or finding — and any
failure falls back to the template note with no suggestions (same type, ``QaReview``).
"""

from __future__ import annotations

import logging
from typing import Any

from agents.common.llm import invoke_structured
from agents.qa_inspection.judge import ground_suggestions, prompt_turns
from agents.qa_inspection.state import QaState
from prompts.loader import render
from tools.pii import mask_pii
from tools.qa.dialogs import Dialog
from tools.qa.gaps import find_gaps
from tools.qa.meaning import inspect_rules
from tools.qa.models import DialogReport, Finding, QaReview
from tools.qa.rules import RuleContext, score

log = logging.getLogger(__name__)
_SEV_ZH = {"low": "低", "medium": "中", "high": "高", "critical": "严重"}


def template_note(findings: list[Finding], passed: bool) -> str:
    if not findings:
        return "未发现违规，服务规范。"
    names = "、".join(dict.fromkeys(f"{f.rule_name}（{_SEV_ZH[f.severity]}）" for f in findings))
    return f"{'合格' if passed else '不合格'}：发现 {len(findings)} 处问题——{names}。请按各条建议整改。"


class QaNodes:
    def __init__(self, ctx: RuleContext, llm: Any = None, timeout_s: float = 20.0):
        self.ctx = ctx
        self.llm = llm
        self.timeout_s = timeout_s
        unresolved = next((r for r in ctx.rubric.rules if r.detector.type == "unresolved"), None)
        self.agent_unable: list[str] = unresolved.detector.param("agent_unable", []) if unresolved else []

    def rules(self, state: QaState) -> dict:
        dialog = Dialog.model_validate(state["dialog"])
        findings = inspect_rules(dialog, self.ctx)
        for f in findings:  # evidence is stored and shown: never a full ID/card/mobile number
            if f.evidence is not None:
                f.evidence.text = mask_pii(f.evidence.text)
            f.message = mask_pii(f.message)
        gaps = find_gaps(dialog, self.agent_unable)
        for g in gaps:
            g.question = mask_pii(g.question)
        return {"findings": [f.model_dump() for f in findings], "gaps": [g.model_dump() for g in gaps]}

    def review(self, state: QaState) -> dict:
        findings = [Finding.model_validate(f) for f in state.get("findings", [])]
        _, passed = score(findings, self.ctx.rubric)
        template = QaReview(note=template_note(findings, passed))
        if self.llm is None:
            return {"review_note": template.note, "reviewed_by": "rules", "llm": "none", "llm_reason": "no_model",
                    "llm_suggestions": [], "llm_suggestions_dropped": 0}
        dialog = Dialog.model_validate(state["dialog"])
        found = {f.rule_id for f in findings}
        turns, omitted = prompt_turns(dialog)
        prompt = render("qa/review.md.j2", rules=[r for r in self.ctx.rubric.rules if r.id not in found],
                        turns=turns, omitted=omitted, findings=findings, passed=passed)
        # bounded and cancellable (a hung server cannot block inspection), validated with one repair:
        # on timeout, error or an invalid (e.g. empty or over-long) note the template stands in
        result = invoke_structured(self.llm, [("user", prompt)], QaReview, timeout_s=self.timeout_s,
                                   fallback=lambda: template)
        if result.source != "llm":
            log.info("QA review note from the template (%s)", result.reason)
            return {"review_note": template.note, "reviewed_by": "rules", "llm": "fallback",
                    "llm_reason": result.reason, "llm_suggestions": [], "llm_suggestions_dropped": 0}
        kept, dropped = ground_suggestions(result.value.suggestions, dialog,
                                           {r.id for r in self.ctx.rubric.rules}, found)
        if dropped:
            log.info("QA judge: %d of %d suggestions dropped (unknown rule, already found or ungrounded)",
                     dropped, len(result.value.suggestions))
        return {"review_note": mask_pii(result.value.note), "reviewed_by": "rules+llm", "llm": "llm",
                "llm_reason": None, "llm_suggestions": [s.model_dump() for s in kept],
                "llm_suggestions_dropped": dropped}

    def report(self, state: QaState) -> dict:
        dialog = Dialog.model_validate(state["dialog"])
        findings = [Finding.model_validate(f) for f in state.get("findings", [])]
        total, passed = score(findings, self.ctx.rubric)
        rep = DialogReport(dialog_id=dialog.id, channel=dialog.channel, turns=len(dialog.turns), score=total,
                           passed=passed, findings=findings, gaps=state.get("gaps", []),
                           review_note=state.get("review_note", ""), reviewed_by=state.get("reviewed_by", "rules"),
                           llm=state.get("llm", "none"), llm_reason=state.get("llm_reason"),
                           llm_suggestions=state.get("llm_suggestions", []),
                           llm_suggestions_dropped=state.get("llm_suggestions_dropped", 0))
        return {"report": rep.model_dump()}
