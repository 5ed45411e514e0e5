"""The copilot's CLI command (typer CliRunner) and its workbench tab's handlers (no browser)."""

from __future__ import annotations

import json

import gradio as gr
import typer
from typer.testing import CliRunner

from server.ui import copilot_tab
from tests.unit.copilot.conftest import copilot_settings


def _cli(tmp_path):
    from cli.copilot_cmds import register

    app = typer.Typer()
    app.command("noop")(lambda: None)  # a second command keeps "copilot" a sub-command, as in cli/main.py
    settings = copilot_settings(tmp_path / "var")
    register(app, lambda: settings)
    return app


def test_cli_ask_prints_the_answer_tools_and_source(tmp_path):
    app, runner = _cli(tmp_path), CliRunner()
    res = runner.invoke(app, ["copilot", "ask", "审查申请编号 EV0001 能不能批"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "普惠贷款审查助手" in out and "审批结论：同意授信" in out and "丹阳市明视眼镜有限公司" in out
    assert "loan_review" in out and "application_id=EV0001" in out and "成功" in out
    assert "关键词路由" in out and "llm=none" in out and "reason=no_model" in out

    res = runner.invoke(app, ["copilot", "ask", "--json", "审查申请编号 EV0001 能不能批"])
    body = json.loads(res.stdout)
    assert res.exit_code == 0 and body["llm"] == "none" and body["tools_used"][0]["tool"] == "loan_review"
    assert "已找到该申请的审查记录" in body["answer"]  # the first command's review, read back


def test_cli_rejects_an_empty_question(tmp_path):
    res = CliRunner().invoke(_cli(tmp_path), ["copilot", "ask", "   "])
    assert res.exit_code == 2 and "问题不能为空" in res.output and "Traceback" not in res.output


def test_tab_builds_and_a_question_shows_answer_tools_and_who_answered(services):
    with gr.Blocks():
        copilot_tab.build_tab(services)
    history, box, status = copilot_tab.send(services, "审查申请编号 EV0004 能不能批", [])
    assert box == "" and [m["role"] for m in history] == ["user", "assistant", "assistant"]
    assert "普惠贷款审查助手" in history[1]["content"] and "审批结论" in history[1]["content"]
    assert history[2]["metadata"]["title"] == "调用的助手：普惠贷款审查助手" and "EV0004" in history[2]["content"]
    assert "`loan_review`" in status and "确定性关键词路由作答" in status and "未配置大模型" in status
    # the next turn passes the conversation without the tool details
    history2, _, _ = copilot_tab.send(services, "客户问：银行卡丢了怎么办？该怎么回答", history)
    assert len(history2) == 6 and "客服助手" in history2[4]["content"]
    assert copilot_tab._plain_history(history) == [{"role": "user", "content": "审查申请编号 EV0004 能不能批"},
                                                    {"role": "assistant", "content": history[1]["content"]}]


def test_tab_bad_input_is_a_message_not_an_error(services):
    assert copilot_tab.send(services, "  ", []) == ([], "", "请输入问题。")
    history, box, status = copilot_tab.send(services, "长" * 5000, [])
    assert history == [] and box == "长" * 5000 and "过长" in status
