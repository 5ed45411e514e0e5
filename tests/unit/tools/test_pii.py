from pathlib import Path

from tools.pii import find_pii, id_card_valid, luhn_valid, mask_pii

ID = "11010519491231002X"  # the GB 11643 standard's sample number
CARD = "6222021234567890128"  # Luhn-valid 19-digit card number (made up)


def test_id_card_checksum():
    assert id_card_valid(ID)
    assert not id_card_valid("110105194912310021")
    assert not id_card_valid("11010519491231002")


def test_luhn():
    assert luhn_valid(CARD)
    assert not luhn_valid("6222021234567890127")


def test_masks_each_kind_and_keeps_the_rest():
    text = f"我的身份证{ID}，手机138 1234 5678，卡号{CARD}，订单号20240101123456789。"
    masked = mask_pii(text)
    assert ID not in masked and "110***********002X" in masked
    assert "138****5678" in masked
    assert CARD not in masked and masked.count("6222") == 1
    assert "20240101123456789" in masked  # not Luhn-valid, not an ID: left alone
    assert [m.kind for m in find_pii(text)] == ["id_card", "mobile", "bank_card"]


def test_invalid_lookalikes_are_not_masked():
    assert mask_pii("金额 12345678901 元") == "金额 12345678901 元"  # 11 digits but prefix 12
    assert mask_pii("+86 13912345678") == "+86 139****5678"
    assert find_pii("") == []


def test_scan_finds_unmasked_numbers_and_skips_floats_and_padding(tmp_path):
    from tools.pii_scan import scan_files

    (tmp_path / "log.txt").write_text("用户 110101199003074514 手机13812345678 已脱敏 138****5678", encoding="utf-8")
    (tmp_path / "pages.db").write_bytes(b"\x00score=0.8123456789012344\x00" + b"0" * 19 + b"\x01faq_x:19507059363f607e\x00")
    files, found = scan_files([tmp_path])
    assert files == 2 and sorted(f.kind for f in found) == ["id_card", "mobile"]
    assert all("*" in f.masked for f in found) and all("13812345678" not in f.masked for f in found)


# --- issue #19: masking by shape, whatever the check digit -------------------------------------------

BAD_ID = "110105194912310021"  # the sample ID with a wrong check character
BAD_ID_X = "11010519491331002X"  # month 13 and an X: still ID-shaped
BAD_CARD = "6222021234567890127"  # fails Luhn
BAD_CARD_16 = "4111 1111 1111 1112"  # 16 digits in groups, fails Luhn


def test_malformed_numbers_are_masked_by_shape():
    text = f"身份证{BAD_ID}，另一个{BAD_ID_X}，卡号{BAD_CARD}，信用卡{BAD_CARD_16}，手机19912345678"
    assert not id_card_valid(BAD_ID) and not luhn_valid(BAD_CARD) and not luhn_valid(BAD_CARD_16)
    masked = mask_pii(text)
    for raw in (BAD_ID, BAD_ID_X, BAD_CARD, BAD_CARD_16, "19912345678", "1111 1111"):
        assert raw not in masked
    assert "110***********0021" in masked and "110***********002X" in masked
    assert "6222***********0127" in masked and "4111********1112" in masked
    assert [m.kind for m in find_pii(text)] == ["id_card", "id_card", "bank_card", "bank_card", "mobile"]


def test_an_18_digit_run_that_is_no_id_is_still_card_shaped():
    assert [m.kind for m in find_pii("账号 999999999999999999 请核对")] == ["bank_card"]


def test_false_positives_stay_low():
    keep = [
        "订单号20240101123456789已发货",  # labelled document numbers that fail Luhn
        "交易流水号：2024120212345678901",
        "合同编号 3301202412020001",
        "order_id=2024120212345678",
        "chunk faq_x:19507059363f607e8a1b2c3d4e5f6071 score 0.8123456789012345",  # hash, float fraction
        "金额 12345678901 元，利率 3.1234567890123456%",  # 11 digits with prefix 12; a fraction
        "padding 0000000000000000000 end",
        "额度 500000 元，期限 36 个月，编号 T-2024-001",
        "电话 0571-88886666，客服 95599",
        "时间 2026-12-02 17:48:48，耗时 1234567 ms",
        "checkpoint 1f1ee7a7-8ce5-6ff7-9793-739456071326 / 1f1ee7a7-8cf3-6ea3-8e04-19814321247d",  # UUIDs
        "blob 19814321247d 7739456071326000a",  # glued to hex letters
        '"faq_accounts_018:2733644554352534", "seafood_wholesale:1234567890123456"',  # all-digit chunk-id hashes
    ]
    for text in keep:
        assert mask_pii(text) == text, text


