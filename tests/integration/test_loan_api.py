"""Loan-review API on a real uvicorn server on 127.0.0.1: review, refer, restart, resume, 404/409/422,
on the embedded SQLite state and on Postgres (the same test, ``database_url``). The server runs the
real composition root (app.create_app, no UI); loan review is for staff keys only.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.integration.uvicorn_proc import free_port, start_uvicorn, stop_uvicorn

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
STAFF_KEY, CUSTOMER_KEY = "loan-it-staff-key", "loan-it-customer-key"
STAFF = {"X-API-Key": STAFF_KEY}


def make_app():
    """uvicorn factory (runs in the server process): settings from LOAN_IT_DATA_DIR / LOAN_IT_DATABASE_URL."""
    from app import create_app
    from core.settings import Settings

    settings = Settings(data_dir=Path(os.environ["LOAN_IT_DATA_DIR"]), corpus_dir=ROOT / "kb" / "corpus",
                        database_url=os.environ.get("LOAN_IT_DATABASE_URL", ""),
                        api_keys=f"{STAFF_KEY}:staff:loan_it,{CUSTOMER_KEY}:cust_loan_it")
    return create_app(settings, with_ui=False)


def _start(data_dir: Path, port: int, database_url: str) -> subprocess.Popen:
    return start_uvicorn("tests.integration.test_loan_api:make_app", port,
                         {"LOAN_IT_DATA_DIR": str(data_dir), "LOAN_IT_DATABASE_URL": database_url})


@pytest.fixture(scope="module")
def cases() -> dict[str, dict]:
    lines = (ROOT / "eval" / "datasets" / "loan_review.jsonl").read_text(encoding="utf-8").splitlines()
    return {c["id"]: c["input"] for c in map(json.loads, lines)}


def test_review_refer_restart_resume(tmp_path, cases, database_url):
    data = tmp_path / "var"
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1/loan"
    proc = _start(data, port, database_url)
    try:
        r = httpx.post(f"{base}/review", json=cases["refer_rf02_overdue_3"], headers={"X-API-Key": CUSTOMER_KEY},
                       timeout=60)
        assert r.status_code == 403  # a customer's key never reaches loan review
        r = httpx.post(f"{base}/review", json=cases["refer_rf02_overdue_3"], headers=STAFF, timeout=60)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["status"] == "pending_review" and "RF02_OVERDUE_COUNT" in body["rule_ids"]
        thread = body["thread_id"]
        pending = httpx.get(f"{base}/reviews/pending", headers=STAFF, timeout=30).json()
        assert [p["thread_id"] for p in pending] == [thread]

        bad = json.loads(json.dumps(cases["approve_pharmacy"]))
        good_id = bad["owner"]["id_number"]
        bad["owner"]["id_number"] = good_id[:17] + ("1" if good_id[17] == "0" else "0")  # wrong check digit
        r = httpx.post(f"{base}/review", headers=STAFF, json=bad, timeout=30)
        assert r.status_code == 422 and "owner.id_number" in [f["field"] for f in r.json()["fields"]]
        assert bad["owner"]["id_number"] not in r.text
        bad = json.loads(json.dumps(cases["approve_pharmacy"]))
        bad["loan"]["product"] = "prod_space_loan"
        r = httpx.post(f"{base}/review", headers=STAFF, json=bad, timeout=30)
        assert r.status_code == 422 and r.json()["fields"][0]["field"] == "loan.product"
    finally:
        stop_uvicorn(proc)

    proc = _start(data, port, database_url)  # the restart: the paused review must still be there
    try:
        r = httpx.get(f"{base}/review/{thread}", headers=STAFF, timeout=30)
        assert r.status_code == 200 and r.json()["status"] == "pending_review"
        r = httpx.post(f"{base}/review/{thread}/resume", headers=STAFF, json={"decision": "maybe", "comment": "x", "reviewer": "a"},
                       timeout=30)
        assert r.status_code == 422
        r = httpx.post(f"{base}/review/{thread}/resume", headers=STAFF,
                       json={"decision": "approve", "comment": "逾期系疫情期间，已结清，同意", "reviewer": "李审查"},
                       timeout=60)
        assert r.status_code == 200, r.text
        done = r.json()
        assert done["status"] == "completed" and done["decision"] == "approve" and done["review"]["reviewer"] == "李审查"
        r = httpx.post(f"{base}/review/{thread}/resume", headers=STAFF, json={"decision": "decline", "comment": "重复", "reviewer": "李"},
                       timeout=30)
        assert r.status_code == 409 and r.json()["fields"][0]["field"] == "path.thread_id"
        r = httpx.post(f"{base}/review/loan-nosuchthread/resume", headers=STAFF,
                       json={"decision": "approve", "comment": "同意放款", "reviewer": "李"}, timeout=30)
        assert r.status_code == 404
        assert httpx.get(f"{base}/review/loan-nosuchthread", headers=STAFF, timeout=30).status_code == 404
        assert httpx.get(f"{base}/reviews/pending", headers=STAFF, timeout=30).json() == []
        r = httpx.post(f"{base}/review", headers=STAFF, json=cases["approve_supermarket"], timeout=60)
        assert r.status_code == 200 and r.json()["decision"] == "approve"
    finally:
        stop_uvicorn(proc)

    from tools.credit.audit import AuditLog
    from tools.storage import PostgresDatabase

    log = AuditLog(PostgresDatabase(database_url) if database_url else data / "audit.sqlite")
    assert [x["event"] for x in log.records()] == ["referred", "reviewed", "decided"] and log.verify().ok
