"""The staff workbench (Gradio Blocks mounted at /ui): one tab per assistant, in Chinese.

Each tab lives in its own module with ``build_tab(services)``; this file only assembles them, shows
which mode is active (LLM or embedded default) and provides the staff login check.

A tab whose module is missing or raises while building must not take the whole workbench down (the
assistants are developed and deployed independently): its half-built content is hidden, the error is
logged with its traceback, and the tab shows a short readable note instead.
"""

from __future__ import annotations

import hmac
import importlib
import logging
from dataclasses import dataclass

import gradio as gr

from core.services import Services
from core.settings import Settings
from server.security import ApiKeys

log = logging.getLogger("puhui.ui")


@dataclass(frozen=True)
class TabSpec:
    label: str  # what staff see
    tab_id: str  # stable id: the Tab's ``id`` and the prefix of its elem_ids ("tab-<id>")
    module: str  # a module with ``build_tab(services) -> None``


TABS: tuple[TabSpec, ...] = (
    TabSpec("产业链地图", "chain", "server.ui.chain_tab"),
    TabSpec("贷款审查", "loan", "server.ui.loan_tab"),
    TabSpec("客服", "cs", "server.ui.cs_tab"),
    TabSpec("质检", "qa", "server.ui.qa_tab"),
    TabSpec("知识库", "kb", "server.ui.kb_tab"),
    TabSpec("评测", "eval", "server.ui.eval_tab"),
    TabSpec("员工助手", "copilot", "server.ui.copilot_tab"),
    TabSpec("贷后预警", "monitor", "server.ui.monitoring_tab"),  # issue #15
    TabSpec("行业跟踪", "industry", "server.ui.industry_tab"),  # issue #15
    TabSpec("营销获客", "campaign", "server.ui.campaign_tab"),  # issue 14
)


def make_auth(settings: Settings, keys: ApiKeys):
    """Staff login: a configured ``user:password`` pair, or a *staff* API key as the password (a
    customer's key never opens the workbench: it shows every customer's dialogs)."""
    users = {}
    for item in (s.strip() for s in settings.ui_users.split(",")):
        if item and ":" in item:
            user, pwd = item.split(":", 1)
            users[user] = pwd

    def check(username: str, password: str) -> bool:
        expected = users.get(username)
        if expected is not None and hmac.compare_digest(expected.encode(), password.encode()):
            return True
        caller = keys.lookup(password)
        return caller is not None and caller.is_staff

    return check


def mode_banner(settings: Settings) -> str:
    if settings.llm_enabled:
        llm = f"大模型模式：{settings.llm_model}（OpenAI 兼容接口）"
    else:
        llm = "内置确定性模式（未配置大模型）"
    return f"**禾信银行 · 普惠助手工作台** ｜ {llm} ｜ 向量模型：{settings.embedding_provider}"


def unavailable_note(spec: TabSpec, exc: BaseException) -> str:
    """What staff read when a tab cannot be built: which tab, why in one line, where details are."""
    missing = isinstance(exc, ModuleNotFoundError) and exc.name == spec.module
    reason = "该功能模块尚未安装" if missing else f"加载时出错（{type(exc).__name__}）"
    return f"⚠ **「{spec.label}」暂不可用**：{reason}。其他功能不受影响；详细信息已写入服务器日志，请联系管理员。"


def build_tab_safely(spec: TabSpec, services: Services) -> bool:
    """Build one tab's content inside the current ``gr.Tab``; return False (and show a note) on failure."""
    with gr.Column(elem_id=f"tab-{spec.tab_id}-body") as body:
        try:
            module = importlib.import_module(spec.module)
            module.build_tab(services)
            return True
        except ModuleNotFoundError as exc:
            if exc.name != spec.module:
                log.exception("workbench tab %s (%s) could not be built", spec.label, spec.module)
            else:
                log.warning("workbench tab %s: module %s is not installed", spec.label, spec.module)
            failure = exc
        except Exception as exc:  # any failure of one tab must leave the others usable
            log.exception("workbench tab %s (%s) could not be built", spec.label, spec.module)
            failure = exc
    body.visible = False  # whatever was built before the error is hidden, not half-working
    gr.Markdown(unavailable_note(spec, failure), elem_id=f"tab-{spec.tab_id}-unavailable")
    return False


def build_ui(services: Services, tabs: tuple[TabSpec, ...] = TABS) -> gr.Blocks:
    with gr.Blocks(title="普惠助手工作台") as ui:
        gr.Markdown(mode_banner(services.settings), elem_id="mode-banner")
        with gr.Tabs(elem_id="workbench-tabs"):
            for spec in tabs:
                with gr.Tab(spec.label, id=spec.tab_id, elem_id=f"tab-{spec.tab_id}"):
                    build_tab_safely(spec, services)
    return ui

