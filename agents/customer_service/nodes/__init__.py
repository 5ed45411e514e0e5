"""The customer-service graph's nodes: the turn's steps (turn.py) and the answer policy (answer.py)."""

from agents.customer_service.nodes.answer import AnswerNodes
from agents.customer_service.nodes.turn import CsNodes

__all__ = ["AnswerNodes", "CsNodes"]
