"""Workbench assembly: a tab that is missing or fails to build becomes a readable note, the rest works."""

from __future__ import annotations

import sys
import types

import gradio as gr
import pytest

from core.services import Services
from core.settings import Settings
from server.security import ApiKeys
from server.ui.workbench import TABS, TabSpec, build_ui, make_auth, mode_banner


def _module(name: str, build) -> str:
    mod = types.ModuleType(name)
    mod.build_tab = build
    sys.modules[name] = mod
    return name


@pytest.fixture
def services(tmp_path):
    return Services(Settings(_env_file=None, data_dir=tmp_path, llm_provider="none"))


def _by_elem_id(ui: gr.Blocks) -> dict[str, gr.blocks.Block]:
    return {b.elem_id: b for b in ui.blocks.values() if getattr(b, "elem_id", None)}


def test_broken_and_missing_tabs_show_a_note_and_the_others_still_build(services, caplog):
    def good(_):
        gr.Textbox(label="ok", elem_id="good-box")

    def broken(_):
        gr.Textbox(label="half-built", elem_id="broken-box")
        raise RuntimeError("boom: secret detail")

    tabs = (TabSpec("好", "good", _module("puhui_test_good_tab", good)),
            TabSpec("坏", "broken", _module("puhui_test_broken_tab", broken)),
            TabSpec("缺", "missing", "puhui_test_no_such_tab_module"))
    try:
        ui = build_ui(services, tabs)
    finally:
        sys.modules.pop("puhui_test_good_tab"), sys.modules.pop("puhui_test_broken_tab")
    blocks = _by_elem_id(ui)
    assert blocks["tab-good-body"].visible is not False and "tab-good-unavailable" not in blocks
    assert blocks["tab-broken-body"].visible is False  # the half-built part is hidden
    assert "加载时出错（RuntimeError）" in blocks["tab-broken-unavailable"].value
    assert "secret detail" not in blocks["tab-broken-unavailable"].value  # details only in the log
    assert "尚未安装" in blocks["tab-missing-unavailable"].value
    assert "boom: secret detail" in caplog.text


def test_tab_order_and_ids_are_the_agreed_ones():
    assert [(t.label, t.tab_id) for t in TABS] == [("产业链地图", "chain"), ("贷款审查", "loan"), ("客服", "cs"),
                                                   ("质检", "qa"), ("知识库", "kb"), ("评测", "eval"),
                                                   ("员工助手", "copilot"), ("贷后预警", "monitor"),
                                                   ("行业跟踪", "industry"), ("营销获客", "campaign")]


def test_mode_banner_names_the_active_mode():
    assert "内置确定性模式" in mode_banner(Settings(_env_file=None, llm_provider="none"))
    llm = Settings(_env_file=None, llm_provider="openai", llm_model="qwen2.5-7b", llm_base_url="http://127.0.0.1:1/v1")
    assert "大模型模式：qwen2.5-7b" in mode_banner(llm)


def test_staff_login_accepts_configured_users_and_staff_keys_only():
    keys = ApiKeys("staff-key-123456:staff:li, customer-key-1234:cust_x")
    check = make_auth(Settings(_env_file=None, ui_users="alice:s3cret-pass"), keys)
    assert check("alice", "s3cret-pass")
    assert check("anyone", "staff-key-123456")
    assert not check("anyone", "customer-key-1234")  # a customer's key never opens the workbench
    assert not check("alice", "wrong")
    assert not check("bob", "s3cret-pass")
    assert not check("", "")
