"""Chinese text normalisation: traditional → simplified, full-width → half-width, tidy whitespace.

Applied to every corpus file and every query, so 「臺灣」 finds 台湾 and ＡＢＣ１２３ finds ABC123.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc  # opencc-python-reimplemented: pure Python, dictionaries ship in the wheel

_SPACES = re.compile(r"(?<=\S)[ \t\u3000\xa0]+")
_ODD_SPACES = str.maketrans({"\u3000": " ", "\xa0": " ", "\t": "    "})


@lru_cache(maxsize=1)
def _converter():
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def fullwidth_to_halfwidth(text: str) -> str:
    """NFKC folds full-width ASCII letters/digits but would also fold CJK punctuation we keep."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E and ch not in "，。！？；：（）":
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def normalize(text: str) -> str:
    """Normalise corpus or query text; line structure is preserved (line numbers stay valid)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = fullwidth_to_halfwidth(to_simplified(text))
    return "\n".join(_SPACES.sub(" ", line.translate(_ODD_SPACES)).rstrip() for line in text.split("\n"))
