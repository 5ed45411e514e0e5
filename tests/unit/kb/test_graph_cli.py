"""``puhui graph``: build, import-chainkg, show, link — readable output, exit 2 on bad input."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from cli.graph_cmds import register
from core.settings import Settings
from tests.unit.kb.graph_fixtures import write_tiny_chainkg, write_tiny_corpus


@pytest.fixture
def run(tmp_path):
    settings = Settings(corpus_dir=write_tiny_corpus(tmp_path / "corpus"), data_dir=tmp_path / "var",
                        shared_data_dir=tmp_path / "shared")
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test root"""

    register(app, lambda: settings)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    invoke.settings = settings
    return invoke


def test_build_show_and_link(run):
    res = run("graph", "build")
    assert res.exit_code == 0, res.output
    assert run.settings.graph_path.exists() and "segment" in res.output
    res = run("graph", "show", "danyang_eyewear")
    assert res.exit_code == 0 and "丹阳眼镜制造" in res.output and "小型化工" in res.output and "眼镜零售店" in res.output
    res = run("graph", "link", "餐饮服务；小吃制售", "--name", "丹阳眼镜城餐饮店")
    assert res.exit_code == 0 and "识别为 restaurant_chain" in res.output
    res = run("graph", "link", "软件开发", "--products", "")
    assert res.exit_code == 0 and "未知行业" in res.output


def test_show_png(run, tmp_path):
    res = run("graph", "show", "optical_store", "--png", str(tmp_path / "p.png"), "--enterprise", "明亮眼镜店")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "p.png").read_bytes().startswith(b"\x89PNG")


def test_import_chainkg(run):
    res = run("graph", "import-chainkg")
    assert res.exit_code == 2 and "chain_kg" in res.output  # default folder absent: clear message
    folder = write_tiny_chainkg(run.settings.shared_data_dir / "chain_kg")
    res = run("graph", "import-chainkg")
    assert res.exit_code == 0, res.output
    assert list(run.settings.graph_path.parent.glob("industry_graph.chainkg.*.json"))
    (folder / "company.json").unlink()
    res = run("graph", "import-chainkg", str(folder))
    assert res.exit_code == 2 and "company.json" in res.output


def test_bad_input_exits_2(run):
    res = run("graph", "show", "danyang_eyeware")
    assert res.exit_code == 2 and "danyang_eyewear" in res.output  # nearest id suggested
    res = run("graph", "link", "  ")
    assert res.exit_code == 2 and "at least one of name, scope or products" in res.output
