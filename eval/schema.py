"""Eval cases as JSONL: one typed case per line; malformed lines are rejected with their line number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

DATASETS_DIR = Path(__file__).resolve().parent / "datasets"


class CaseTags(BaseModel):
    model_config = ConfigDict(extra="allow")
    difficulty: str = "normal"
    category: str = "general"
    variant: str = "standard"


class EvalCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=120)
    input: Any
    expected: dict[str, Any]
    tags: CaseTags = Field(default_factory=CaseTags)


class DatasetError(ValueError):
    """A dataset file with malformed lines; ``problems`` lists ``path:line: message``."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def load_cases(path: Path) -> list[EvalCase]:
    """Read and validate a JSONL dataset. Every bad line is reported, not just the first."""
    cases, problems, seen = [], [], set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = EvalCase.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{lineno}: not JSON ({exc.msg})")
            continue
        except ValidationError as exc:
            fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            problems.append(f"{path.name}:{lineno}: {fields}")
            continue
        if case.id in seen:
            problems.append(f"{path.name}:{lineno}: duplicate case id {case.id!r}")
            continue
        seen.add(case.id)
        cases.append(case)
    if problems:
        raise DatasetError(problems)
    return cases
