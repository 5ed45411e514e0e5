"""Which FAQ the customer-service bot answers from: every FAQ entry of the corpus (the default), or
one imported FAQ alone — ``puhui kb import-faq FILE --replace`` (issue #13).

A bank that evaluates Puhui on its own FAQ wants the bot to answer from that FAQ and from nothing of
ours. The choice is recorded in the data dir (``<data_dir>/cs_faq_scope.json``), beside the index it
goes with, and not in an environment variable: every process on that data dir (``puhui chat``,
``puhui serve`` and each of its workers) then builds the same bot without having to be started with
the same setting, and the command that made the choice is the one that makes it true. Nothing of our
corpus is deleted: ``puhui kb faq-scope`` shows the scope, ``puhui kb faq-scope --all`` removes it.

The scope names the import's folder; its entries are read from the files there (whichever corpus
root holds them), so a scope always means "what that import last wrote".
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel

from kb.corpus import parse_faq
from kb.records import read_record, write_text_atomically
from kb.schema import FaqEntry

SCOPE_FILE = "cs_faq_scope.json"


class FaqScope(BaseModel):
    """The bot answers only from the FAQ import ``name``, whose files are in ``folder``."""

    name: str
    folder: Path
    file: str = ""  # the file it was imported from (for the record)
    entries: int = 0  # entries at the time of the import
    set_at: str = ""


def scope_path(data_dir: Path) -> Path:
    return Path(data_dir) / SCOPE_FILE


def load_scope(data_dir: Path) -> FaqScope | None:
    """The recorded scope, or None (answer from every FAQ entry). ValueError names a corrupt file."""
    return read_record(scope_path(data_dir), FaqScope, "FAQ scope", "remove it with `puhui kb faq-scope --all`")


def save_scope(data_dir: Path, name: str, folder: Path, file: str = "", entries: int = 0) -> FaqScope:
    """Record that the bot answers from the import ``name`` alone (written atomically)."""
    scope = FaqScope(name=name, folder=Path(folder).resolve(), file=file, entries=entries,
                     set_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    write_text_atomically(scope_path(data_dir), scope.model_dump_json(indent=2) + "\n")
    return scope


def clear_scope(data_dir: Path) -> bool:
    """Answer from every FAQ entry again; True when a scope was removed."""
    try:
        scope_path(data_dir).unlink()
        return True
    except FileNotFoundError:
        return False


def scope_entries(scope: FaqScope) -> tuple[list[FaqEntry], list[str]]:
    """(the entries the import's files hold now, ``file:line: message`` problems). A folder that is
    gone gives no entries and one problem: the bot then answers no FAQ rather than ours."""
    folder = Path(scope.folder)
    if not folder.is_dir():
        return [], [f"{folder}: the FAQ import {scope.name!r} has no folder (re-import it, or `puhui kb faq-scope --all`)"]
    entries: list[FaqEntry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in sorted(p for p in folder.glob("*.yaml") if not p.name.startswith(".")):
        rel = f"faq/imported/{scope.name}/{path.name}"
        faq, errors = parse_faq(path, rel)
        problems.extend(str(e) for e in errors)
        for e in faq.entries if faq is not None else []:
            if e.id not in seen:
                seen.add(e.id)
                entries.append(e)
    return entries, problems


def after_import(data_dir: Path, name: str, folder: Path, file: str, entries: int, replace: bool) -> FaqScope | None:
    """What every import front end (CLI, HTTP, workbench) does once the files are written: with
    ``replace`` record that the bot answers from this import alone. Returns the scope in force
    afterwards (None: every FAQ entry), so the caller can say so — also when an earlier ``--replace``
    of another import still holds. A corrupt scope file is reported as None here (``load_scope`` names it)."""
    if replace:
        return save_scope(data_dir, name, folder, file=file, entries=entries)
    try:
        return load_scope(data_dir)
    except ValueError:
        return None
