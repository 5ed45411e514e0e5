"""Front ends of the monitoring assistant: CLI (typer), the staff-only router, workbench handlers."""

from __future__ import annotations

import threading

import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli import industry_cmds, monitor_cmds
from server.api.monitoring import router
from server.ratelimit import RateLimiter
from server.security import ApiKeys
from server.ui import industry_tab, monitoring_tab

STAFF, CUSTOMER = "unit-staff-key-0015", "unit-customer-key-0015"


class FakeServices:
    """What the front ends use of core.services.Services: ``cached`` hands out the test's service."""

    def __init__(self, svc):
        self.svc, self.extras, self._lock = svc, {}, threading.Lock()

    def cached(self, name, build):
        assert name == "monitoring"
        return self.svc


def _client(svc, key=STAFF):
    app = FastAPI()
    app.state.services = FakeServices(svc)
    app.state.api_keys = ApiKeys(f"{STAFF}:staff:li,{CUSTOMER}:c001")
    app.state.rate_limiter = RateLimiter(100_000)
    app.include_router(router)
    return TestClient(app, headers={"X-API-Key": key})


def test_api_warnings_decision_and_errors(svc):
    client = _client(svc)
    assert client.post("/v1/loans/monitor/run", json={"month": "2026-11"}).status_code == 409  # no book yet
    svc.save_book(svc.synthetic_book(300, "2026-11", seed=2))
    r = client.post("/v1/loans/monitor/run", json={"month": "2026-11"})
    assert r.status_code == 200 and r.json()["summary"]["loans"] == 300
    r = client.get("/v1/loans/warnings", params={"month": "2026-11", "level": "高危"})
    assert r.status_code == 200
    body = r.json()
    assert body["warnings"] and {w["level"] for w in body["warnings"]} == {"高危"} and body["portfolio"]
    loan = body["warnings"][0]["loan_id"]
    r = client.post("/v1/loans/warnings/decision", json={"month": "2026-11", "loan_id": loan, "decision": "accept",
                                                         "comment": "同意"})
    assert r.status_code == 200 and r.json()["reviewer"] == "staff:li"
    assert client.get(f"/v1/loans/{loan}/timeline").json()["decisions"][0]["decision"] == "accept"
    bad = client.get("/v1/loans/warnings", params={"month": "2026-13"})
    assert bad.status_code == 422 and "month" in bad.text
    r = client.post("/v1/loans/warnings/decision", json={"month": "2026-11", "loan_id": "NOPE", "decision": "accept",
                                                         "comment": "同意"})
    assert r.status_code == 404 and r.json()["detail"]["fields"][0]["field"] == "loan_id"
    assert client.get("/v1/industries/nowhere/history").status_code == 404
    assert client.get("/v1/industries/yixing_zisha/history").json()[0]["version"] == 1
    assert _client(svc, CUSTOMER).get("/v1/loans/warnings").status_code == 403


def _cli(svc):
    app = typer.Typer()
    app.command("noop")(lambda: None)  # keep typer in multi-command mode
    industry_cmds.register(app, lambda: None)
    monitor_cmds.register(app, lambda: None)
    return app


