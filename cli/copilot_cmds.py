"""``puhui copilot ask "问题"``: the staff copilot in the terminal (same wiring as the API and the tab).

Prints the answer, which assistants were called (with the arguments they got) and who wrote the
answer: the model, or the keyword router (by design without a model, or after a model failure,
with the reason). An empty question is a readable message and exit code 2.
"""

from __future__ import annotations

from typing import Callable

import typer
from rich.console import Console
from rich.table import Table

from agents.copilot.schemas import TOOL_LABELS
from agents.copilot.service import CopilotService
from cli.loading import loading_models
from core.services import Services
from core.settings import Settings

console = Console()
err = Console(stderr=True)
SOURCE_ZH = {"llm": "大模型", "fallback": "回退到关键词路由", "none": "关键词路由（未配置大模型）"}


def _fail(message: str) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(2)


def _args_text(args: dict) -> str:
    return "；".join(f"{k}={v}" for k, v in args.items() if v not in (None, "", [])) or "—"


def print_answer(answer) -> None:
    console.print(answer.answer, markup=False, highlight=False)
    table = Table("助手", "参数", "结果", title="调用的助手", title_justify="left")
    for use in answer.tools_used:
        table.add_row(f"{TOOL_LABELS.get(use.tool, use.tool)}（{use.tool}）", _args_text(use.args),
                      "[green]成功[/green]" if use.ok else "[red]失败[/red]")
    if answer.tools_used:
        console.print(table)
    else:
        console.print("[dim]未调用任何助手[/dim]")
    line = f"回答来源：{SOURCE_ZH.get(answer.llm, answer.llm)}（llm={answer.llm}"
    console.print(line + (f"，reason={answer.reason}）" if answer.reason else "）"), markup=False)


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    copilot = typer.Typer(help="员工助手（Copilot）：一句话调用客服、产业链地图、贷款审查助手。", no_args_is_help=True)
    app.add_typer(copilot, name="copilot")

    @copilot.command("ask")
    def ask_cmd(
        question: str = typer.Argument(..., help="员工的请求，如「客户问：税务贷额度多少？该怎么回答」"),
        as_json: bool = typer.Option(False, "--json", help="输出结构化 JSON（answer, tools_used, llm, reason）"),
    ) -> None:
        """向员工助手提问：自动选择助手并给出结果、调用了哪些助手、由谁作答。"""
        if not question.strip():
            _fail("问题不能为空")
        with loading_models(console=err):  # issue #19: the assistants load their models on this first question
            services = Services(get_settings())
        try:
            answer = CopilotService.from_services(services).ask(question)
        except ValueError as exc:  # a misconfigured model provider, or an empty question
            _fail(str(exc))
        if as_json:
            print(answer.model_dump_json(indent=2))
        else:
            print_answer(answer)
