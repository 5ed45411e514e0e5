"""The 贷款审查 tab's functions (no browser) and the CLI commands, over a Services-like object."""

import json
from types import SimpleNamespace

import typer
from typer.testing import CliRunner

from core.settings import Settings
from server.ui import loan_tab
from tools.credit.quick_form import QUICK_CREDIT_DEFAULTS


def _services(corpus, tmp_path):
    settings = Settings(data_dir=tmp_path / "var")
    return SimpleNamespace(settings=settings, corpus=corpus, checkpointer_path=settings.checkpoint_db)


def test_form_example_reviews_and_charts(corpus, tmp_path):
    services = _services(corpus, tmp_path)
    raw = loan_tab.form_to_application(dict(loan_tab.EXAMPLE))
    summary, fig, reasons, memo, thread = loan_tab.run_review(services, raw)
    assert "同意授信" in summary and thread.startswith("loan-") and "授信审查报告" in memo
    assert fig is not None and len(fig.axes[0].patches) >= 10
    assert all(len(r) == 2 for r in reasons)


def test_form_errors_are_shown_per_field(corpus, tmp_path):
    services = _services(corpus, tmp_path)
    raw = loan_tab.form_to_application({**loan_tab.EXAMPLE, "id_number": "123", "amount": None})
    summary, fig, *_ = loan_tab.run_review(services, raw)
    assert "owner.id_number" in summary and "loan.requested_amount_wan" in summary and fig is None


NO_REPORT = dict.fromkeys(("overdue", "max_days", "inq3", "inq6", "debt"), None) | {"current": False}


def test_quick_mode_reviews_without_a_credit_report_and_lists_the_defaults(corpus, tmp_path):
    services = _services(corpus, tmp_path)
    raw = loan_tab.form_to_application({**loan_tab.EXAMPLE, **NO_REPORT}, quick=True)
    assert raw["owner"]["credit_report"] == {}
    summary, fig, reasons, memo, thread = loan_tab.run_review(services, raw, quick=True)
    assert "同意授信" in summary and thread.startswith("loan-") and fig is not None
    for name in QUICK_CREDIT_DEFAULTS.model_dump():
        assert f"`owner.credit_report.{name}`" in summary
    assert "（近3月查询）= 0" in summary and "（当前有逾期）= False" in summary and "须核实" in summary
    # partial report: what staff entered is kept and not listed
    partial = loan_tab.form_to_application({**loan_tab.EXAMPLE, **NO_REPORT, "inq3": 2}, quick=True)
    summary, *_ = loan_tab.run_review(services, partial, quick=True)
    assert "owner.credit_report.inquiries_3m" not in summary and "owner.credit_report.inquiries_6m" in summary
    # the full form without quick mode still lists nothing
    summary, *_ = loan_tab.run_review(services, loan_tab.form_to_application(dict(loan_tab.EXAMPLE)))
    assert "默认值" not in summary


def test_quick_mode_bad_fields_are_named_not_raised(corpus, tmp_path):
    services = _services(corpus, tmp_path)
    raw = loan_tab.form_to_application({**loan_tab.EXAMPLE, **NO_REPORT, "inq3": -1, "inq6": 1.5}, quick=True)
    summary, fig, reasons, memo, thread = loan_tab.run_review(services, raw, quick=True)
    assert summary.startswith("### 申请资料有误") and fig is None and thread == ""
    assert "owner.credit_report.inquiries_3m" in summary and "owner.credit_report.inquiries_6m" in summary
    upload = tmp_path / "no-report.json"
    upload.write_text(json.dumps({**raw, "owner": {**raw["owner"], "credit_report": None}}), encoding="utf-8")
    summary, *_ = loan_tab.review_from_upload(services, str(upload), quick=True)
    assert "同意授信" in summary and "owner.credit_report.existing_debt_wan" in summary


def test_pending_queue_and_reviewer_actions(corpus, tmp_path, app_of):
    services = _services(corpus, tmp_path)
    *_, thread = loan_tab.run_review(services, app_of("refer_rf01_inquiries_4"))
    rows = loan_tab.pending_rows(services)
    assert [r[0] for r in rows] == [thread] and "RF01" in rows[0][4]
    msg, memo, rows = loan_tab.resume_review(services, thread, "approve", "王审查", "")
    assert "审查意见" in msg and rows  # a comment is required; still pending
    msg, memo, rows = loan_tab.resume_review(services, thread, "approve", "王审查", "查询为比价所致，同意")
    assert "同意授信" in msg and "王审查" in memo and rows == []
    msg, *_ = loan_tab.resume_review(services, thread, "decline", "王审查", "重复提交")
    assert "not waiting" in msg


def _cli(corpus, tmp_path):
    from cli.loan_cmds import register

    app = typer.Typer()
    settings = Settings(data_dir=tmp_path / "var")
    register(app, lambda: settings)
    return app, settings


def test_cli_review_json_and_audit_verify(corpus, tmp_path, app_of):
    app, settings = _cli(corpus, tmp_path)
    f = tmp_path / "app.json"
    f.write_text(json.dumps(app_of("decline_cr06_inquiries_3m_7"), ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["review", str(f), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["decision"] == "decline" and "CR06_INQUIRIES_3M" in out["rule_ids"]
    res = runner.invoke(app, ["audit", "verify"])
    assert res.exit_code == 0 and "1 条记录" in res.output
    import sqlite3

    con = sqlite3.connect(settings.audit_db)
    con.executescript("DROP TRIGGER audit_no_update; UPDATE audit_log SET decision='approve';")
    con.close()
    res = runner.invoke(app, ["audit", "verify"])
    assert res.exit_code == 1


def test_cli_bad_input_exits_2_with_a_message(corpus, tmp_path, app_of):
    app, _ = _cli(corpus, tmp_path)
    runner = CliRunner()
    f = tmp_path / "bad.json"
    f.write_text("{not json", encoding="utf-8")
    assert runner.invoke(app, ["review", str(f)]).exit_code == 2
    raw = app_of("approve_pharmacy")
    raw["owner"]["id_number"] = "1"
    f.write_text(json.dumps(raw), encoding="utf-8")
    res = runner.invoke(app, ["review", str(f)])
    assert res.exit_code == 2 and "owner.id_number" in res.output
    assert runner.invoke(app, ["review", str(tmp_path / "none.json")]).exit_code == 2


def test_cli_psi_on_a_csv_batch(corpus, tmp_path):
    from tools.credit.policy import CreditPolicy
    from tools.credit.train import simulated_frame

    app, _ = _cli(corpus, tmp_path)
    frame = simulated_frame(corpus, CreditPolicy.from_doc(corpus.policy("credit")), 300, 1)
    csv = tmp_path / "batch.csv"
    frame.X[frame.passed].to_csv(csv, index=False)
    res = CliRunner().invoke(app, ["scorecard", "psi", str(csv)])
    assert res.exit_code == 0, res.output
    assert "PSI =" in res.output and "CSI" in res.output
    assert CliRunner().invoke(app, ["scorecard", "psi"]).exit_code == 2  # neither a file nor --synthetic-shift


def test_tab_builds_inside_blocks(corpus, tmp_path):
    import gradio as gr

    services = _services(corpus, tmp_path)
    with gr.Blocks() as demo:
        with gr.Tab("贷款审查"):
            loan_tab.build_tab(services)
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    assert {"loan-submit", "loan-summary", "loan-memo", "loan-queue", "loan-thread", "loan-quick"} <= ids
