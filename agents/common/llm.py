"""Chat-model provider factory: an OpenAI-compatible endpoint when configured, else None.

``None`` is a first-class mode: every graph has a deterministic node for each LLM node, with the same
typed output, and uses it when the model is absent or fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agents.common.settings import Settings


def build_chat_model(settings: "Settings") -> "BaseChatModel | None":
    if not settings.llm_enabled:
        return None
    if not settings.llm_base_url or not settings.llm_model:
        raise ValueError("PUHUI_LLM_PROVIDER=openai needs PUHUI_LLM_BASE_URL and PUHUI_LLM_MODEL")
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key.get_secret_value() or "not-needed",
        model=settings.llm_model,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
    )
