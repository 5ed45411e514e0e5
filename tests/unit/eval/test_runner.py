"""The runner, reports, compare and gate, with a toy suite (no assistant needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.compare import compare_runs, gate, load_run, write_baseline
from eval.report import write_reports
from eval.run import EvalContext, run_all
from eval.schema import DatasetError, EvalCase, load_cases
from eval.suite import Outcome, Suite


class Toy(Suite):
    name = "toy"
    dataset = ""

    def __init__(self, cases, broken=False):
        self.cases, self.broken, self.calls = cases, broken, []

    def load_cases(self, ctx):
        return self.cases

    def run_case(self, case, sut):
        self.calls.append(case.id)
        if case.input == "boom":
            raise RuntimeError("kaboom")
        ok = (case.input == case.expected["answer"]) and not self.broken
        return Outcome(passed=ok, scores={"accuracy": float(ok)}, output=case.input, trace=["a", "b"])


def cases(n=4):
    out = [EvalCase(id=f"c{i}", input="x", expected={"answer": "x"}, tags={"category": "cat" + str(i % 2)})
           for i in range(n)]
    out.append(EvalCase(id="crash", input="boom", expected={"answer": "x"}))
    return out


CTX = EvalContext(services=None, llm_mode="none", shared_data_dir=Path("/nonexistent"))


def test_crash_is_one_failed_case_and_reports_are_written(tmp_path):
    run = run_all([Toy(cases())], CTX, tmp_path)
    entry = run["suites"]["toy"]
    assert entry["cases"] == 5 and entry["passed"] == 4 and entry["errors"] == 1
    assert entry["summary"]["pass_rate"] == pytest.approx(0.8)
    assert entry["summary"]["accuracy"] == 1.0  # the mean over cases that ran
    md, html = write_reports(tmp_path)
    assert "crash" in md.read_text() and "kaboom" in md.read_text()
    assert html.read_text().count("data:image/png;base64,") == 3


def test_runs_are_resumable(tmp_path):
    first = Toy(cases())
    run_all([first], CTX, tmp_path, limit=2)
    second = Toy(cases())
    run_all([second], CTX, tmp_path)
    assert sorted(first.calls) == ["c0", "c1"]
    assert sorted(second.calls) == ["c2", "c3", "crash"]
    assert load_run(tmp_path)["suites"]["toy"]["cases"] == 5


def test_gate_and_compare(tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    run_all([Toy(cases())], CTX, good)
    run_all([Toy(cases(), broken=True)], CTX, bad)
    baselines = tmp_path / "baselines"
    write_baseline(load_run(good), "toy", baselines)
    assert "latency_p50_ms" not in json.loads((baselines / "toy.json").read_text())["metrics"]
    regressions, _ = gate(load_run(good), baselines)
    assert regressions == []
    regressions, _ = gate(load_run(bad), baselines)
    assert {r.metric for r in regressions} == {"pass_rate", "accuracy"}
    diff = compare_runs(good, bad)["toy"]
    assert diff["regressed"] == ["c0", "c1", "c2", "c3"] and diff["improved"] == []


def test_malformed_dataset_lines_are_named(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "input": 1, "expected": {}}\nnot json\n{"id": "a", "input": 1, "expected": {}}\n'
                    '{"input": 2, "expected": {}}\n', encoding="utf-8")
    with pytest.raises(DatasetError) as exc:
        load_cases(path)
    assert [p.split(":")[1] for p in exc.value.problems] == ["2", "3", "4"]


def test_a_suite_that_cannot_load_its_cases_does_not_end_the_run(tmp_path):
    class NoData(Toy):
        name = "nodata"

        def load_cases(self, ctx):
            raise ModuleNotFoundError("No module named 'missing'")

    run = run_all([NoData(cases()), Toy(cases())], CTX, tmp_path)
    assert run["suites"]["nodata"]["status"] == "error" and "missing" in run["suites"]["nodata"]["reason"]
    assert run["suites"]["toy"]["status"] == "ok"
    write_reports(tmp_path)  # reports render error entries too
