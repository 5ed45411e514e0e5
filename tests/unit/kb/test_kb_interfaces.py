"""The thin interfaces: ``puhui ingest`` / ``puhui search`` and ``POST /v1/kb/search``."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli import kb_cmds
from core.settings import Settings
from kb.service import KnowledgeBase
from server.api import kb as kb_api
from server.ratelimit import RateLimiter
from server.security import ApiKeys

STAFF_KEY = "unit-staff-key-0001"


@pytest.fixture(scope="module")
def cli(tmp_path_factory, write_corpus):
    root = tmp_path_factory.mktemp("cli")
    settings = Settings(corpus_dir=write_corpus(root / "corpus"), data_dir=root / "var")
    app = typer.Typer()
    kb_cmds.register(app, lambda: settings)
    return app, settings


def _run(app, *args):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_cli_ingest_and_search(cli):
    app, settings = cli
    code, out = _run(app, "search", "银行卡丢了怎么办")
    assert code == 1 and "puhui ingest" in out  # not built yet: explained, no traceback
    code, out = _run(app, "ingest")
    assert code == 0 and "新增文件" in out and "Traceback" not in out
    assert (settings.index_dir / "chroma").is_dir()
    result = CliRunner().invoke(app, ["search", "銀行卡丟了怎麼辦", "--json", "--k", "2"])
    assert result.exit_code == 0 and "加载模型…" in result.stderr  # issue #19: said on stderr, stdout stays JSON
    passages = json.loads(result.stdout)
    assert len(passages) == 2 and passages[0]["faq_id"] == "faq_card_lost" and passages[0]["answer"]
    code, out = _run(app, "search", "丹阳 镜片", "--type", "industry", "--industry", "danyang_eyewear")
    assert code == 0 and "丹阳眼镜" in out
    code, out = _run(app, "ingest")
    assert code == 0 and "Traceback" not in out


@pytest.mark.parametrize("args,message", [
    (("search", "   "), "查询不能为空"),
    (("search", "x" * 501), "查询过长"),
    (("search", "贷款", "--type", "news"), "--type"),
    (("search", "贷款", "--k", "0"), "--k"),
    (("ingest", "--corpus", "/no/such/folder"), "目录不存在"),
])
def test_cli_bad_input_exits_2(cli, args, message):
    code, out = _run(cli[0], *args)
    assert code == 2 and message in out and "Traceback" not in out


@pytest.fixture(scope="module")
def client(tmp_path_factory, e5, write_corpus):
    root = tmp_path_factory.mktemp("api")
    kb = KnowledgeBase(index_dir=root / "index", corpus_dir=write_corpus(root / "corpus"), embedder=e5)
    app = FastAPI()
    app.include_router(kb_api.router)
    app.state.services = SimpleNamespace(kb=kb)
    app.state.api_keys, app.state.rate_limiter = ApiKeys(f"{STAFF_KEY}:staff:unit"), RateLimiter(100_000)
    with TestClient(app, headers={"X-API-Key": STAFF_KEY}) as c:  # KB search is a staff route
        yield c, kb


def test_api_search(client):
    c, kb = client
    assert c.post("/v1/kb/search", json={"query": "银行卡丢了"}).status_code == 503  # index not built
    kb.ingest()
    resp = c.post("/v1/kb/search", json={"query": "公司开户需要什么", "k": 3, "type": "faq"})
    assert resp.status_code == 200
    body = resp.json()
    assert len(body) == 3 and body[0]["faq_id"] == "faq_open_account" and {p["doc_type"] for p in body} == {"faq"}
    resp = c.post("/v1/kb/search", json={"query": "资金", "industry": "yixing_teapot"})
    assert resp.status_code == 200 and {p["industry_id"] for p in resp.json()} == {"yixing_teapot"}


@pytest.mark.parametrize("payload,field", [
    ({"query": ""}, "query"), ({"query": "   "}, "query"), ({"query": "x" * 501}, "query"),
    ({"query": "贷款", "k": 0}, "k"), ({"query": "贷款", "k": 51}, "k"),
    ({"query": "贷款", "type": "news"}, "type"), ({"query": "贷款", "industry": "Bad Id!"}, "industry"),
    ({}, "query"),
])
def test_api_rejects_bad_input_naming_the_field(client, payload, field):
    resp = client[0].post("/v1/kb/search", json=payload)
    assert resp.status_code == 422
    assert any(err["loc"][-1] == field for err in resp.json()["detail"])
