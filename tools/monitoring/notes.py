"""Field-research notes (调研纪要): parse and validate an analyst's visit note against the template in
prompts/monitoring/field_note.md.

A note is Markdown with YAML front matter (segment, place, date, analyst, interviewees) and five fixed
sections (季节性, 价格, 需求, 信贷做法, 风险). Every problem comes back as ``field: message`` so the CLI
and the form can name what to fix; nothing is stored unless the whole note is valid.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

import yaml
from pydantic import BaseModel, Field

NOTE_SECTIONS = ("季节性", "价格", "需求", "信贷做法", "风险")
MAX_NOTE_CHARS = 50_000
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.S)
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.M)
_PLACEHOLDER = re.compile(r"^（[^）]*）$")


class FieldNote(BaseModel):
    """A validated note; ``note_id`` is derived from its content so re-adding the same file is idempotent."""

    note_id: str
    segment: str
    place: str
    date: date
    analyst: str
    interviewees: list[str]
    sections: dict[str, str]
    text: str = Field(description="the whole note as submitted (personal data masked by the caller)")


class NoteInvalid(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _sections(body: str) -> dict[str, str]:
    marks = list(_HEADING.finditer(body))
    return {m.group(1): body[m.end():(marks[k + 1].start() if k + 1 < len(marks) else len(body))].strip()
            for k, m in enumerate(marks)}


def parse_note(text: str, known_segments: set[str], today: date | None = None) -> FieldNote:
    """The note, or ``NoteInvalid`` listing every bad field (unknown segment, future date, empty section)."""
    if len(text) > MAX_NOTE_CHARS:
        raise NoteInvalid([f"note: 超过 {MAX_NOTE_CHARS} 字"])
    m = _FRONT.match(text.replace("\r\n", "\n").lstrip("\ufeff"))
    if not m:
        raise NoteInvalid(["front_matter: 缺少以 --- 包围的 YAML 头（segment/place/date/analyst/interviewees）"])
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise NoteInvalid([f"front_matter: YAML 无法解析（{str(exc).splitlines()[0]}）"]) from None
    if not isinstance(meta, dict):
        raise NoteInvalid(["front_matter: 应为键值对"])
    errors: list[str] = []
    segment = str(meta.get("segment") or "").strip()
    if not segment:
        errors.append("segment: 必填（行业 id）")
    elif segment not in known_segments:
        errors.append(f"segment: 未知行业 {segment!r}")
    for key in ("place", "analyst"):
        if not str(meta.get(key) or "").strip():
            errors.append(f"{key}: 必填")
    raw_date = meta.get("date")
    day: date | None = None
    if isinstance(raw_date, date):
        day = raw_date
    else:
        try:
            day = date.fromisoformat(str(raw_date or ""))
        except ValueError:
            errors.append("date: 应为 YYYY-MM-DD")
    if day is not None and day > (today or date.today()):
        errors.append(f"date: {day} 晚于今天")
    people = meta.get("interviewees")
    if not isinstance(people, list) or not [p for p in people if str(p).strip()]:
        errors.append("interviewees: 至少填写一位受访人")
    body = _sections(m.group(2))
    for name in NOTE_SECTIONS:
        content = body.get(name, "").strip()
        if not content or _PLACEHOLDER.match(content):
            errors.append(f"sections.{name}: 缺少内容")
    if errors:
        raise NoteInvalid(errors)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return FieldNote(note_id=f"note-{segment}-{day:%Y%m%d}-{digest}", segment=segment, place=str(meta["place"]).strip(),
                     date=day, analyst=str(meta["analyst"]).strip(),
                     interviewees=[str(p).strip() for p in people if str(p).strip()],
                     sections={k: body[k].strip() for k in NOTE_SECTIONS}, text=text)
