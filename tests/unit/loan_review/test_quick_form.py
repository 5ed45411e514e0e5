"""``puhui review --quick`` (issue #19): missing credit-report facts filled with the documented defaults."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.loan_review.test_ui_cli import _cli
from tools.credit.quick_form import QUICK_CREDIT_DEFAULTS, QuickCreditDefaults, fill_quick

ROOT = Path(__file__).resolve().parents[3]


def test_fill_quick_fills_only_what_is_missing_and_says_what():
    raw = {"owner": {"name": "王", "credit_report": {"overdue_count_24m": 2}}}
    out, filled = fill_quick(raw)
    assert out["owner"]["credit_report"]["overdue_count_24m"] == 2 and "overdue_count_24m" not in str(filled)
    assert set(filled) == {f"owner.credit_report.{k}" for k in QUICK_CREDIT_DEFAULTS.model_dump() if k != "overdue_count_24m"}
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


STAFF_KEY = "unit-staff-key-quick-19"


@pytest.fixture
def api(tmp_path, corpus):
    from fastapi.testclient import TestClient

    from app import create_app
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path / "var", corpus_dir=ROOT / "kb" / "corpus", api_keys=f"{STAFF_KEY}:staff:li")
    with TestClient(create_app(settings, with_ui=False), headers={"X-API-Key": STAFF_KEY}) as client:
        yield client


def test_defaults_live_in_one_pydantic_model():
    assert isinstance(QUICK_CREDIT_DEFAULTS, QuickCreditDefaults)
    assert QUICK_CREDIT_DEFAULTS.model_dump() == {"overdue_count_24m": 0, "max_overdue_days_24m": 0,
                                                  "current_overdue": False, "inquiries_3m": 0, "inquiries_6m": 0,
                                                  "existing_debt_wan": 0.0}
    out, filled = fill_quick({"owner": {"credit_report": {"inquiries_3m": 3, "max_overdue_days_24m": 20}}})
    report = out["owner"]["credit_report"]  # a default never contradicts a given fact
    assert report["inquiries_6m"] == 3 and report["overdue_count_24m"] == 1 and len(filled) == 4


def test_api_quick_review_fills_defaults_and_returns_a_normal_decision(api, app_of):
    raw = app_of("approve_danyang_eyewear")
    raw["owner"].pop("credit_report")
    assert api.post("/v1/loan/review", json=raw).status_code == 422  # the full route gets no defaults
    r = api.post("/v1/loan/review/quick", json=raw)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["decision"] == "approve" and body["thread_id"].startswith("loan-")
    assert set(body["defaults_filled"]) == {f"owner.credit_report.{k}" for k in QUICK_CREDIT_DEFAULTS.model_dump()}
    partial = app_of("approve_danyang_eyewear")
    partial["owner"]["credit_report"] = {"overdue_count_24m": 0, "inquiries_3m": 1}
    r = api.post("/v1/loan/review/quick", json=partial)
    assert r.status_code == 200 and "owner.credit_report.inquiries_3m" not in r.json()["defaults_filled"]


def test_api_quick_review_422_names_the_field(api, app_of):
    raw = app_of("approve_danyang_eyewear")
    raw["owner"].pop("credit_report")
    bad = {**raw, "owner": {**raw["owner"], "id_number": "123"}}
    r = api.post("/v1/loan/review/quick", json=bad)
    assert r.status_code == 422 and [f["field"] for f in r.json()["fields"]] == ["owner.id_number"]
    worse = {**raw, "owner": {**raw["owner"], "credit_report": {"inquiries_3m": -1}}}
    r = api.post("/v1/loan/review/quick", json=worse)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "owner.credit_report.inquiries_3m"
