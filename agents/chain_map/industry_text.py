"""Read the fixed ``##`` sections of an industry document body (the corpus format guarantees them)."""

from __future__ import annotations

import re

_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.M)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.、)])\s*(.+?)\s*$")


def sections(body: str) -> dict[str, str]:
    """``{title: text}`` for every ``## title`` in the body, in order."""
    marks = list(_HEADING.finditer(body))
    out = {}
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(body)
        out[m.group(1)] = body[m.end():end].strip()
    return out


def bullets(text: str) -> list[str]:
    """Bullet items of a section; a section written as prose is split into sentences instead."""
    items = [m.group(1).rstrip("；;。") for line in text.splitlines() if (m := _BULLET.match(line))]
    if items:
        return items
    return [s.strip() for s in re.split(r"(?<=[。；;])", text) if len(s.strip()) > 4]
