"""What the copilot graph's nodes need: the three tools, the optional model and its time budget."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents.copilot.tools import CopilotTools


@dataclass(frozen=True)
class CopilotContext:
    tools: CopilotTools
    model: Any = None
    timeout_s: float = 20.0  # per model turn
    total_timeout_s: float = 60.0  # all model turns of one request together
    max_steps: int = 3
