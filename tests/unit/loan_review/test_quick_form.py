"""``puhui review --quick`` (issue #19): missing credit-report facts filled with the documented defaults."""

import json

from typer.testing import CliRunner

from tests.unit.loan_review.test_ui_cli import _cli
from tools.credit.quick_form import QUICK_CREDIT_DEFAULTS, fill_quick


def test_fill_quick_fills_only_what_is_missing_and_says_what():
    raw = {"owner": {"name": "王", "credit_report": {"overdue_count_24m": 2}}}
    out, filled = fill_quick(raw)
    assert out["owner"]["credit_report"]["overdue_count_24m"] == 2 and "overdue_count_24m" not in str(filled)
    assert set(filled) == {f"owner.credit_report.{k}" for k in QUICK_CREDIT_DEFAULTS if k != "overdue_count_24m"}
    assert raw["owner"]["credit_report"] == {"overdue_count_24m": 2}  # the input is not changed
    assert fill_quick([1, 2]) == ([1, 2], []) and fill_quick({"owner": "x"}) == ({"owner": "x"}, [])


def test_cli_quick_review_of_an_application_without_a_credit_report(corpus, tmp_path, app_of):
    app, _ = _cli(corpus, tmp_path)
    raw = app_of("approve_danyang_eyewear")
    raw["owner"].pop("credit_report")
    f = tmp_path / "app.json"
    f.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["review", str(f)]).exit_code == 2  # a real review needs the report
    res = runner.invoke(app, ["review", str(f), "--quick", "--json"])
    assert res.exit_code == 0, res.output
    assert "owner.credit_report.existing_debt_wan" in res.output and "须核实" in res.output
