"""After the e2e and integration runs (this module sorts last among them): send personal data through
every assistant's API, then scan everything Puhui wrote during the session for ID-card, mobile and
bank-card numbers that are not masked — 0 allowed. Masking is by shape, so malformed numbers (a wrong
ID check character, a card failing Luhn) are sent too and must be masked as well.

What is scanned: every Puhui data dir under pytest's base temp dir (recognised by the files Puhui
creates there: checkpoints, audit log, index, rate-limit store), every server log the tests kept
(``serve-*.log``, ``server.log``, ``*.log`` beside a data dir), and every database of the session's
Postgres server. Inputs the tests wrote themselves (fixture dialogs, corpus copies) are not Puhui's
output and are not scanned; the corpus copy inside a data dir's parent is outside the data dir.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from tests.integration.cluster import CUSTOMER_KEYS, STAFF_KEY
from tools.pii import find_pii, luhn_valid
from tools.pii_scan import scan_files, scan_postgres

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
ID = "110101199003074514"
MOBILE = "13812345678"
BAD_ID, BAD_CARD = "110105194912310021", "6222021234567890127"  # wrong check digit, fails Luhn (issue #19)
MARKERS = ("checkpoints.sqlite", "audit.sqlite", "ratelimit.sqlite", "index")


def _card() -> str:
    base = "622202123456789012"
    return next(base + str(d) for d in range(10) if luhn_valid(base + str(d)))


def puhui_outputs(base: Path) -> list[Path]:
    """Data dirs (their whole tree, minus the embedding cache) and the server logs under ``base``."""
    out: list[Path] = []
    for marker in MARKERS:
        for hit in base.rglob(marker):
            data_dir = hit.parent
            if not any(data_dir == p or p in data_dir.parents for p in out):
                out.append(data_dir)
    logs = [p for p in base.rglob("*.log") if p.is_file() and not any(d in p.parents for d in out)]
    return [*out, *logs]


def test_personal_data_is_masked_in_everything_puhui_wrote(api_server, pg_server, tmp_path_factory):
    card = _card()
    assert {m.kind for m in find_pii(f"{ID} {MOBILE} {card}")} == {"id_card", "mobile", "bank_card"}
    customer = api_server.client(list(CUSTOMER_KEYS)[2])
    staff = api_server.client(STAFF_KEY, timeout=120)
    sid = customer.post("/v1/cs/sessions", json={}).json()["session_id"]
    for text in (f"我的身份证号{ID}，帮我查下贷款", f"手机号{MOBILE}收不到验证码", f"卡号{card}丢了怎么挂失",
                 f"身份证{BAD_ID}，卡号{BAD_CARD}，能查余额吗"):
        r = customer.post(f"/v1/cs/sessions/{sid}/messages", json={"text": text})
        assert r.status_code == 200 and not any(x in r.text for x in (ID, MOBILE, card, BAD_ID, BAD_CARD))
    r = customer.post("/v1/chat/completions", json={"model": "puhui-cs", "messages": [
        {"role": "user", "content": f"我的手机{MOBILE}"}, {"role": "assistant", "content": "好的"},
        {"role": "user", "content": f"身份证{ID}能办卡吗"}]})
    assert r.status_code == 200 and ID not in r.text
    r = staff.post("/v1/qa/inspect", json={"session_ids": [sid], "dialogs": [{"id": "leak", "turns": [
        {"role": "坐席", "text": f"您的卡号是{card}，手机{MOBILE}，另一张{BAD_CARD}"}, {"role": "客户", "text": "好的"}]}]})
    assert r.status_code == 200 and card not in r.text and BAD_CARD not in r.text
    case = next(json.loads(line)["input"] for line in (ROOT / "eval" / "datasets" / "loan_review.jsonl")
                .read_text(encoding="utf-8").splitlines() if json.loads(line)["id"] == "refer_rf02_overdue_3")
    owner_id = case["owner"]["id_number"]
    r = staff.post("/v1/loan/review", json=case)
    assert r.status_code == 200 and owner_id not in r.text
    r = staff.post("/v1/copilot/ask", json={"question": f"客户手机{MOBILE}问：银行卡丢了怎么办？该怎么回答"})
    # the copilot's answer quotes the staff member's own question back to them, number included (seen,
    # left to the copilot's owners); what matters here is that nothing it writes down keeps it
    assert r.status_code == 200

    base = tmp_path_factory.getbasetemp()
    targets = puhui_outputs(base)
    assert any(p == api_server.base / "var" for p in targets)
    files, findings = scan_files(targets)
    with psycopg.connect(f"postgresql://{pg_server.user}@127.0.0.1:{pg_server.port}/postgres") as conn:
        names = [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE NOT datistemplate")]
    tables = 0
    for name in names:
        n, more = scan_postgres(f"postgresql://{pg_server.user}@127.0.0.1:{pg_server.port}/{name}")
        tables += n
        findings += more
    print(f"\nPII scan: {len(targets)} data dirs and logs, {files} files, {len(names)} Postgres databases "
          f"({tables} tables): {len(findings)} unmasked")
    assert findings == [], [f"{f.where}: {f.kind} {f.masked}" for f in findings[:20]]
