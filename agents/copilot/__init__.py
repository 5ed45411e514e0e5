"""Staff copilot: one chat that calls the three assistants as tools (model-driven or keyword-routed)."""

from agents.copilot.graph import ask, build_copilot
from agents.copilot.schemas import ChainMapArgs, CopilotAnswer, CustomerServiceArgs, LoanReviewArgs, ToolUse
from agents.copilot.tools import CopilotTools

__all__ = ["ChainMapArgs", "CopilotAnswer", "CopilotTools", "CustomerServiceArgs", "LoanReviewArgs", "ToolUse",
           "ask", "build_copilot"]
