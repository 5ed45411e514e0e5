"""Chat-model provider factory, and the one import LLM nodes need.

``build_chat_model(settings)`` returns ``None`` unless ``llm_provider == "openai"``: ``None`` is a
first-class mode, and every LLM node has a deterministic fallback with the same typed output. With
a model, nodes call it only through the bounded helpers re-exported here (``invoke_structured``,
``invoke_text``, ``stream_text`` …), which always return — model answer or fallback — within their
timeout plus a small margin, whatever the server does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.common.llm_call import CallGate, LlmResult, Source, classify_error
from agents.common.structured import (
    ainvoke_structured,
    invoke_message,
    invoke_structured,
)
from agents.common.textgen import ainvoke_text, astream_text, invoke_text, stream_text
from core.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = [
    "CallGate", "LlmResult", "Source", "ainvoke_structured", "ainvoke_text", "astream_text",
    "build_chat_model", "classify_error", "invoke_message", "invoke_structured", "invoke_text",
    "stream_text",
]


def build_chat_model(settings: Settings) -> "BaseChatModel | None":
    """ChatOpenAI for any OpenAI-compatible server (vLLM, Ollama, llama.cpp, DeepSeek, DashScope …)."""
    if not settings.llm_enabled:
        return None
    missing = [name for name, value in (("PUHUI_LLM_BASE_URL", settings.llm_base_url),
                                        ("PUHUI_LLM_MODEL", settings.llm_model)) if not value]
    if missing:
        raise ValueError(f"PUHUI_LLM_PROVIDER=openai needs {' and '.join(missing)}")
    from agents.common.openai_compat import make_chat_openai  # langchain_openai (~1.5 s) only with a model

    return make_chat_openai(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key.get_secret_value(),
        model=settings.llm_model,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        structured_method=settings.llm_structured_method,
        max_inflight=settings.llm_max_inflight,
        circuit_cooldown_s=settings.llm_circuit_cooldown_s,
    )
