"""Nodes of the QA inspection graph: rules → review note → report.

The rules decide (deterministic, from the rubric); the optional LLM only writes the reviewer's note
from the findings already made, and any failure falls back to the template note.
"""

from __future__ import annotations

import logging
from typing import Any

from agents.common.textgen import invoke_text
from prompts.loader import render
from tools.pii import mask_pii
from tools.qa_dialogs import Dialog
from tools.qa_gaps import find_gaps
from tools.qa_models import DialogReport, Finding
from tools.qa_rules import RuleContext, run_rules, score

from agents.qa_inspection.state import QaState

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
        findings = run_rules(dialog, self.ctx)
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
        note = template_note(findings, passed)
        if self.llm is None:
            return {"review_note": note, "reviewed_by": "rules", "llm": "none", "llm_reason": "no_model"}
        dialog = Dialog.model_validate(state["dialog"])
        prompt = render("qa/review.md.j2",
                        turns=[{"role": "坐席" if t.role == "agent" else "客户", "text": mask_pii(t.text)} for t in dialog.turns],
                        findings=findings, passed=passed)
        # bounded and cancellable (a hung server cannot block inspection); the note is optional:
        # on timeout, error, empty or over-long output the template note stands in
        result = invoke_text(self.llm, [("user", prompt)], timeout_s=self.timeout_s, fallback=lambda: note,
                             check=lambda text: "too_long" if len(text) > 600 else None)
        if result.source != "llm":
            log.info("QA review note from the template (%s)", result.reason)
            return {"review_note": note, "reviewed_by": "rules", "llm": "fallback", "llm_reason": result.reason}
        return {"review_note": mask_pii(result.value), "reviewed_by": "rules+llm", "llm": "llm", "llm_reason": None}

    def report(self, state: QaState) -> dict:
        dialog = Dialog.model_validate(state["dialog"])
        findings = [Finding.model_validate(f) for f in state.get("findings", [])]
        total, passed = score(findings, self.ctx.rubric)
        rep = DialogReport(dialog_id=dialog.id, channel=dialog.channel, turns=len(dialog.turns), score=total,
                           passed=passed, findings=findings, gaps=state.get("gaps", []),
                           review_note=state.get("review_note", ""), reviewed_by=state.get("reviewed_by", "rules"),
                           llm=state.get("llm", "none"), llm_reason=state.get("llm_reason"))
        return {"report": rep.model_dump()}
