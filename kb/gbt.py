"""GB/T 4754-2017 industry codes, read from ../shared/data/gbt4754_2017 when it is present.

The public copies there are community transcriptions with known defects (see their VALIDATION.txt):
codes and names come from the SAH01 table (2017 wording), and 中类 rows it omits are filled from the
caihy05 table. Nothing is copied into the project; without the folder this returns an empty mapping
and callers skip code checks.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "gbt4754_2017"


@lru_cache(maxsize=4)
def load_gbt_codes(folder: Path | None = None) -> dict[str, str]:
    """Map code (门类 letter, 2/3/4 digits) → name; empty when the data folder is absent."""
    folder = folder or DEFAULT_DIR
    primary, secondary = folder / "gbt4754_2017_SAH01_codes.csv", folder / "gbt4754_2017_caihy05.csv"
    codes: dict[str, str] = {}
    if secondary.exists():
        with secondary.open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                code = (row.get("code") or "").strip()
                if code:
                    codes[code] = (row.get("name") or "").replace(" ", "").strip()
    if primary.exists():
        with primary.open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                code = (row.get("code") or "").strip()
                if code and code.isalnum() and len(code) <= 4:
                    codes[code] = (row.get("name") or "").strip()
    return codes
