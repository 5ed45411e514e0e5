"""``puhui eval --judge``: which model judges, and the options refused before anything runs."""

from __future__ import annotations

from types import SimpleNamespace

import typer
from typer.testing import CliRunner

from cli import eval_cmds
from core.settings import Settings


def _run(settings: Settings, *args: str):
    app = typer.Typer()
    eval_cmds.register(app, lambda: settings)
    result = CliRunner().invoke(app, ["eval", *args])
    return result.exit_code, result.output


def test_bad_judge_options_are_refused(tmp_path):
    settings = Settings(data_dir=tmp_path, llm_provider="none", llm_base_url="", llm_model="")
    code, out = _run(settings, "--judge", "gpt")
    assert code == 2 and "--judge must be auto, none or openai" in out
    code, out = _run(settings, "--llm", "none", "--judge", "openai")  # no endpoint configured
    assert code == 2 and "PUHUI_LLM_BASE_URL" in out


def test_judge_model_choice():
    configured = Settings(llm_provider="none", llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen")
    assert eval_cmds._judge_model("none", SimpleNamespace(settings=configured)) is None
    # --llm none --judge openai: a model built from the same settings judges the deterministic answers
    built = eval_cmds._judge_model("openai", SimpleNamespace(settings=configured))
    assert built is not None and built.model_name == "qwen"
    # --llm openai: the assistants' own model is the judge
    own = object()
    running = configured.model_copy(update={"llm_provider": "openai"})
    assert eval_cmds._judge_model("openai", SimpleNamespace(settings=running, llm=own)) is own


def test_suites_may_be_repeated_or_comma_separated(tmp_path):
    assert eval_cmds._split(["customer_service,chain_map", " loan_review ", ""]) == \
        ["customer_service", "chain_map", "loan_review"]
    assert eval_cmds._split(None) is None and eval_cmds._split([]) is None
    settings = Settings(data_dir=tmp_path, llm_provider="none")
    code, out = _run(settings, "--suite", "retrieval", "--suite", "nope")  # the second one is not lost
    assert code == 2 and "nope" in out
