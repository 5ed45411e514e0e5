"""``puhui chat --batch`` (issue #19): every line answered after one start-up announced on stderr."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from core.settings import Settings


def _app(tmp_path, monkeypatch, bot):
    from cli import cs_cmds

    monkeypatch.setattr(cs_cmds.CsService, "from_services", staticmethod(lambda services: bot))
    app = typer.Typer()
    cs_cmds.register(app, lambda: Settings(_env_file=None, data_dir=tmp_path / "var"))
    return app


def test_batch_from_a_file_and_from_stdin(make_bot, tmp_path, monkeypatch):
    calls = []
    bot = make_bot()
    original = bot.create_session
    bot.create_session = lambda *a, **k: calls.append(a) or original(*a, **k)
    app = _app(tmp_path, monkeypatch, bot)
    f = tmp_path / "q.txt"
    f.write_text("银行卡丢了怎么挂失？\n\n网点营业时间是几点\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["chat", "--batch", str(f), "--json"])
    assert res.exit_code == 0, res.output
    assert "加载模型…" in res.output and "模型已就绪" in res.output  # CliRunner mixes stderr in
    replies = [json.loads(ln) for ln in res.output.splitlines() if ln.startswith("{")]
    assert len(replies) == 2 and len(calls) == 2  # one session per question
    res = CliRunner().invoke(app, ["chat", "--batch", "-"], input="我的卡号是6222021234567890127，丢了怎么办\n")
    assert res.exit_code == 0 and "6222021234567890127" not in res.output and "问" in res.output


def test_batch_bad_input_is_a_message_and_exit_2(make_bot, tmp_path, monkeypatch):
    app = _app(tmp_path, monkeypatch, make_bot())
    res = CliRunner().invoke(app, ["chat", "--batch", str(tmp_path / "none.txt")])
    assert res.exit_code == 2 and "文件不存在" in res.output
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    assert CliRunner().invoke(app, ["chat", "--batch", str(empty)]).exit_code == 2
