"""Typed interfaces of the staff copilot: the three tools' arguments and the copilot's answer.

The argument models are what the model fills in (their field descriptions are part of the tool
schema it sees) and what the deterministic router fills from keywords, so both paths hand the
assistants the same validated input.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.common.llm_call import Source

ToolName = Literal["customer_service", "chain_map", "loan_review"]
TOOL_NAMES: tuple[ToolName, ...] = ("customer_service", "chain_map", "loan_review")
TOOL_LABELS: dict[str, str] = {"customer_service": "客服助手", "chain_map": "产业链地图助手",
                               "loan_review": "普惠贷款审查助手"}


class CustomerServiceArgs(BaseModel):
    question: str = Field(min_length=1, max_length=2000, description="客户的问题原文（或员工转述的客户问题）")


class ChainMapArgs(BaseModel):
    description: str = Field(min_length=1, max_length=4000,
                             description="员工对这家企业的描述原文（名称、经营范围、产品、地点等）")
    name: str | None = Field(None, max_length=200, description="企业名称")
    business_scope: str | None = Field(None, max_length=2000, description="经营范围")
    products: list[str] = Field(default_factory=list, max_length=50, description="主要产品或服务")
    location: str | None = Field(None, max_length=200, description="所在地（省/市/县/镇）")


class LoanReviewArgs(BaseModel):
    request: str = Field(min_length=1, max_length=4000, description="员工的审查请求原文")
    application_id: str | None = Field(None, max_length=64, description="贷款申请编号（若员工提到）")
    business_name: str | None = Field(None, max_length=200, description="申请企业名称")
    amount_wan: float | None = Field(None, gt=0, le=100000, description="申请金额（万元）")
    term_months: int | None = Field(None, ge=1, le=360, description="期限（月）")
    purpose: str | None = Field(None, max_length=500, description="贷款用途")


ARGS_MODELS: dict[str, type[BaseModel]] = {
    "customer_service": CustomerServiceArgs, "chain_map": ChainMapArgs, "loan_review": LoanReviewArgs,
}


class ToolUse(BaseModel):
    """One tool call as executed: validated args, the assistant's text output, success."""

    tool: ToolName
    args: dict[str, Any] = Field(default_factory=dict)
    output: str = ""
    ok: bool = True


class CopilotAnswer(BaseModel):
    """The copilot's reply. ``llm`` says who decided and wrote it: the model ("llm"), the keyword
    router after a model failure ("fallback", with ``reason``), or the router by design ("none")."""

    answer: str
    tools_used: list[ToolUse] = Field(default_factory=list)
    llm: Source = "none"
    reason: str | None = None
