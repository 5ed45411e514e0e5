"""Post-loan monitoring API on a real uvicorn server on 127.0.0.1 (the real composition root, no UI),
on the embedded SQLite state and on Postgres: run a month over a seeded book, list alerts, a loan's
timeline, accept/override with a comment, industry history; customers get 403, bad input 4xx."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from kb.corpus import load_corpus
from tests.integration.uvicorn_proc import free_port, start_uvicorn, stop_uvicorn
from tools.monitoring import book as book_mod

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
STAFF_KEY, CUSTOMER_KEY = "monitor-it-staff-key", "monitor-it-customer-key"
STAFF = {"X-API-Key": STAFF_KEY}


def make_app():
    """uvicorn factory (runs in the server process): settings from MON_IT_DATA_DIR / MON_IT_DATABASE_URL."""
    from app import create_app
    from core.settings import Settings

    settings = Settings(data_dir=Path(os.environ["MON_IT_DATA_DIR"]), corpus_dir=ROOT / "kb" / "corpus",
                        database_url=os.environ.get("MON_IT_DATABASE_URL", ""),
                        api_keys=f"{STAFF_KEY}:staff:mon_it,{CUSTOMER_KEY}:cust_mon_it")
    return create_app(settings, with_ui=False)


def test_monitoring_api(tmp_path, database_url):
    data = tmp_path / "var"
    corpus = load_corpus(ROOT / "kb" / "corpus")
    book = book_mod.synthetic_book(2000, {k: d.meta.seasonality for k, d in corpus.industries.items()}, seed=4)
    (data / "monitoring").mkdir(parents=True)
    (data / "monitoring" / "book.csv").write_text(book_mod.to_csv(book), encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    proc = start_uvicorn("tests.integration.test_monitoring_api:make_app", port,
                         {"MON_IT_DATA_DIR": str(data), "MON_IT_DATABASE_URL": database_url})
    try:
        r = httpx.get(f"{base}/loans/warnings", headers={"X-API-Key": CUSTOMER_KEY}, timeout=30)
        assert r.status_code == 403
        r = httpx.post(f"{base}/loans/monitor/run", json={"month": "2026-11"}, headers=STAFF, timeout=120)
        assert r.status_code == 200, r.text
        summary = r.json()["summary"]
        assert summary["loans"] == 2000 and sum(summary["counts"].values()) == 2000
        r = httpx.get(f"{base}/loans/warnings", params={"month": "2026-11", "level": "预警"}, headers=STAFF, timeout=30)
        body = r.json()
        assert r.status_code == 200 and body["warnings"] and {w["level"] for w in body["warnings"]} == {"预警"}
        assert sum(p["loans"] for p in body["portfolio"]) == 2000 - summary["counts"]["正常"]
        loan = body["warnings"][0]["loan_id"]
        r = httpx.post(f"{base}/loans/warnings/decision", headers=STAFF, timeout=30,
                       json={"month": "2026-11", "loan_id": loan, "decision": "override", "action": "转人工",
                             "comment": "客户来电说明情况"})
        assert r.status_code == 200 and r.json()["action"] == "转人工" and r.json()["reviewer"] == "staff:mon_it"
        tl = httpx.get(f"{base}/loans/{loan}/timeline", headers=STAFF, timeout=30).json()
        assert len(tl["months"]) == 13 and tl["warnings"][0]["month"] == "2026-11" and tl["decisions"]
        r = httpx.get(f"{base}/loans/warnings", params={"month": "2026-13"}, headers=STAFF, timeout=30)
        assert r.status_code == 422 and "month" in r.text
        r = httpx.post(f"{base}/loans/monitor/run", json={"month": "2025-01"}, headers=STAFF, timeout=30)
        assert r.status_code == 422 and r.json()["fields"][0]["field"] == "month"
        r = httpx.post(f"{base}/loans/warnings/decision", headers=STAFF, timeout=30,
                       json={"month": "2026-11", "loan_id": loan, "decision": "override", "action": "乱写",
                             "comment": "试试"})
        assert r.status_code == 422 and r.json()["fields"][0]["field"] == "action"
        hist = httpx.get(f"{base}/industries/yixing_zisha/history", headers=STAFF, timeout=30).json()
        assert hist[0]["version"] == 1 and hist[0]["author"] == "corpus"
    finally:
        stop_uvicorn(proc)
