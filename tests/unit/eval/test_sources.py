"""The report split: cases per answer source with fallback reasons, headline metrics per source,
judge figures per judge (never averaged together), in run.json, report.md/html and the CLI table —
and the gate on an older baseline is unaffected by the new figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.eval_cmds import _answered_by, _judged
from eval.compare import gate, load_run, write_baseline
from eval.report import write_reports
from eval.run import EvalContext, run_all
from eval.schema import EvalCase
from eval.sources import answered_by, by_source, fallback_reasons, judge_summary
from eval.suite import CaseResult, JudgeRecord, Outcome, Suite

CTX = EvalContext(services=None, llm_mode="openai", shared_data_dir=Path("/nonexistent"))

#: case id → (source, fallback reason, correct, model-judged faithfulness or None, rule faithfulness)
PLAN = {
    "a": ("llm", None, True, 1.0, 1.0),
    "b": ("llm", None, True, 0.5, 1.0),
    "c": ("fallback", "timeout", False, None, 0.5),
    "d": ("fallback", "http_500", True, None, 1.0),
    "e": ("fallback", "timeout", False, None, 0.0),
    "f": ("none", None, True, None, 1.0),
}


class Mixed(Suite):
    """A toy suite whose cases were answered by the model, by fallbacks and deterministically."""

    name = "mixed"
    dataset = ""

    def load_cases(self, ctx):
        return [EvalCase(id=i, input=i, expected={}) for i in PLAN]

    def run_case(self, case, sut):
        src, reason, ok, llm_score, rule = PLAN[case.id]
        scores = {"correct": float(ok), "faithfulness_rule": rule}
        judge = JudgeRecord(metric="faithfulness", judge="llm" if llm_score is not None else "rule",
                            score=llm_score if llm_score is not None else rule,
                            llm="llm" if llm_score is not None else "fallback",
                            llm_reason=None if llm_score is not None else "invalid_output")
        if llm_score is not None:
            scores["faithfulness_llm_judge"] = llm_score
        return Outcome(passed=ok, scores=scores, llm=src, llm_reason=reason, judges=[judge])


def results() -> list[CaseResult]:
    out = []
    for i, (src, reason, ok, llm_score, rule) in PLAN.items():
        scores = {"correct": float(ok), "faithfulness_rule": rule}
        if llm_score is not None:
            scores["faithfulness_llm_judge"] = llm_score
        out.append(CaseResult(id=i, suite="t", passed=ok, scores=scores, llm=src, llm_reason=reason))
    out.append(CaseResult(id="err", suite="t", passed=False, error="RuntimeError: x", llm="fallback"))
    return out


def test_counts_reasons_and_split_metrics():
    rs = results()
    assert answered_by(rs) == {"llm": 2, "fallback": 3, "none": 1}  # the errored case answered nothing
    assert fallback_reasons(rs) == {"timeout": 2, "http_500": 1}
    split = by_source(rs, Suite().summarize)
    assert split["llm"]["cases"] == 2 and split["llm"]["correct"] == 1.0
    assert split["fallback"]["correct"] == pytest.approx(1 / 3)
    assert split["none"]["pass_rate"] == 1.0


def test_judge_figures_stay_apart():
    j = judge_summary(results())["faithfulness"]
    assert j["llm_judge"] == {"n": 2, "mean": 0.75}
    assert j["rule"] == {"n": 6, "mean": pytest.approx(4.5 / 6)}  # every case the rule scored
    assert judge_summary([CaseResult(id="x", suite="t", passed=True)]) == {}


def test_run_report_and_cli_show_the_split(tmp_path):
    run = run_all([Mixed()], CTX, tmp_path)
    entry = run["suites"]["mixed"]
    assert entry["llm_answers"] == 2 and entry["fallbacks"] == 3
    assert entry["answered_by"] == {"llm": 2, "fallback": 3, "none": 1}
    assert entry["fallback_reasons"] == {"timeout": 2, "http_500": 1}
    assert entry["by_source"]["llm"]["correct"] == 1.0 and entry["by_source"]["fallback"]["cases"] == 3
    assert entry["judges"]["faithfulness"]["llm_judge"] == {"n": 2, "mean": 0.75}
    assert entry["judges"]["faithfulness"]["judge_fallbacks"] == {"invalid_output": 4}
    assert "faithfulness_llm_judge" in entry["ungated"]  # a model's verdict is reported, never gated
    stored = {r["id"]: r for r in map(json.loads, (tmp_path / "mixed" / "results.jsonl").read_text().splitlines())}
    assert stored["c"]["llm_reason"] == "timeout" and stored["a"]["judges"][0]["judge"] == "llm"

    md, html = write_reports(tmp_path)
    text = md.read_text()
    assert "## Who answered" in text and "| mixed | 2 | 3 | 1 | timeout 2, http_500 1 |" in text
    assert "## Metrics by answer source" in text and "| mixed | llm | 2 | pass_rate=1.000, correct=1.000" in text
    assert "| mixed | faithfulness | 0.750 (n=2) | 0.750 (n=6) | invalid_output 4 | 0 |" in text
    page = html.read_text()
    assert "<h2>Who answered</h2>" in page and "timeout 2, http_500 1" in page and "0.750 (n=2)" in page

    assert _answered_by(entry) == "2 / 3 / 1 (timeout 2, http_500 1)"
    assert _judged(entry) == "faithfulness: LLM 0.750 (n=2), rule 0.750 (n=6)"


def test_gate_on_a_baseline_without_the_new_figures(tmp_path):
    class Old(Mixed):
        """The same suite before judge metrics: its baseline has no judge keys."""

        def run_case(self, case, sut):
            out = super().run_case(case, sut)
            return Outcome(passed=out.passed, scores={"correct": out.scores["correct"]})

    run_all([Old()], CTX, tmp_path / "old")
    baselines = tmp_path / "baselines"
    write_baseline(load_run(tmp_path / "old"), "mixed", baselines)
    run_all([Mixed()], CTX, tmp_path / "new")
    new = load_run(tmp_path / "new")
    assert gate(new, baselines) == ([], [])
    write_baseline(new, "mixed", baselines)
    metrics = json.loads((baselines / "mixed.json").read_text())["metrics"]
    assert "faithfulness_rule" in metrics and "faithfulness_llm_judge" not in metrics


def test_reports_of_runs_before_the_split_still_render(tmp_path):
    run_all([Mixed()], CTX, tmp_path)
    run = json.loads((tmp_path / "run.json").read_text())
    for key in ("answered_by", "fallback_reasons", "by_source", "judges"):
        run["suites"]["mixed"].pop(key)
    run["meta"].pop("judge")
    (tmp_path / "run.json").write_text(json.dumps(run))
    md, _ = write_reports(tmp_path)
    assert "Who answered" not in md.read_text() and "| mixed | ok | 6 |" in md.read_text()
