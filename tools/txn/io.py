"""Read statement files (CSV or JSON) into rows with canonical keys, then parse them.

Bank exports name their columns in Chinese and differently per bank; the aliases below map the
common ones onto ``Transaction`` field names so the CLI, the API upload and the UI share one reader.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from tools.txn.transactions import FieldError, Transaction, parse_transactions

HEADER_ALIASES: dict[str, str] = {
    "交易日期": "date", "日期": "date", "记账日期": "date", "交易时间": "date", "date": "date",
    "时间": "time", "time": "time",
    "金额": "amount", "交易金额": "amount", "发生额": "amount", "amount": "amount",
    "方向": "direction", "收支": "direction", "借贷": "direction", "借贷标志": "direction",
    "收支方向": "direction", "direction": "direction",
    "对方户名": "counterparty", "对方名称": "counterparty", "交易对手": "counterparty",
    "对手方": "counterparty", "counterparty": "counterparty",
    "对方经营范围": "counterparty_scope", "counterparty_scope": "counterparty_scope",
    "对方行业": "counterparty_industry", "counterparty_industry": "counterparty_industry",
    "渠道": "channel", "交易渠道": "channel", "交易方式": "channel", "channel": "channel",
    "摘要": "memo", "备注": "memo", "用途": "memo", "附言": "memo", "memo": "memo",
    "流水号": "id", "交易流水号": "id", "id": "id",
}


def canonical_row(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None:
            continue
        name = HEADER_ALIASES.get(str(key).strip().lstrip("\ufeff"), HEADER_ALIASES.get(str(key).strip().lower()))
        if name and name not in out:
            out[name] = value
    return out


def rows_from_text(text: str, fmt: str) -> list[Any]:
    """``fmt`` is 'csv' or 'json' (a list, or an object with a ``transactions`` list)."""
    if fmt == "json":
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("transactions", [])
        if not isinstance(data, list):
            raise ValueError("a JSON transactions file is a list of objects (or {\"transactions\": [...]})")
        return [canonical_row(r) if isinstance(r, dict) else r for r in data]
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return [canonical_row(r) for r in reader]


def read_transactions_file(path: str | Path) -> tuple[list[Transaction], list[FieldError]]:
    """Parse a .csv or .json statement file; unreadable files become one FieldError on ``transactions``."""
    p = Path(path)
    fmt = "json" if p.suffix.lower() == ".json" else "csv"
    try:
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")  # many Chinese bank exports are GBK
        rows = rows_from_text(text, fmt)
    except (OSError, ValueError, UnicodeDecodeError, csv.Error) as exc:
        return [], [FieldError(loc="transactions", msg=f"cannot read {p.name}: {exc}")]
    return parse_transactions(rows)
