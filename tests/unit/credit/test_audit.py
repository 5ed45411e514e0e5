import sqlite3

import pytest

from tools.credit.audit import AuditLog, AuditRecord


def _rec(i, **kw):
    return AuditRecord(thread_id=f"t{i}", event="decided", input_hash="h" * 64, model_version="m", decision="approve",
                       system_decision="approve", score=600 + i, pd=0.01, rule_hits=["CR01"], reasons=["原因"], **kw)


@pytest.fixture
def log(tmp_path):
    a = AuditLog(tmp_path / "audit.sqlite")
    for i in range(5):
        a.append(_rec(i))
    return a


def test_chain_verifies_and_links(log):
    res = log.verify()
    assert res.ok and res.records == 5
    rows = log.records()
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:]))
    assert rows[0]["rule_hits"] == ["CR01"] and log.verify(expect_head=res.head).ok


def test_sqlite_refuses_update_and_delete(log):
    con = sqlite3.connect(log.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE audit_log SET decision='decline' WHERE seq=2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM audit_log WHERE seq=2")


def _tamper(path, sql):
    con = sqlite3.connect(path)
    con.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;" + sql)
    con.commit()
    con.close()


def test_edit_is_detected_at_the_record(log):
    _tamper(log.path, "UPDATE audit_log SET decision='decline' WHERE seq=3;")
    res = AuditLog(log.path).verify()
    assert not res.ok and res.first_bad_seq == 3 and "altered" in res.problem


def test_edit_with_recomputed_hash_breaks_the_next_link(log):
    from tools.credit.audit import record_hash

    con = sqlite3.connect(log.path)
    con.row_factory = sqlite3.Row
    row = dict(con.execute("SELECT * FROM audit_log WHERE seq=2").fetchone())  # stored form (JSON text)
    con.close()
    row["decision"] = "decline"
    new_hash = record_hash(row)  # a careful forger recomputes this record's hash…
    _tamper(log.path, f"UPDATE audit_log SET decision='decline', hash='{new_hash}' WHERE seq=2;")
    res = AuditLog(log.path).verify()
    assert not res.ok and res.first_bad_seq == 3 and "link" in res.problem


def test_deletion_and_truncation(log):
    _tamper(log.path, "DELETE FROM audit_log WHERE seq=2;")
    res = AuditLog(log.path).verify()
    assert not res.ok and "missing" in res.problem
    head = log.records()[-1]["prev_hash"]
    assert not AuditLog(log.path).verify(expect_head=head + "0").ok


def test_open_referrals(tmp_path):
    a = AuditLog(tmp_path / "a.sqlite")
    a.append(_rec(1).model_copy(update={"event": "referred", "decision": "refer"}))
    a.append(_rec(2).model_copy(update={"event": "referred", "decision": "refer"}))
    a.append(_rec(1).model_copy(update={"event": "reviewed", "reviewer": "李审查", "comment": "同意"}))
    assert [r["thread_id"] for r in a.open_referrals()] == ["t2"]


def test_append_many_is_one_linked_batch_after_single_appends(log):
    rows = log.append_many([_rec(10 + i) for i in range(300)])
    assert [r["seq"] for r in rows] == list(range(6, 306)) and rows[0]["prev_hash"] == log.records()[4]["hash"]
    log.append(_rec(99))
    res = log.verify()
    assert res.ok and res.records == 306
    assert log.append_many([]) == []


def test_append_many_is_all_or_nothing(log):
    bad = _rec(1).model_copy(update={"decision": None})  # NOT NULL column: the insert fails
    with pytest.raises(sqlite3.IntegrityError):
        log.append_many([_rec(7), bad])
    assert log.verify().records == 5 and log.verify().ok
