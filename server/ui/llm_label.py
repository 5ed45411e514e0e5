"""One wording, on every tab, for who wrote a piece of text: the model, the deterministic fallback
after a model failure, or the deterministic path because no model is configured. Staff must be able
to tell an LLM-phrased paragraph from a template one (issue 9: the LLM is never the source of facts)."""

from __future__ import annotations

from collections.abc import Mapping

_LABELS = {"llm": "大模型", "fallback": "回退", "none": "确定性", "template": "确定性"}
_NODE_NAMES = {"extract": "要素抽取", "prose": "策略文字"}


def source_label(source: str | None) -> str:
    return _LABELS.get(source or "none", source or "确定性")


def sources_line(sources: Mapping[str, str]) -> str:
    """``{"extract": "llm", "prose": "fallback"}`` → "要素抽取：大模型；策略文字：回退"."""
    if not sources:
        return "确定性"
    return "；".join(f"{_NODE_NAMES.get(node, node)}：{source_label(src)}" for node, src in sources.items())
