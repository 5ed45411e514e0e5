"""Operations commands: ``puhui scan-pii`` (unmasked personal data in what Puhui wrote) and
``puhui db check`` (is the configured state store reachable, and which is it)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import typer
from rich.console import Console

from core.services import Services
from core.settings import Settings
from tools.pii_scan import scan_files, scan_postgres
from tools.storage import StoreUnavailable

console = Console()
err = Console(stderr=True)


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    @app.command("scan-pii")
    def scan_pii(
        paths: list[Path] = typer.Argument(None, help="Files or folders (default: the data dir)"),
        database: bool = typer.Option(False, "--database", help="Also scan the Postgres database of PUHUI_DATABASE_URL"),
    ) -> None:
        """Find unmasked ID-card, mobile and bank-card numbers in data dirs, logs, transcripts, databases.
        Exit 1 when any is found (values are printed masked)."""
        settings = get_settings()
        roots = paths or [settings.data_dir]
        missing = [p for p in roots if not p.exists()]
        if missing:
            err.print(f"[red]错误[/red] 路径不存在：{', '.join(map(str, missing))}")
            raise typer.Exit(2)
        files, findings = scan_files(roots)
        tables = 0
        if database:
            if not settings.uses_postgres:
                err.print("[red]错误[/red] --database 需要 PUHUI_DATABASE_URL=postgresql://…")
                raise typer.Exit(2)
            tables, more = scan_postgres(settings.database_url.get_secret_value())
            findings += more
        for f in findings[:50]:
            console.print(f"{f.where}: {f.kind} {f.masked} (offset {f.offset})")
        console.print(f"扫描 {files} 个文件{f'、{tables} 张表' if database else ''}：未脱敏个人信息 {len(findings)} 处")
        raise typer.Exit(1 if findings else 0)

    db_app = typer.Typer(help="The state store (SQLite files or Postgres).", no_args_is_help=True)
    app.add_typer(db_app, name="db")

    @db_app.command("check")
    def db_check() -> None:
        """Connect to the configured state store and create its tables (exit 1 when unreachable)."""
        settings = get_settings()
        services = Services(settings)
        try:
            db = services.database or services.audit_database()
            db.fetchone("SELECT 1 AS ok")
            services.state_store()
        except StoreUnavailable as exc:
            err.print(f"[red]不可用[/red] {exc}")
            raise typer.Exit(1) from None
        kind = "postgres" if settings.uses_postgres else f"sqlite ({settings.data_dir})"
        console.print(f"状态库可用：{kind}")
