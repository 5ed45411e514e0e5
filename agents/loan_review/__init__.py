"""Inclusive-loan review assistant (普惠贷款审查): a LangGraph graph over the tools in tools/credit."""
