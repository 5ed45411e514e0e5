from datetime import date

import pytest

from tools.credit.identity import (
    age_on,
    id_birth_date,
    make_id_number,
    mask_id,
    mask_name,
    mask_phone,
    validate_id_number,
    validate_mobile,
)


def test_checksum_round_trip_and_known_number():
    # GB 11643 worked example: 11010519491231002X
    assert validate_id_number("11010519491231002x") == "11010519491231002X"
    num = make_id_number("320282", date(1980, 5, 17), 123)
    assert validate_id_number(num) == num
    assert id_birth_date(num) == date(1980, 5, 17)


@pytest.mark.parametrize("bad,why", [
    ("11010519491231002", "18位"), ("110105194912310021", "校验位"), ("110105194913310028", "出生日期"),
    ("11010520991231002X", "出生日期"), ("1101051949123100AX", "18位"),
])
def test_invalid_ids_name_the_problem_not_the_value(bad, why):
    with pytest.raises(ValueError) as exc:
        validate_id_number(bad)
    assert why in str(exc.value) and bad not in str(exc.value)


def test_mobile_numbers():
    assert validate_mobile("+86 139-1234-5678") == "13912345678"
    for bad in ("12912345678", "1391234567", "0512-66881234"):
        with pytest.raises(ValueError):
            validate_mobile(bad)


def test_masks_keep_only_recognisable_parts():
    assert mask_id("11010519491231002X") == "110***********002X"
    assert mask_phone("13912345678") == "139****5678"
    assert mask_name("王建国") == "王**"
    assert mask_id("") == "" and mask_phone(None) == ""


def test_age_counts_birthday():
    assert age_on(date(1980, 6, 21), date(2025, 6, 20)) == 44
    assert age_on(date(1980, 6, 20), date(2025, 6, 20)) == 45
