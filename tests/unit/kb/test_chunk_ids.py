"""Chunk ids never look like personal data: the whole-suite PII scan found a test index whose Chroma
database held ``faq_accounts_018:2733644554352534`` — a digest of decimal digits only, i.e. a 16-digit
bank-card-shaped run to a masker that works by shape."""

from __future__ import annotations

import hashlib
import re

from kb.chunking import chunk_id
from tools.pii import find_pii


def _plain(parts: tuple) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()[:16]


def _parts_where(pred) -> tuple:
    for i in range(500_000):
        parts = ("faq/accounts.yaml", "similar", i)
        if pred(_plain(parts)):
            return parts
    raise AssertionError("no such digest in 500,000 tries")


def test_an_all_digit_digest_is_broken_up_and_not_taken_for_a_card_number():
    parts = _parts_where(str.isdigit)  # about 1 in 1,800
    cid = chunk_id("faq_accounts_018", *parts)
    digest = cid.split(":", 1)[1]
    assert len(digest) == 16 and not re.search(r"\d{8}", digest)
    assert find_pii(f"{cid}9") == [] and find_pii(f"{cid}99") == []  # as stored: run into the row's next bytes
    assert chunk_id("faq_accounts_018", *parts) == cid  # still deterministic


def test_a_mobile_shaped_run_inside_a_digest_is_broken_up():
    parts = _parts_where(lambda d: re.search(r"1[3-9]\d{8,}", d) is not None)
    cid = chunk_id("doc", *parts)
    assert not re.search(r"\d{10}", cid.split(":", 1)[1])
    assert [m for m in find_pii(f"{cid}9") if m.kind == "mobile"] == []


def test_ids_without_a_long_digit_run_are_unchanged():
    parts = ("a", "b", 1)
    assert not re.search(r"\d{10}", _plain(parts))
    assert chunk_id("doc", *parts) == f"doc:{_plain(parts)}"
