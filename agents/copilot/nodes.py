"""Copilot nodes: the model picks tools and writes (bounded, grounded); the keyword router is the
deterministic twin used without a model and after any model failure.

Every model turn goes through ``invoke_message`` (hard deadline, call gate). The model's final text
must be supported by the tool results it cites (``check_grounding`` with the tool outputs as
passages); an unsupported answer is replaced by the tool results themselves, rendered from
prompts/copilot/answer.md.j2 — the same text the no-model path gives.
"""

from __future__ import annotations

import time
from typing import Literal

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from agents.common.grounding import check_grounding
from agents.common.llm import invoke_message
from agents.copilot.context import CopilotContext
from agents.copilot.routing import fallback_args, route
from agents.copilot.schemas import TOOL_LABELS, CopilotAnswer, ToolUse
from agents.copilot.state import CopilotState
from prompts.loader import read, render


def _last_question(state: CopilotState) -> str:
    for message in reversed(state.get("messages", [])):
        if isinstance(message, HumanMessage):
            return message.text
    return ""


def compose(uses: list[ToolUse]) -> str:
    """The tool results as the answer (no model prose): the deterministic path's text."""
    return render("copilot/answer.md.j2", uses=uses, names=TOOL_LABELS).strip()


class Nodes:
    def __init__(self, ctx: CopilotContext):
        self.ctx = ctx

    # --- nodes ---------------------------------------------------------------------------------
    def start(self, state: CopilotState) -> dict:
        return {"deadline": time.monotonic() + self.ctx.total_timeout_s, "steps": 0, "draft": "",
                "llm": "llm" if self.ctx.model is not None else "none",
                "reason": None if self.ctx.model is not None else "no_model"}

    def agent(self, state: CopilotState) -> dict:
        remaining = state["deadline"] - time.monotonic()
        messages = [SystemMessage(content=read("copilot/system.md")), *state["messages"]]
        res = invoke_message(self.ctx.model, messages, timeout_s=min(self.ctx.timeout_s, remaining),
                             tools=self.ctx.tools.schemas())
        if res.value is None:
            return {"llm": "fallback", "reason": res.reason}
        reply = res.value
        return {"messages": [reply], "steps": state["steps"] + 1, "draft": "" if reply.tool_calls else reply.text}

    def tools(self, state: CopilotState) -> dict:
        last = state["messages"][-1]
        uses, results = [], []
        for i, call in enumerate(last.tool_calls):
            use = self.ctx.tools.run(call["name"], call.get("args") or {})
            uses.append(use)
            results.append(ToolMessage(content=use.output, tool_call_id=call.get("id") or f"call_{i}",
                                       name=call["name"]))
        return {"messages": results, "tools_used": uses}

    def route(self, state: CopilotState) -> dict:
        """Keyword routing; keeps tool results the model already obtained before it failed."""
        if state.get("tools_used"):
            return {}
        question = _last_question(state)
        tool = route(question)
        return {"tools_used": [self.ctx.tools.run(tool, fallback_args(tool, question))]}

    def check(self, state: CopilotState) -> dict:
        """Accept the model's text only when its claims are supported by the tool results."""
        draft = state.get("draft", "")
        passages = [u.output for u in state.get("tools_used", []) if u.ok]
        if draft and check_grounding(draft, passages).grounded:
            return {"answer": draft}
        if draft:
            reason = "ungrounded"
        else:
            reason = "max_steps" if state.get("steps", 0) >= self.ctx.max_steps else "empty_output"
        return {"llm": "fallback", "reason": reason}

    def finish(self, state: CopilotState) -> dict:
        if state.get("answer"):
            return {}
        return {"answer": compose(state.get("tools_used", []))}

    # --- routers -------------------------------------------------------------------------------
    def entry(self, state: CopilotState) -> Literal["agent", "route"]:
        return "agent" if self.ctx.model is not None else "route"

    def after_agent(self, state: CopilotState) -> Literal["tools", "route", "check"]:
        if state.get("llm") != "llm":
            return "route"
        last = state["messages"][-1]
        if isinstance(last, AIMessage) and last.tool_calls:
            return "tools"
        return "check"

    def after_tools(self, state: CopilotState) -> Literal["agent", "check"]:
        out_of_time = state["deadline"] - time.monotonic() <= 0
        return "check" if state["steps"] >= self.ctx.max_steps or out_of_time else "agent"

    def after_check(self, state: CopilotState) -> Literal["finish", "route"]:
        if state.get("answer") or state.get("tools_used"):
            return "finish"
        return "route"  # the model answered from nowhere: get the facts from an assistant


def to_answer(state: dict) -> CopilotAnswer:
    return CopilotAnswer(answer=state.get("answer", ""), tools_used=state.get("tools_used", []),
                         llm=state.get("llm", "none"), reason=state.get("reason"))
