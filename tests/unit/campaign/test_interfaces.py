"""The front ends of the campaign service: the CLI, the staff-only API and the workbench tab handler."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pandas as pd
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli import campaign_cmds
from server.api.campaign import router
from server.ratelimit import RateLimiter
from server.security import ApiKeys
from server.ui.campaign_tab import plan_campaign

STAFF_KEY, CUSTOMER_KEY = "unit-staff-key-0001", "unit-customer-key-01"


class FakeServices:
    def __init__(self, service):
        self.extras, self._lock, self._service = {}, threading.Lock(), service
        self.settings = SimpleNamespace(campaign_api_max_size=20000)

    def cached(self, name, build):
        assert name == "campaign"
        return self._service


def test_api_plans_and_names_bad_fields(service):
    app = FastAPI()
    app.state.services = FakeServices(service)
    app.state.api_keys = ApiKeys(f"{STAFF_KEY}:staff:unit,{CUSTOMER_KEY}:c1")
    app.state.rate_limiter = RateLimiter(100_000)
    app.include_router(router)
    client = TestClient(app, headers={"X-API-Key": STAFF_KEY})
    r = client.post("/v1/campaigns", json={"budget_yuan": 3000, "population": {"size": 1500, "seed": 5}, "top": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["summary"]["spend_yuan"] <= 3000 and 0 < len(body["targets"]) <= 5
    assert len(body["targets"][0]["reasons"]) == 3
    bad = client.post("/v1/campaigns", json={"budget_yuan": 100, "products": ["prod_nope"]})
    assert bad.status_code == 422 and [f["field"] for f in bad.json()["fields"]] == ["products"]
    neg = client.post("/v1/campaigns", json={"budget_yuan": -1})
    assert neg.status_code == 422 and "budget_yuan" in neg.text
    path = client.post("/v1/campaigns", json={"budget_yuan": 1, "population": {"source": "file", "path": "/etc/x"}})
    assert path.status_code == 422 and path.json()["fields"][0]["field"] == "population.source"
    big = client.post("/v1/campaigns", json={"budget_yuan": 1, "population": {"size": 20001}})
    assert big.status_code == 422 and big.json()["fields"][0]["field"] == "population.size"
    customer = client.post("/v1/campaigns", json={"budget_yuan": 1}, headers={"X-API-Key": CUSTOMER_KEY})
    assert customer.status_code == 403


def test_tab_handler_returns_charts_rows_and_csv(service):
    services = FakeServices(service)
    seen = []
    summary, lift, seg, spend, rows, csv, brief = plan_campaign(
        services, ["prod_working_capital"], 2000, ["phone", "sms"], 1500, 5,
        progress=lambda f, desc=None: seen.append(desc))
    assert "预期价值" in summary and lift is not None and seg is not None and spend is not None
    assert rows and all(r[3] == "prod_working_capital" and r[4] in ("phone", "sms") for r in rows)
    assert len(pd.read_csv(csv)) >= len(rows) and "营销获客活动简报" in brief
    assert "训练响应模型" in seen and "预算分配" in seen  # the progress bar moved through the steps
    assert plan_campaign(services, [], 100, [], 20001, 5)[0].startswith("请修改：population.size")
    msg, *rest = plan_campaign(services, ["prod_nope"], -5, [], 1500, 5)
    assert msg.startswith("请修改") and "budget_yuan" in msg and rest[3] == [] and rest[4] is None


def test_cli_generate_then_build_from_files(service, tmp_path, monkeypatch):
    monkeypatch.setattr(campaign_cmds.CampaignService, "create", classmethod(lambda cls, corpus: service))
    monkeypatch.setattr(campaign_cmds, "load_corpus", lambda path: None)
    app = typer.Typer()
    app.command()(lambda: None)  # a second command keeps `campaign` a sub-command group
    settings = SimpleNamespace(corpus_dir=tmp_path, data_dir=tmp_path / "var")
    campaign_cmds.register(app, lambda: settings)
    runner = CliRunner()
    base, hist = tmp_path / "base.parquet", tmp_path / "hist.csv"
    r = runner.invoke(app, ["campaign", "generate", str(base), "--history-out", str(hist), "--size", "1500", "--seed", "9"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["campaign", "build", "--budget", "2000", "--base", str(base), "--history", str(hist),
                            "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    (folder,) = (tmp_path / "out").iterdir()
    assert (folder / "targets.csv").is_file() and (folder / "lift.png").is_file()
    # a base with a missing column: the field is named, exit 2, nothing written
    pd.read_parquet(base).drop(columns=["owner_age"]).to_csv(tmp_path / "bad.csv", index=False)
    r = runner.invoke(app, ["campaign", "run", "--budget", "2000", "--base", str(tmp_path / "bad.csv"), "--history",
                            str(hist), "--out", str(tmp_path / "out2")])
    assert r.exit_code == 2 and "population.owner_age" in r.output and not (tmp_path / "out2").exists()
    r = runner.invoke(app, ["campaign", "build", "--budget", "-3"])
    assert r.exit_code == 2 and "budget_yuan" in r.output
