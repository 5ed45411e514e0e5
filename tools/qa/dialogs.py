"""Dialogs for QA inspection: one typed model, read from JSON, JSONL or CSV exports.

Human-agent systems export in many shapes, so reading is lenient about names (role/speaker/from,
text/content/message, ts/time/timestamp; 坐席/客服/agent/bot, 客户/user/customer) and strict about
meaning: an unknown role or a turn without text is an error naming the file, line and field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

Role = Literal["agent", "customer"]
AGENT_ROLES = {"agent", "bot", "assistant", "坐席", "客服", "staff", "service", "csr", "机器人", "人工", "system_agent",
               "智能客服", "banker", "operator"}
CUSTOMER_ROLES = {"customer", "user", "client", "客户", "用户", "visitor", "caller", "访客", "human"}
_TEXT_KEYS = ("text", "content", "message", "utterance", "内容")
_ROLE_KEYS = ("role", "speaker", "from", "sender", "角色")
_TS_KEYS = ("ts", "time", "timestamp", "created_at", "时间")
_ID_KEYS = ("dialog_id", "conversation_id", "session_id", "call_id", "id", "对话编号")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class DialogFormatError(ValueError):
    """Malformed dialog input; ``problems`` lists ``file:line: message``."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_role(value: Any) -> Role:
    role = str(value or "").strip().lower()
    if role in AGENT_ROLES:
        return "agent"
    if role in CUSTOMER_ROLES:
        return "customer"
    raise ValueError(f"unknown role {value!r} (use agent/坐席/bot or customer/客户/user)")


def parse_ts(value: Any) -> float | None:
    """Seconds: a number, an ISO date-time, or a clock time HH:MM[:SS] (same-day dialogs)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    m = _CLOCK.match(text)
    if m:
        return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3) or 0)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ValueError(f"unreadable time {value!r} (seconds, ISO date-time or HH:MM:SS)") from None


class DialogTurn(BaseModel):
    role: Role
    text: str = Field(min_length=1, max_length=20000)
    ts: float | None = None
    meta: dict[str, Any] = Field(default_factory=dict)

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, v: Any) -> Role:
        return parse_role(v)

    @field_validator("ts", mode="before")
    @classmethod
    def _ts(cls, v: Any) -> float | None:
        return parse_ts(v)


class Dialog(BaseModel):
    id: str = Field(min_length=1, max_length=200)
    channel: Literal["bot", "human"] = "human"
    complete: bool = Field(True, description="False for a bot session still open (no closing expected)")
    customer_id: str | None = None
    turns: list[DialogTurn] = Field(min_length=1)
    meta: dict[str, Any] = Field(default_factory=dict)


def _pick(row: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for k in keys:
        if k in row and row[k] not in (None, ""):
            return row[k]
    return None


def dialog_from_obj(obj: Any, fallback_id: str) -> Dialog:
    """A dialog from a dict in any of the accepted shapes (raises ValidationError/ValueError)."""
    if not isinstance(obj, dict):
        raise ValueError("a dialog is an object with a 'turns' (or 'messages') list")
    raw_turns = obj.get("turns", obj.get("messages"))
    if not isinstance(raw_turns, list):
        raise ValueError("field 'turns': a list of {role, text, ts?} is required")
    turns = []
    for t in raw_turns:
        if not isinstance(t, dict):
            raise ValueError("field 'turns': each turn must be an object")
        turns.append({"role": _pick(t, _ROLE_KEYS), "text": _pick(t, _TEXT_KEYS), "ts": _pick(t, _TS_KEYS),
                      "meta": t.get("meta") or {}})
    return Dialog.model_validate({
        "id": str(_pick(obj, _ID_KEYS) or fallback_id),
        "channel": obj.get("channel", "human"),
        "complete": obj.get("complete", True),
        "customer_id": obj.get("customer_id"),
        "turns": turns,
        "meta": obj.get("meta") or {},
    })


def _err(name: str, line: int, exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    else:
        msg = str(exc)
    return f"{name}:{line}: {msg}"


def dialogs_from_json(text: str, name: str = "<json>") -> list[Dialog]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DialogFormatError([f"{name}:{exc.lineno}: not JSON ({exc.msg})"]) from None
    items = data.get("dialogs", [data]) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise DialogFormatError([f"{name}:1: expected a dialog, a list of dialogs or {{'dialogs': [...]}}"])
    out, problems = [], []
    for i, obj in enumerate(items, start=1):
        try:
            out.append(dialog_from_obj(obj, f"{Path(name).stem}-{i}"))
        except (ValidationError, ValueError) as exc:
            problems.append(_err(name, 1, exc) + f" (dialog {i})")
    if problems:
        raise DialogFormatError(problems)
    return out


def dialogs_from_jsonl(text: str, name: str = "<jsonl>") -> list[Dialog]:
    out, problems = [], []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(dialog_from_obj(json.loads(line), f"{Path(name).stem}-{lineno}"))
        except json.JSONDecodeError as exc:
            problems.append(f"{name}:{lineno}: not JSON ({exc.msg})")
        except (ValidationError, ValueError) as exc:
            problems.append(_err(name, lineno, exc))
    if problems:
        raise DialogFormatError(problems)
    return out


def dialogs_from_csv(text: str, name: str = "<csv>") -> list[Dialog]:
    """One row per turn; rows of a dialog share its id column and stay in file order."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    cols = {c.strip().lower() for c in (reader.fieldnames or [])}
    missing = [what for what, keys in (("dialog id", _ID_KEYS), ("role", _ROLE_KEYS), ("text", _TEXT_KEYS))
               if not cols & set(keys)]
    if missing:
        raise DialogFormatError([f"{name}:1: missing column(s) for {', '.join(missing)}; have {sorted(cols)}"])
    grouped: dict[str, list[dict[str, Any]]] = {}
    problems = []
    for lineno, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        did = _pick(row, _ID_KEYS)
        if not did:
            problems.append(f"{name}:{lineno}: dialog id is empty")
            continue
        try:
            turn = DialogTurn.model_validate({"role": _pick(row, _ROLE_KEYS), "text": _pick(row, _TEXT_KEYS),
                                              "ts": _pick(row, _TS_KEYS)})
        except ValidationError as exc:
            problems.append(_err(name, lineno, exc))
            continue
        grouped.setdefault(did, []).append(turn.model_dump())
    if problems:
        raise DialogFormatError(problems)
    return [Dialog(id=did, turns=turns) for did, turns in grouped.items()]


def read_dialogs(path: Path) -> list[Dialog]:
    """Dialogs from one file, by extension (.json, .jsonl, .csv)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DialogFormatError([f"{path.name}:1: not UTF-8 text"]) from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        return dialogs_from_json(text, path.name)
    if suffix == ".jsonl":
        return dialogs_from_jsonl(text, path.name)
    if suffix == ".csv":
        return dialogs_from_csv(text, path.name)
    raise DialogFormatError([f"{path.name}:1: unsupported file type {suffix!r} (use .json, .jsonl or .csv)"])


def dialog_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in {".json", ".jsonl", ".csv"}
                  and not p.name.startswith("."))
