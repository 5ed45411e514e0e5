"""The 客服 and 质检 tabs: they build inside a Blocks, and their handlers work on a stub of Services
(lexical matcher, no KB, no model) — readable messages for bad input, never a traceback."""

from __future__ import annotations

import json
import threading
from types import SimpleNamespace

import gradio as gr
import pytest


class StubServices:
    """What the tabs use of core.services.Services, without models or indexes."""

    def __init__(self, corpus, tmp_path):
        self.corpus = corpus
        self.settings = SimpleNamespace(data_dir=tmp_path, llm_timeout_s=5, llm_enabled=False)
        self.checkpointer_path = tmp_path / "cp.sqlite"
        self.llm = None
        self.extras: dict = {}
        self._lock = threading.RLock()

    @property
    def embedder(self):
        raise RuntimeError("no embedder in unit tests")

    @property
    def kb(self):
        raise RuntimeError("no KB in unit tests")

    def cached(self, name, build):
        with self._lock:
            if name not in self.extras:
                self.extras[name] = build()
            return self.extras[name]


@pytest.fixture
def services(corpus, tmp_path):
    return StubServices(corpus, tmp_path)


def test_tabs_build(services):
    from server.ui import cs_tab, qa_tab

    with gr.Blocks() as ui:
        with gr.Tab("客服"):
            cs_tab.build_tab(services)
        with gr.Tab("质检"):
            qa_tab.build_tab(services)
    assert ui is not None


def test_chat_handlers(services):
    from server.ui.cs_tab import new_session, send

    history, sid, status = new_session(services, "ui_demo")
    assert sid.startswith("cs_") and history[0]["role"] == "assistant"
    history, box, sid2, status = send(services, "银行卡丢了怎么挂失？", history, sid, "ui_demo")
    assert sid2 == sid and box == "" and "标准答案" in status
    assert history[-1]["metadata"]["title"].startswith("引用来源")  # sources shown collapsed
    history, _, _, status = send(services, "我的身份证110101199003074514，转人工", history, sid, "ui_demo")
    assert "已转人工" in status and all("110101199003074514" not in str(m["content"]) for m in history)
    assert send(services, "", history, sid, "ui_demo")[3] == "请输入问题。"
    assert "不属于" in send(services, "你好", history, sid, "someone_else")[3]


def test_qa_handlers(services, tmp_path):
    from server.ui.qa_tab import inspect_recent, inspect_upload

    f = tmp_path / "d.json"
    f.write_text(json.dumps({"id": "d1", "turns": [{"role": "坐席", "text": "这个理财保本的，卡号6222021234567890128"},
                                                   {"role": "客户", "text": "好"}]}, ensure_ascii=False), encoding="utf-8")
    summary, chart, rows, marked, gaps = inspect_upload(services, str(f), "")
    assert "1 通对话" in summary and chart.endswith(".png")
    assert {r[1] for r in rows} >= {"forbidden_promise", "pii_exposed"}
    assert "<mark" in marked and "6222021234567890128" not in marked
    assert "格式有误" in inspect_upload(services, None, "{broken")[0]
    assert inspect_upload(services, None, "")[0].startswith("请上传")
    assert inspect_recent(services, 10)[0] == "还没有智能客服会话。"


def test_status_shows_why_the_model_fell_back():
    from agents.customer_service.schemas import BotReply
    from server.ui.cs_tab import status_markdown

    fell_back = BotReply(text="…", outcome="grounded", llm="fallback", llm_reason="ungrounded")
    assert "**模型** 回退（ungrounded）" in status_markdown(fell_back, "cs_1")
    answered = status_markdown(BotReply(text="…", outcome="faq", llm="llm"), "cs_1")
    assert answered.split("\n\n")[0].endswith("**模型** 大模型")  # no reason when the model answered
