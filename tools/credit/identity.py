"""Resident ID numbers, mobile numbers and names: validation and masking.

The 18-digit resident identity number (GB 11643-1999) carries a 6-digit region code, the birth date
(YYYYMMDD), a 3-digit sequence and an ISO 7064 MOD 11-2 check character (0-9 or X). Validating the
check character and the date catches most typing errors before a credit report is pulled.
Masking follows ``tools.pii`` (the suite-wide convention): first 3 and last 4 ID characters, first 3
and last 4 phone digits; names keep the surname only.
"""

from __future__ import annotations

import re
from datetime import date

from tools.pii import mask_value

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
MOBILE_SHAPE = re.compile(r"^1[3-9]\d{9}$")


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def id_birth_date(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def validate_id_number(value: str) -> str:
    """Return the normalised ID (upper-case X) or raise ValueError naming the problem (never the value)."""
    v = value.strip().upper()
    if not ID_SHAPE.match(v):
        raise ValueError("身份证号须为18位：17位数字加1位数字或X")
    try:
        born = id_birth_date(v)
    except ValueError:
        raise ValueError("身份证号中的出生日期无效") from None
    if born.year < 1900 or born > date.today():
        raise ValueError("身份证号中的出生日期无效")
    if id_check_char(v[:17]) != v[17]:
        raise ValueError("身份证号校验位错误")
    return v


def validate_mobile(value: str) -> str:
    v = re.sub(r"[\s-]", "", value.strip())
    if v.startswith("+86"):
        v = v[3:]
    if not MOBILE_SHAPE.match(v):
        raise ValueError("手机号须为11位中国大陆手机号（1开头，第二位3-9）")
    return v


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def mask_id(id_number: str | None) -> str:
    """Same convention as ``tools.pii`` (used by every assistant): first 3 and last 4 characters."""
    if not id_number:
        return ""
    return mask_value("id_card", id_number) if len(id_number) == 18 else "*" * len(id_number)


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return mask_value("mobile", phone) if len(phone) == 11 else "*" * len(phone)


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def make_id_number(region: str, born: date, sequence: int) -> str:
    """Build a checksum-valid ID (the simulator's synthetic applicants; never a real person's number)."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_char(first17)
