"""Personal data in Chinese text: find and mask ID-card, mobile and bank-card numbers.

Used before anything is logged, stored in a transcript or sent to a model (customer service), on
loan applications, and by the QA inspector to flag exposed personal data. Validation is strict so
that order numbers and amounts are not masked by mistake: ID cards need the GB 11643 checksum,
bank cards the Luhn check, mobiles a valid 1[3-9] prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PiiKind = Literal["id_card", "mobile", "bank_card"]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?!\d)")
_CARD_RE = re.compile(r"(?<!\d)((?:\d[ -]?){15,18}\d)(?!\d)")


@dataclass(frozen=True)
class PiiMatch:
    kind: PiiKind
    start: int
    end: int
    text: str


def id_card_valid(number: str) -> bool:
    """18-digit resident ID with the GB 11643-1999 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    if not 16 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def find_pii(text: str) -> list[PiiMatch]:
    """All personal-data spans, non-overlapping, ID cards first (they also look like digit runs)."""
    found: list[PiiMatch] = []

    def free(start: int, end: int) -> bool:
        return all(end <= m.start or start >= m.end for m in found)

    for m in _ID_RE.finditer(text):
        if id_card_valid(m.group(1)):
            found.append(PiiMatch("id_card", m.start(1), m.end(1), m.group(1)))
    for m in _CARD_RE.finditer(text):
        if free(m.start(1), m.end(1)) and luhn_valid(m.group(1)):
            found.append(PiiMatch("bank_card", m.start(1), m.end(1), m.group(1)))
    for m in _MOBILE_RE.finditer(text):
        if free(m.start(1), m.end(1)):
            found.append(PiiMatch("mobile", m.start(1), m.end(1), m.group(1)))
    return sorted(found, key=lambda m: m.start)


def mask_value(kind: PiiKind, value: str) -> str:
    digits = re.sub(r"[ -]", "", value)
    if kind == "id_card":
        return digits[:3] + "*" * 11 + digits[-4:]
    if kind == "mobile":
        return digits[:3] + "****" + digits[-4:]
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def mask_pii(text: str) -> str:
    """Text with every personal-data span masked (keeps enough digits for a person to recognise)."""
    out, last = [], 0
    for m in find_pii(text):
        out.append(text[last:m.start])
        out.append(mask_value(m.kind, m.text))
        last = m.end
    out.append(text[last:])
    return "".join(out)
