"""Issue #19: every CLI command that loads models says 「加载模型…」 on stderr first (stdout stays clean
for --json and pipes). Fake services stand in for the knowledge base, so no model loads here."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

import cli.main as main
from cli import eval_cmds, kb_cmds
from cli.loading import LOADING, loading_models


class FakeKb:
    def is_built(self) -> bool:
        return True

    def sources(self) -> list[str]:
        return ["puhui"]

    def search(self, *args, **kwargs) -> list:
        return []

    def ingest(self, **kwargs):
        return SimpleNamespace(added=[], changed=[], deleted=[], unchanged=3, chunks_added=0, chunks_deleted=0,
                               chunks_total=9, repaired=0, seconds=0.1, errors=[], warnings=[])


class FakeServices:
    def __init__(self, settings):
        self.settings, self.kb = settings, FakeKb()


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("PUHUI_DATA_DIR", str(tmp_path / "var"))
    main.get_settings.cache_clear()
    for module in (main, kb_cmds, eval_cmds):
        monkeypatch.setattr(module, "Services", FakeServices)
    yield CliRunner()
    main.get_settings.cache_clear()


def test_the_helper_says_loading_then_ready_when_it_warms(capsys):
    calls = []
    with loading_models(lambda: calls.append("warm"), Console(stderr=True)):
        assert LOADING in capsys.readouterr().err  # said before the block runs
    err = capsys.readouterr().err
    assert calls == ["warm"] and "模型已就绪" in err
    with loading_models(lambda: 1 / 0, Console(stderr=True)):
        pass
    assert "向量模型不可用（ZeroDivisionError）" in capsys.readouterr().err  # a broken model is said, not raised


@pytest.mark.parametrize("args", [["search", "丹阳眼镜 旺季"], ["search", "丹阳眼镜", "--json"], ["ingest"]])
def test_kb_commands_say_loading_on_stderr(cli_env, args):
    res = cli_env.invoke(main.app, args)
    assert res.exit_code == 0, res.output
    assert LOADING in res.stderr and LOADING not in res.stdout


def test_serve_says_loading_before_it_builds_the_kb(cli_env, monkeypatch):
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    res = cli_env.invoke(main.app, ["serve", "--no-ui", "--port", "8999"])
    assert res.exit_code == 0, res.output
    assert LOADING in res.stderr and res.stderr.index(LOADING) < res.stderr.index("Puhui 已启动")


def test_eval_says_loading_before_the_suites_run(cli_env, monkeypatch):
    def stop(*args, **kwargs):
        raise typer.Exit(0)

    monkeypatch.setattr(eval_cmds, "run_all", stop)
    res = cli_env.invoke(main.app, ["eval", "--suite", "loan_review", "--limit", "1"])
    assert res.exit_code == 0, res.output
    assert LOADING in res.stderr
