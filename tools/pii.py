"""Personal data in Chinese text: find and mask ID-card, mobile and bank-card numbers.

Used before anything is logged, stored in a transcript or sent to a model (customer service), on
loan applications, and by the QA inspector to flag exposed personal data.

Masking goes by SHAPE, not by checksum (issue #19): a resident ID with a wrong check character or a
card number that fails Luhn is still somebody's number typed wrong, and must not reach a checkpoint
or a log in clear. Validation (``id_card_valid``, ``luhn_valid``, tools/credit/identity.py) is for
applications; masking is for everything. The shapes:

* ID card: 18 characters, 17 digits and a digit or X, standing alone;
* bank card: a run of 16–19 digits (single spaces or dashes allowed between them), standing alone;
* mobile: 11 digits ``1[3-9]xxxxxxxxx`` (optionally +86 and separators).

What keeps false positives low (each case is tested): digits inside a hex token (a content hash, a
chunk id ``faq_x:<16 hex>`` even when its hash is all digits, a UUID, or glued to a hex letter) are not a number; a run right after a decimal point is a float's fraction; no card
number starts with 0 (zero padding in binary files); and a digit run labelled as an order, serial or
contract number (订单号、流水号、合同编号…) is left alone unless it passes the Luhn check — a
Luhn-valid run is masked whatever its label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PiiKind = Literal["id_card", "mobile", "bank_card"]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
#: the ID layout: region (first digit 1-9), birth date 18xx/19xx/20xx-MM-DD, sequence, check
_ID_LAYOUT = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?!\d)")
_CARD_RE = re.compile(r"(?<!\d)((?:\d[ -]?){15,18}\d)(?!\d)")
#: labels that say a digit run is a document number, not a card (checked just before the run)
_NOT_A_CARD_LABEL = re.compile(
    r"(?:订单|流水|交易|合同|工单|批次|凭证|单据|发票|快递|运单|编|序列|申请|业务|案件|受理)[号码]?(?:编号|号码|号|码)?"
    r"[：:#\s]*$|(?:order|trace|txn|ref|serial)(?:[_ ]?(?:id|no|number))?[\s:#=-]*$", re.IGNORECASE)
_HEX = set("0123456789abcdefABCDEF")


@dataclass(frozen=True)
class PiiMatch:
    kind: PiiKind
    start: int
    end: int
    text: str


def id_card_valid(number: str) -> bool:
    """18-digit resident ID with the GB 11643-1999 check character (for applications, not masking)."""
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


_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX_LETTERS = set("abcdefABCDEF")
#: a chunk id: ``<snake_case doc id>:<16 hex>``; its hash can be all digits (1 in ~1,900 ids is)
_CHUNK_ID_PREFIX = re.compile(r"[a-z][a-z0-9]*_[a-z0-9_]*:$")


def _in_hash(text: str, start: int, end: int) -> bool:
    """The digits are part of a hex token (a chunk id, a content hash, a checkpoint's UUID), not a
    number: glued to a hex letter, inside a UUID, or inside a run of 16+ hex characters with a letter."""
    if (start > 0 and text[start - 1] in _HEX_LETTERS) or (end < len(text) and text[end] in _HEX_LETTERS):
        return True
    if end - start == 16 and _CHUNK_ID_PREFIX.search(text, max(0, start - 64), start):
        return True
    if "-" in text[max(0, start - 36):end + 36] and any(
            u.start() < end and start < u.end() for u in _UUID_RE.finditer(text, max(0, start - 36), end + 36)):
        return True
    lo, hi = start, end
    while lo > 0 and text[lo - 1] in _HEX:
        lo -= 1
    while hi < len(text) and text[hi] in _HEX:
        hi += 1
    token = text[lo:hi]
    return len(token) >= 16 and all(c in _HEX for c in token) and any(c.isalpha() for c in token)


def _is_fraction(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] == "." and start > 1 and text[start - 2].isdigit()


def _labelled_document_number(text: str, start: int) -> bool:
    return bool(_NOT_A_CARD_LABEL.search(text[max(0, start - 12):start]))


def find_pii(text: str) -> list[PiiMatch]:
    """All personal-data spans by shape, non-overlapping, ID cards first (they also look like digit runs)."""
    found: list[PiiMatch] = []

    def free(start: int, end: int) -> bool:
        return all(end <= m.start or start >= m.end for m in found)

    for m in _ID_RE.finditer(text):
        value = m.group(1)
        if _in_hash(text, m.start(1), m.end(1)):
            continue
        if value[-1] in "Xx" or _ID_LAYOUT.fullmatch(value):  # other 18-digit runs are card-shaped
            found.append(PiiMatch("id_card", m.start(1), m.end(1), value))
    for m in _CARD_RE.finditer(text):
        start, end, value = m.start(1), m.end(1), m.group(1)
        if not free(start, end) or value[0] == "0" or _is_fraction(text, start) or _in_hash(text, start, end):
            continue
        if _labelled_document_number(text, start) and not luhn_valid(value):
            continue
        found.append(PiiMatch("bank_card", start, end, value))
    for m in _MOBILE_RE.finditer(text):
        start, end = m.start(1), m.end(1)
        if free(start, end) and not _is_fraction(text, start) and not _in_hash(text, start, end):
            found.append(PiiMatch("mobile", start, end, m.group(1)))
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
