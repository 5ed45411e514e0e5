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

A bank evaluating on its own FAQ also wants the bot to say its own name and hotline
(``--bank-name``/``--hotline``): they are a ``Branding`` stored in the same scope, because they only
make sense with it — our FAQ with another bank's name would be wrong — and are dropped with it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import re

from pydantic import BaseModel, Field, ValidationError, field_validator

from kb.corpus import parse_faq
from kb.records import read_record, write_text_atomically
from kb.schema import FaqEntry

SCOPE_FILE = "cs_faq_scope.json"
#: a service number as customers dial it: 96636, 95516, 400-800-1234, 0631-5212345, 400 800 1234
HOTLINE_PATTERN = re.compile(r"^\d(?:[\d -]*\d)?$")


class Branding(BaseModel):
    """The bank's own name and hotline for the bot's fixed wording (None: the compliance policy's)."""

    bank_name: str | None = Field(None, description="the bank's name as the bot says it, e.g. 威海银行")
    hotline: str | None = Field(None, description="the bank's customer-service number, e.g. 96636")

    @field_validator("bank_name")
    @classmethod
    def _bank_name(cls, v: str | None) -> str | None:
        if v is None:
            return None
        v = v.strip()
        if not 2 <= len(v) <= 30:
            raise ValueError("bank name must be 2-30 characters")
        if v.isdigit():
            raise ValueError("bank name must not be digits only")
        if any(c in v for c in "{}\n\r"):
            raise ValueError("bank name must not contain braces or line breaks")
        return v

    @field_validator("hotline")
    @classmethod
    def _hotline(cls, v: str | None) -> str | None:
        if v is None:
            return None
        v = v.strip()
        if not 3 <= len(v) <= 20 or not HOTLINE_PATTERN.match(v):
            raise ValueError("hotline must be a service number: 3-20 characters, digits with optional dashes or "
                             "spaces (e.g. 96636, 400-800-1234, 0631-5212345)")
        return v

    @property
    def empty(self) -> bool:
        return self.bank_name is None and self.hotline is None


class BrandingError(ValueError):
    """A bad ``bank_name``/``hotline``: ``field`` names the one at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def check_branding(bank_name: str | None, hotline: str | None) -> Branding:
    """Validate the two optional values at a front end's boundary (blank = not given). BrandingError
    names the first field at fault, so the CLI can say ``--hotline`` and the API ``body.hotline``."""
    values = {"bank_name": bank_name if bank_name and bank_name.strip() else None,
              "hotline": hotline if hotline and hotline.strip() else None}
    try:
        return Branding(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise BrandingError(str(first["loc"][0]), first["msg"].removeprefix("Value error, ")) from None


class FaqScope(BaseModel):
    """The bot answers only from the FAQ import ``name``, whose files are in ``folder``; with
    ``bank_name``/``hotline`` it names that bank and its hotline instead of ours."""

    name: str
    folder: Path
    file: str = ""  # the file it was imported from (for the record)
    entries: int = 0  # entries at the time of the import
    set_at: str = ""
    bank_name: str | None = None
    hotline: str | None = None

    @property
    def branding(self) -> Branding:
        return Branding(bank_name=self.bank_name, hotline=self.hotline)


def scope_path(data_dir: Path) -> Path:
    return Path(data_dir) / SCOPE_FILE


def load_scope(data_dir: Path) -> FaqScope | None:
    """The recorded scope, or None (answer from every FAQ entry). ValueError names a corrupt file."""
    return read_record(scope_path(data_dir), FaqScope, "FAQ scope", "remove it with `puhui kb faq-scope --all`")


def load_branding(data_dir: Path) -> Branding | None:
    """The bank name and hotline replace mode records (``import-faq --replace --bank-name/--hotline``),
    or None: the compliance policy's own (no scope, a scope without them, or an unreadable scope —
    the bot's ``scoped_faqs`` logs that one)."""
    try:
        scope = load_scope(data_dir)
    except ValueError:
        return None
    return scope.branding if scope is not None and not scope.branding.empty else None


def save_scope(data_dir: Path, name: str, folder: Path, file: str = "", entries: int = 0,
               branding: Branding | None = None) -> FaqScope:
    """Record that the bot answers from the import ``name`` alone (written atomically), naming the
    bank and hotline of ``branding`` (a new import without them goes back to our defaults)."""
    brand = branding or Branding()
    scope = FaqScope(name=name, folder=Path(folder).resolve(), file=file, entries=entries,
                     set_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     bank_name=brand.bank_name, hotline=brand.hotline)
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


def after_import(data_dir: Path, name: str, folder: Path, file: str, entries: int, replace: bool,
                 branding: Branding | None = None) -> FaqScope | None:
    """What every import front end (CLI, HTTP, workbench) does once the files are written: with
    ``replace`` record that the bot answers from this import alone. Returns the scope in force
    afterwards (None: every FAQ entry), so the caller can say so — also when an earlier ``--replace``
    of another import still holds. A corrupt scope file is reported as None here (``load_scope`` names it).
    ``branding`` is recorded with the scope; without ``replace`` it is a caller's error (checked before
    anything is written, by each front end)."""
    if branding is not None and not branding.empty and not replace:
        raise BrandingError("bank_name" if branding.bank_name else "hotline", "only with replace mode (--replace)")
    if replace:
        return save_scope(data_dir, name, folder, file=file, entries=entries, branding=branding)
    try:
        return load_scope(data_dir)
    except ValueError:
        return None
