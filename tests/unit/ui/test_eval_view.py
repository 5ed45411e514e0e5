"""The pure functions behind the 评测 tab, on tiny run folders written by the real runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.run import EvalContext, run_all
from eval.schema import EvalCase
from eval.suite import Outcome, Suite
from server.ui import eval_view as view


class Echo(Suite):
    name = "echo"
    dataset = ""

    def __init__(self, broken: bool = False):
        self.broken = broken

    def load_cases(self, ctx):
        return [EvalCase(id=f"c{i}", input={"q": f"问题{i}"}, expected={"answer": i},
                         tags={"category": "cat" + str(i % 2), "variant": "standard"}) for i in range(4)]

    def run_case(self, case, sut):
        if case.id == "c3":
            raise RuntimeError("kaboom")
        ok = not (self.broken and case.id == "c1")
        return Outcome(passed=ok, scores={"hit": float(ok)}, output={"got": case.input["q"]}, trace=["a", "b"])


CTX = EvalContext(services=None, llm_mode="none", shared_data_dir=Path("/nonexistent"))


@pytest.fixture
def eval_dir(tmp_path):
    run_all([Echo()], CTX, tmp_path / "eval" / "20260101-000000")
    run_all([Echo(broken=True)], CTX, tmp_path / "eval" / "20260102-000000")
    (tmp_path / "eval" / "not-a-run").mkdir()
    return tmp_path / "eval"


def test_runs_are_listed_newest_first_and_folders_without_run_json_ignored(eval_dir):
    names = view.list_runs(eval_dir)
    assert set(names) == {"20260101-000000", "20260102-000000"}
    assert names[0] == "20260102-000000"  # written last
    assert view.list_runs(eval_dir / "missing") == []


def test_resolve_run_refuses_escapes_and_missing_runs(eval_dir):
    assert view.resolve_run(eval_dir, "20260101-000000").name == "20260101-000000"
    for bad in ("../eval/20260101-000000", "", None, "not-a-run", "nope"):
        with pytest.raises(view.ViewError):
            view.resolve_run(eval_dir, bad)


def test_summary_rows_show_counts_and_metrics(eval_dir):
    run = view.load_run_json(eval_dir / "20260102-000000")
    rows = view.summary_rows(run)
    assert rows == [["echo", "ok", 4, 2, 1, rows[0][5]]]
    assert "pass_rate=0.500" in rows[0][5] and "hit=0.667" in rows[0][5]
    assert view.ok_suites(run) == ["echo"]
    assert "LLM 模式 **none**" in view.run_meta_text(run)


def test_skipped_suite_shows_its_reason():
    run = {"suites": {"ext": {"status": "skipped", "reason": "data absent at /x"},
                      "bad": {"status": "error", "reason": "malformed dataset", "problems": ["a.jsonl:3: id"]}}}
    rows = view.summary_rows(run)
    assert rows[0][5] == "data absent at /x"
    assert rows[1][5] == "malformed dataset：a.jsonl:3: id"
    assert view.ok_suites(run) == []


def test_failed_rows_put_errors_first(eval_dir):
    results = view.suite_results(eval_dir / "20260102-000000", "echo")
    rows = view.failed_rows(results)
    assert [r[0] for r in rows] == ["c3", "c1"]
    assert rows[0][4].startswith("错误：RuntimeError: kaboom")
    assert rows[1][1:4] == ["cat1", "standard", "normal"] and rows[1][4] == "hit=0.000"


def test_case_detail_has_input_expected_output_and_trace(eval_dir):
    results = view.suite_results(eval_dir / "20260102-000000", "echo")
    md = view.case_detail(results, "echo", "c1", inputs={"c1": {"q": "问题1"}})
    assert "【未通过】" in md and '"q": "问题1"' in md and '"answer": 1' in md and '"got": "问题1"' in md
    assert "a → b" in md
    crashed = view.case_detail(results, "echo", "c3", inputs={})
    assert "kaboom" in crashed
    assert "点击" in view.case_detail(results, "echo", None)
    with pytest.raises(view.ViewError, match="没有用例"):
        view.case_detail(results, "echo", "zzz", inputs={})
    with pytest.raises(view.ViewError):
        view.suite_results(eval_dir / "20260102-000000", "other")


def test_long_outputs_are_cut_in_the_drill_down():
    from eval.suite import CaseResult

    big = CaseResult(id="x", suite="s", passed=False, output={"text": "字" * 10000})
    md = view.case_detail([big], "s", "x", inputs={})
    assert "截断" in md and len(md) < 6000


def test_gate_text_against_a_baseline(eval_dir, tmp_path):
    from eval.compare import load_run, write_baseline

    baselines = tmp_path / "baselines"
    write_baseline(load_run(eval_dir / "20260101-000000"), "echo", baselines)
    good = view.gate_text(load_run(eval_dir / "20260101-000000"), baselines)
    bad = view.gate_text(load_run(eval_dir / "20260102-000000"), baselines)
    assert "【通过】" in good and "【未通过】" in bad and "echo.pass_rate" in bad
    assert view.gate_text({"suites": {}}, baselines).startswith("【提示】")


def test_unreadable_run_json_is_a_readable_error(tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "run.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(view.ViewError, match="run.json"):
        view.load_run_json(tmp_path / "r")
    (tmp_path / "r" / "run.json").write_text(json.dumps({"meta": {}}), encoding="utf-8")
    with pytest.raises(view.ViewError, match="suites"):
        view.load_run_json(tmp_path / "r")


def test_run_suites_writes_a_run_with_reports(tmp_path):
    class Settings:
        llm_provider = "none"
        shared_data_dir = Path("/nonexistent")

    class Services:
        settings = Settings()

    seen = []
    out = view.run_suites(Services(), tmp_path, view.new_run_name("20260103-000000"), suites=[Echo()],
                          on_progress=lambda s, d, t: seen.append((s, d, t)))
    assert out.name == "20260103-000000-ui"
    assert (out / "report.html").is_file() and view.list_runs(tmp_path) == ["20260103-000000-ui"]
    assert seen[-1] == ("echo", 4, 4)
    with pytest.raises(view.ViewError):
        view.run_suites(Services(), tmp_path, "x", suites=[])


def test_chart_images_come_from_the_report_chart_function(eval_dir):
    from eval.report import suite_chart_images

    images = suite_chart_images("echo", view.suite_results(eval_dir / "20260101-000000", "echo"))
    assert [t for _, t in images] == ["score distribution", "pass rate by category", "latency histogram"]
    assert all(img.size[0] > 100 for img, _ in images)
