"""The copilot's tools: the three assistants, reached through plain functions the composition root
passes in (the copilot never imports an assistant's internals).

``CopilotTools.run`` is the one place a tool executes, for both the model's tool calls and the
keyword router: arguments are validated with the tool's Pydantic model, and a bad argument or a
failing assistant becomes a readable ``ToolUse(ok=False)`` — never an exception out of the graph.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from agents.copilot.schemas import (
    ARGS_MODELS,
    ChainMapArgs,
    CustomerServiceArgs,
    LoanReviewArgs,
    ToolUse,
)
from prompts.loader import read

log = logging.getLogger("puhui.copilot")


@lru_cache(maxsize=1)
def tool_descriptions() -> dict[str, str]:
    return yaml.safe_load(read("copilot/tools.yaml"))


def _field_errors(exc: ValidationError) -> str:
    return "；".join(f"{'.'.join(str(p) for p in e['loc']) or '参数'}: {e['msg']}" for e in exc.errors())


@dataclass(frozen=True)
class CopilotTools:
    """The three assistants as functions from validated arguments to a short text result."""

    customer_service: Callable[[CustomerServiceArgs], str]
    chain_map: Callable[[ChainMapArgs], str]
    loan_review: Callable[[LoanReviewArgs], str]

    def run(self, name: str, args: dict[str, Any] | BaseModel) -> ToolUse:
        model = ARGS_MODELS.get(name)
        if model is None:
            return ToolUse(tool="customer_service", args={}, ok=False, output=f"未知工具：{name}")
        try:
            parsed = args if isinstance(args, model) else model.model_validate(args)
        except ValidationError as exc:
            return ToolUse(tool=name, args=dict(args) if isinstance(args, dict) else {}, ok=False,
                           output=f"参数不完整或有误（{_field_errors(exc)}）")
        try:
            output = getattr(self, name)(parsed)
        except Exception as exc:  # an assistant failure is reported to the staff member, not raised
            log.exception("copilot tool %s failed", name)
            return ToolUse(tool=name, args=parsed.model_dump(), ok=False, output=f"{type(exc).__name__}: {exc}")
        return ToolUse(tool=name, args=parsed.model_dump(), output=str(output))

    def schemas(self) -> list[dict[str, Any]]:
        """OpenAI tool definitions (name, description from prompts/copilot/tools.yaml, JSON schema)."""
        descriptions = tool_descriptions()
        return [{"type": "function", "function": {
            "name": name, "description": descriptions[name].strip(),
            "parameters": model.model_json_schema()}} for name, model in ARGS_MODELS.items()]