def test_a_luhn_valid_card_is_masked_whatever_its_label():
    assert CARD not in mask_pii(f"订单号{CARD}")


def test_log_records_are_masked_whoever_logs(caplog):
    import logging

    from tools import pii_logging

    before = logging.getLogRecordFactory()
    pii_logging.install()
    pii_logging.install()  # idempotent
    try:
        log = logging.getLogger("some.library")
        with caplog.at_level(logging.INFO):
            log.info("GET /v1/x?phone=%s %s %d", "13812345678", {"id": BAD_ID}, 200)
            log.info(f"card {BAD_CARD}")
            try:
                raise ValueError(f"bad id {BAD_ID}")
            except ValueError:
                log.exception("failed")
        text = caplog.text
        assert "13812345678" not in text and BAD_ID not in text and BAD_CARD not in text
        assert "138****5678" in text and " 200" in text and "ValueError" in text
    finally:
        logging.setLogRecordFactory(before)


def test_logging_filter_keeps_uvicorn_style_args():
    import logging

    from tools.pii_logging import PiiMaskingFilter

    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", f"/v1/cs?card={BAD_CARD}", "1.1", 200), None)
    assert PiiMaskingFilter().filter(record)
    assert isinstance(record.args, tuple) and len(record.args) == 5 and record.args[4] == 200
    assert BAD_CARD not in record.getMessage() and "6222***********0127" in record.getMessage()


# --- SQLite files: rows read through SQLite, raw free space checked against them -----------------------

def _free_space_offset(db: Path) -> int:
    """A byte offset in the unallocated area of the database's first table page (page 2)."""
    page = 4096
    data = db.read_bytes()
    cells = int.from_bytes(data[page + 3:page + 5], "big")
    content_start = int.from_bytes(data[page + 5:page + 7], "big")
    start = page + 8 + 2 * cells
    assert content_start - (start - page) > 200  # room for the fragments written below
    return start + 16


def test_sqlite_fragments_of_live_floats_are_not_numbers_but_deleted_cards_are(tmp_path):
    import sqlite3

    from tools.pii_scan import scan_files

    db = tmp_path / "checkpoints.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA page_size=4096")
        conn.execute("CREATE TABLE blobs (k TEXT, v BLOB)")
        conn.execute("INSERT INTO blobs VALUES ('versions', ?)", (b"\xa5\xb300000000000000000000000000000007.0.2275123456787117",))
    fragment = b"\x01\x9c2275123456787117\xa5tail"  # what a cell overwritten in place leaves of that float
    deleted = b"\x01\x02\xe5\x8d\xa1\xe5\x8f\xb76222021234567890128\x00"  # a row's text left in free space
    offset = _free_space_offset(db)
    data = bytearray(db.read_bytes())
    data[offset:offset + len(fragment)] = fragment
    data[offset + 64:offset + 64 + len(deleted)] = deleted
    db.write_bytes(bytes(data))
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1

    files, found = scan_files([tmp_path])
    assert files == 1
    assert [(f.kind, f.masked, f.where) for f in found] == [("bank_card", "6222***********0128", str(db))]


def test_sqlite_rows_are_scanned_through_sqlite_wal_included(tmp_path):
    import sqlite3

    from tools.pii_scan import scan_files

    db = tmp_path / "sessions.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE turns (text TEXT)")
    conn.execute("INSERT INTO turns VALUES ('手机13812345678，已脱敏 139****5678')")
    conn.commit()
    try:
        assert (tmp_path / "sessions.sqlite-wal").stat().st_size > 0  # the row lives in the WAL only
        files, found = scan_files([tmp_path])
    finally:
        conn.close()
    assert files >= 2
    assert [(f.kind, f.masked, f.where) for f in found] == [("mobile", "138****5678", f"{db}:turns#0")]
