"""One loader for every prompt and report template in prompts/ (Jinja2, strict undefined).

Templates are files so they can be reviewed and changed without touching code; StrictUndefined makes
a missing field an error at render time instead of a silently empty section.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

PROMPTS_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(PROMPTS_DIR)), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)


def template(name: str) -> Template:
    """A template by path relative to prompts/, e.g. ``reports/eval_report.md.j2``."""
    return _env().get_template(name)


def render(name: str, **values) -> str:
    return template(name).render(**values)


def read(name: str) -> str:
    """A plain prompt file (system prompts, rubric instructions) as text."""
    return (PROMPTS_DIR / name).read_text(encoding="utf-8")
