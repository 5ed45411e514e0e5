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

from cli import (  # noqa: E402
    campaign_cmds, chain_cmds, copilot_cmds, cs_cmds, eval_cmds, faq_cmds, graph_cmds, industry_cmds, kb_cmds,
    loan_cmds, monitor_cmds, ops_cmds,
)
from cli.loading import loading_models  # noqa: E402
from core.services import Services  # noqa: E402
from core.settings import Settings  # noqa: E402
from server.security import ensure_dev_key  # noqa: E402
from tools import pii_logging  # noqa: E402

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
    workers: int = typer.Option(None, "--workers", min=1, max=64,
                                help="Worker processes (default PUHUI_WORKERS, 1); any worker serves any session"),
) -> None:
    """Start the API, the bot endpoint and the staff workbench (/ui); build the KB first if missing.

    With several workers, uvicorn's supervisor runs (and restarts) them; each builds its own app from
    the same settings, conversations and reviews live in the state store, and rate limits are shared."""
    import uvicorn  # the server, only for `puhui serve`

    settings = get_settings()
    n = workers or settings.workers
    if n != settings.workers:  # the workers read their settings from the environment
        os.environ["PUHUI_WORKERS"] = str(n)
        get_settings.cache_clear()
        settings = get_settings()
    ensure_dev_key(settings.api_keys, settings.data_dir)  # once, before the workers start
    with loading_models():  # each worker then loads its own assistants
        kb = Services(settings).kb
    if not kb.is_built():
        console.print("知识库索引不存在，正在建立…")
        report = kb.ingest(progress=True)
        console.print(f"已索引 {report.chunks} 个片段（{report.seconds:.1f} 秒）。")
    keyfile = settings.data_dir / "api_keys.txt"
    if not settings.api_keys and keyfile.exists():
        console.print(f"开发用 API 密钥保存在 {keyfile}（staff 密钥可登录工作台：任意用户名 + 该密钥）")
    h, p = host or settings.host, port or settings.port
    console.print(f"Puhui 已启动：API http://{h}:{p}/docs ｜ 工作台 http://{h}:{p}/ui ｜ {n} 个工作进程")
    # a worker busy building its assistants on a loaded machine can miss uvicorn's 5 s health ping and
    # be killed and restarted in a loop (seen in the fault tests): give it a minute
    uvicorn.run("app:serve_api" if no_ui else "app:serve_app", factory=True, host=h, port=p, workers=n,
                log_level="info", timeout_worker_healthcheck=60)


def _register_all() -> None:
    for module in (kb_cmds, faq_cmds, graph_cmds, chain_cmds, loan_cmds, cs_cmds, copilot_cmds, eval_cmds,
                   ops_cmds, industry_cmds, monitor_cmds):
        module.register(app, get_settings)
    campaign_cmds.register(app, get_settings)


_register_all()


def main() -> None:
    pii_logging.install()  # issue #19: every log record of a command is masked
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
