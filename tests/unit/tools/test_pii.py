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
