"""The staff workbench (Gradio Blocks mounted at /ui): one tab per assistant, in Chinese.

Each tab lives in its own module with ``build_tab(services)``; this file only assembles them, shows
which mode is active (LLM or embedded default) and provides the staff login check.
"""

from __future__ import annotations

import hmac

import gradio as gr

from agents.common.settings import Settings
from server.security import ApiKeys
from server.services import Services


def make_auth(settings: Settings, keys: ApiKeys):
    """Staff login: a configured ``user:password`` pair, or any valid API key as the password."""
    users = {}
    for item in (s.strip() for s in settings.ui_users.split(",")):
        if item and ":" in item:
            user, pwd = item.split(":", 1)
            users[user] = pwd

    def check(username: str, password: str) -> bool:
        expected = users.get(username)
        if expected is not None and hmac.compare_digest(expected.encode(), password.encode()):
            return True
        return keys.lookup(password) is not None

    return check


def mode_banner(settings: Settings) -> str:
    if settings.llm_enabled:
        llm = f"大模型模式：{settings.llm_model}（OpenAI 兼容接口）"
    else:
        llm = "内置确定性模式（未配置大模型）"
    return f"**禾信银行 · 普惠助手工作台** ｜ {llm} ｜ 向量模型：{settings.embedding_provider}"


def build_ui(services: Services) -> gr.Blocks:
    from server.ui import kb_tab

    with gr.Blocks(title="普惠助手工作台") as ui:
        gr.Markdown(mode_banner(services.settings), elem_id="mode-banner")
        with gr.Tab("知识库", id="kb"):
            kb_tab.build_tab(services)
    return ui
