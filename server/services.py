"""The server's view of the shared services (defined in agents/common/context.py)."""

from agents.common.context import Services

__all__ = ["Services"]
