"""CLI (typer) and API (FastAPI) front ends of the chain-map assistant, on the mini corpus."""

import json
import threading

import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from agents.chain_map.service import ChainMapService
from cli import chain_cmds
from server.api.chain import router
from server.ratelimit import RateLimiter
from server.security import ApiKeys

STAFF_KEY = "unit-staff-key-0001"


class FakeServices:
    """What the front ends use of core.services.Services."""

    def __init__(self, ctx):
        self._ctx, self.extras, self._lock = ctx, {}, threading.Lock()
        self.corpus, self.graph, self.llm, self.kb, self.embedder = ctx.corpus, ctx.graph, None, None, None

    def cached(self, name, build):
        return ChainMapService(self._ctx) if name == "chain_map" else build()


def _client(ctx):
    app = FastAPI()
    app.state.services = FakeServices(ctx)
    app.state.api_keys, app.state.rate_limiter = ApiKeys(f"{STAFF_KEY}:staff:unit"), RateLimiter(100_000)
    app.include_router(router)
    return TestClient(app, headers={"X-API-Key": STAFF_KEY})  # the chain map is a staff route


def test_api_map_ok_and_field_errors(ctx, eyewear_request):
    client = _client(ctx)
    body = {**eyewear_request, "transactions": [
        {"date": "2024-01-05", "amount": 52000, "direction": "in", "counterparty": "苏州视康眼镜店", "counterparty_industry": "眼镜零售"},
        {"date": "2024-01-06", "amount": 9000, "direction": "out", "counterparty": "泰州化工", "counterparty_industry": "精细化工"}]}
    r = client.post("/v1/chain/map", json=body)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["placement"]["segment_id"] == "danyang_eyewear" and data["position"]["stage"] == "midstream"
    assert len(data["screening"]["counts"]) == 9 and "产业链地图报告：丹阳市明瑞眼镜有限公司" in data["report_markdown"]
    bad = client.post("/v1/chain/map", json={"enterprise": {"name": "x", "business_scope": "眼镜制造", "location": "火星"},
                                             "transactions": [{"date": "bad", "amount": 1, "direction": "in", "counterparty": "a"}]})
    assert bad.status_code == 422
    fields = {f["field"] for f in bad.json()["fields"]}
    assert fields == {"enterprise.location", "transactions[0].date"}
    shape = client.post("/v1/chain/map", json={"enterprise": {"business_scope": "眼镜制造"}})
    assert shape.status_code == 422 and "name" in shape.text


def test_api_brief_and_unknown_segment(ctx):
    client = _client(ctx)
    r = client.get("/v1/chain/brief/danyang_eyewear")
    assert r.status_code == 200 and "## 十、资料来源" in r.json()["markdown"]
    missing = client.get("/v1/chain/brief/danyang_eyeware")
    assert missing.status_code == 404 and "danyang_eyewear" in missing.json()["nearest"]


def _cli(ctx, monkeypatch):
    monkeypatch.setattr(chain_cmds, "_service", lambda get_settings: ChainMapService(ctx))
    app = typer.Typer()
    chain_cmds.register(app, lambda: None)
    return app


def test_cli_map_report_json_and_errors(ctx, eyewear_request, tmp_path, monkeypatch):
    app = _cli(ctx, monkeypatch)
    ent = tmp_path / "ent.json"
    ent.write_text(json.dumps(eyewear_request["enterprise"], ensure_ascii=False), encoding="utf-8")
    txns = tmp_path / "t.csv"
    txns.write_text("日期,金额,方向,对方户名,对方行业\n2024-01-05,52000,收,视康眼镜店,眼镜零售\n", encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(app, ["map", str(ent), "--txns", str(txns), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["placement"]["segment_id"] == "danyang_eyewear"
    r = runner.invoke(app, ["map", str(ent)])
    assert r.exit_code == 0 and "产业链地图报告" in r.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "x", "business_scope": "", "location": "火星"}), encoding="utf-8")
    r = runner.invoke(app, ["map", str(bad)])
    assert r.exit_code == 2 and "enterprise.business_scope" in r.output and "enterprise.location" in r.output
    r = runner.invoke(app, ["map", str(tmp_path / "missing.json")])
    assert r.exit_code == 2 and "无法读取" in r.output


def test_cli_brief(ctx, tmp_path, monkeypatch):
    app = _cli(ctx, monkeypatch)
    out = tmp_path / "brief.md"
    r = CliRunner().invoke(app, ["brief", "yangchenghu_crab", "--out", str(out)])
    assert r.exit_code == 0 and "行业研究简报：阳澄湖大闸蟹养殖" in out.read_text(encoding="utf-8")
    r = CliRunner().invoke(app, ["brief", "crab"])
    assert r.exit_code == 2 and "未知的细分行业" in r.output
