"""The ``puhui`` command line (typer + rich). Each assistant adds its commands from its own module.

Bad input ends with a readable message and a non-zero exit code, never a traceback: every command
module raises ``typer.Exit(2)`` after printing, and ``main`` turns stray errors into exit code 1.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import typer  # noqa: E402
from pydantic import ValidationError  # noqa: E402
from rich.console import Console  # noqa: E402

from app import create_app
from cli import chain_cmds, copilot_cmds, cs_cmds, eval_cmds, graph_cmds, kb_cmds, loan_cmds
from core.settings import Settings  # noqa: E402

app = typer.Typer(help="Puhui 普惠: industry-chain map, loan review, customer service + QA.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
console = Console(stderr=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for err in exc.errors():
            console.print(f"[red]配置错误[/red] PUHUI_{str(err['loc'][0]).upper()}: {err['msg']}")
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: str = typer.Option(None, help="Bind address (default from settings: 127.0.0.1)"),
    port: int = typer.Option(None, help="Port (default from settings: 8000)"),
    no_ui: bool = typer.Option(False, "--no-ui", help="API only, without the Gradio workbench"),
) -> None:
    """Start the API, the bot endpoint and the staff workbench (/ui); build the KB first if missing."""
    import uvicorn  # the server, only for `puhui serve`

    settings = get_settings()
    application = create_app(settings, with_ui=not no_ui)
    services = application.state.services
    kb = services.kb
    if not kb.is_built():
        console.print("知识库索引不存在，正在建立…")
        report = kb.ingest(progress=True)
        console.print(f"已索引 {report.chunks} 个片段（{report.seconds:.1f} 秒）。")
    keyfile = settings.data_dir / "api_keys.txt"
    if not settings.api_keys and keyfile.exists():
        console.print(f"开发用 API 密钥保存在 {keyfile}（工作台登录：任意用户名 + 该密钥）")
    h, p = host or settings.host, port or settings.port
    console.print(f"Puhui 已启动：API http://{h}:{p}/docs ｜ 工作台 http://{h}:{p}/ui")
    uvicorn.run(application, host=h, port=p, log_level="info")


def _register_all() -> None:
    for module in (kb_cmds, graph_cmds, chain_cmds, loan_cmds, cs_cmds, copilot_cmds, eval_cmds):
        module.register(app, get_settings)


_register_all()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