def test_cli_commands(svc, note_text, tmp_path, monkeypatch):
    monkeypatch.setattr(industry_cmds, "service", lambda get_settings: svc)
    monkeypatch.setattr(monitor_cmds, "service", lambda get_settings: svc)
    app, runner = _cli(svc), CliRunner()
    note = tmp_path / "note.md"
    note.write_text(note_text, encoding="utf-8")
    r = runner.invoke(app, ["industry", "note", "add", str(note), "--by", "staff:zhang"])
    assert r.exit_code == 0 and "已挂接" in r.output
    note.write_text(note_text.replace("segment: yixing_zisha", "segment: nowhere"), encoding="utf-8")
    r = runner.invoke(app, ["industry", "note", "add", str(note)])
    assert r.exit_code == 2 and "segment: 未知行业" in r.output and "Traceback" not in r.output
    assert runner.invoke(app, ["industry", "history", "yixing_zisha"]).exit_code == 0
    r = runner.invoke(app, ["industry", "diff", "yixing_zisha", "--since", "2026/01/01"])
    assert r.exit_code == 2 and "since" in r.output
    assert "没有变化" in runner.invoke(app, ["industry", "diff", "yixing_zisha", "--since", "2026-06-01"]).output
    csv = tmp_path / "ind.csv"
    csv.write_text("segment,month,series,value\n" + "".join(f"yixing_zisha,2026-{m:02d},order_volume,{v}\n" for m, v in
                   enumerate([100, 101, 99, 100, 102, 98, 100, 50], 1)), encoding="utf-8")
    r = runner.invoke(app, ["industry", "indicators", str(csv)])
    assert r.exit_code == 0 and "收紧" in r.output
    assert runner.invoke(app, ["monitor", "run", "--month", "2026-11"]).exit_code == 2  # no book
    assert runner.invoke(app, ["monitor", "book", "generate", "--n", "200"]).exit_code == 0
    r = runner.invoke(app, ["monitor", "run", "--month", "2026-11"])
    assert r.exit_code == 0 and "200 笔" in r.output
    assert runner.invoke(app, ["monitor", "run", "--month", "11/2026"]).exit_code == 2
    r = runner.invoke(app, ["monitor", "decide", "NOPE", "--month", "2026-11", "--comment", "核实"])
    assert r.exit_code == 2 and "NOPE" in r.output


def test_workbench_handlers(svc, note_text):
    services = FakeServices(svc)
    assert "错误" in monitoring_tab.run_month(services, "2026-11")  # no book
    svc.save_book(svc.synthetic_book(300, "2026-11", seed=2))
    assert "300 笔" in monitoring_tab.run_month(services, "2026-11")
    table = monitoring_tab.portfolio(services, "2026-11")
    assert list(table.columns) == ["行业", "关注", "预警", "高危"] and table[["关注", "预警", "高危"]].to_numpy().sum() > 0
    rows = monitoring_tab.warning_rows(services, "2026-11", "预警", "")
    assert rows and all(r[2] == "预警" for r in rows)
    months, notes = monitoring_tab.timeline(services, rows[0][0])
    assert len(months) == 13 and "预警" in notes
    assert "错误" in monitoring_tab.decide(services, "2026-11", rows[0][0], "", "", "staff:li")
    assert "已写入审计链" in monitoring_tab.decide(services, "2026-11", rows[0][0], "催收", "改为催收", "staff:li")
    msg, pid = industry_tab.add_note(services, note_text, "staff:zhang")
    assert "已挂接" in msg and pid == ""
    assert "纪要有误" in industry_tab.add_note(services, "随便写写", "staff:zhang")[0]
    assert "| v1 |" in industry_tab.history(services, "yixing_zisha", "")
    assert "错误" in industry_tab.history(services, "yixing_zisha", "昨天")
    assert "行业跟踪月报" in industry_tab.digest(services, "2026-11")
    assert "没有待处理" in industry_tab.decide(services, "", True, "", "staff:li")


def test_cli_book_load_with_statements(svc, tmp_path, monkeypatch):
    from tools.monitoring import book as book_mod, statements

    monkeypatch.setattr(monitor_cmds, "service", lambda get_settings: svc)
    app, runner = _cli(svc), CliRunner()
    bk = svc.synthetic_book(200, "2026-11", seed=4)
    (tmp_path / "book.csv").write_text(book_mod.to_csv(bk), encoding="utf-8")
    good = statements.to_csv(bk.statements)
    (tmp_path / "st.csv").write_text(good, encoding="utf-8")
    r = runner.invoke(app, ["monitor", "book", "load", str(tmp_path / "book.csv"), "--statements", str(tmp_path / "st.csv")])
    assert r.exit_code == 0 and f"流水 {len(bk.statements)} 笔" in r.output, r.output
    svc.run("2026-11")
    flagged = [w for w in svc.warnings(month="2026-11", limit=500) if "M06" in w.reasons]
    assert len(flagged) == int(bk.truth["chain_flag"].sum())  # the same patterns found from the loaded file
    (tmp_path / "bad.csv").write_text(good.replace(",in,", ",sideways,", 1), encoding="utf-8")
    r = runner.invoke(app, ["monitor", "book", "load", str(tmp_path / "book.csv"), "--statements", str(tmp_path / "bad.csv")])
    assert r.exit_code == 2 and "direction: 第" in r.output and "Traceback" not in r.output
