"""Import a bank's FAQ spreadsheet (.xlsx, .csv, .tsv, .jsonl) as validated corpus FAQ files (issue #13).

Every bank has its FAQ in Excel; this turns it into ``faq/imported/<name>/<category>.yaml`` files of a
corpus root, which the incremental ingest then indexes. The rules:

* columns are found by name — Chinese or English defaults (``kb.faq_table.COLUMN_ALIASES``), or the
  names given in ``ColumnMap`` (``--question-col`` …); paraphrases may come as a column, as a second
  sheet of the workbook, or as a second file, with (standard question, similar question) columns;
* every row is validated as a ``FaqEntry``; a bad row is reported as ``file:row: reason`` and, unless
  ``skip_invalid``, *nothing* is written when any row is bad;
* ids are deterministic — a hash of the import name and the standard question — so re-importing the
  same file writes the same bytes (nothing changes, nothing re-indexes) and an edited answer changes
  only that entry's records; each entry records its origin (``file:row``) for citations;
* files are written atomically; category files a previous import of the same name wrote and this one
  no longer has are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from kb.faq_table import COLUMN_ALIASES, TABLE_SUFFIXES, csv_rows, header_map, split_similar
from kb.progress import ProgressFn
from kb.schema import FaqEntry
from kb.textnorm import normalize

SUFFIXES = (".xlsx", ".csv", ".tsv", ".jsonl")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
#: columns of a paraphrase sheet/file: the standard question it belongs to, and the paraphrase
PARAPHRASE_ALIASES = {"question": COLUMN_ALIASES["question"], "similar": COLUMN_ALIASES["similar"]}


class ColumnMap(BaseModel):
    """Column names given by the user; ``None`` means "find it by its default names"."""

    question: str | None = None
    answer: str | None = None
    similar: str | None = None
    category: str | None = None
    channel: str | None = None


class ImportReport(BaseModel):
    name: str
    rows: int
    entries: int
    similar: int
    invalid: list[str] = []
    written: list[str] = []
    unchanged: list[str] = []
    removed: list[str] = []
    folder: str = ""


class FaqImportError(ValueError):
    """The file cannot be imported; ``problems`` are ``file:row: reason`` lines. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} invalid rows, nothing written; first: {problems[0]}")


Row = tuple[int, list[str]]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(path: Path) -> list[list[Row]]:
    """The tables of a file (one per sheet for .xlsx) as (1-based row number, cells) lists."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FaqImportError([f"{path.name}:1: unsupported file type {suffix or '(none)'}: use one of {', '.join(SUFFIXES)}"
                            + ("; save .xls workbooks as .xlsx" if suffix == ".xls" else "")])
    if suffix == ".xlsx":
        import openpyxl  # only an Excel import needs it

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one readable message
            raise FaqImportError([f"{path.name}:1: not a readable .xlsx workbook ({type(exc).__name__})"]) from exc
        try:
            return [[(i, [_cell(v) for v in row]) for i, row in enumerate(sheet.iter_rows(values_only=True), 1)]
                    for sheet in book.worksheets]
        finally:
            book.close()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FaqImportError([f"{path.name}:1: not UTF-8 text ({exc.reason})"]) from exc
    if suffix == ".jsonl":
        return [_jsonl_rows(path.name, text)]
    rows, problem = csv_rows(text, TABLE_SUFFIXES[suffix])
    if problem:
        raise FaqImportError([f"{path.name}:{problem.removeprefix('line ')}"])
    return [rows]


def _jsonl_rows(name: str, text: str) -> list[Row]:
    """JSONL objects as a table: a header of every key seen, then one row per line."""
    objects: list[tuple[int, dict[str, object]]] = []
    problems = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{name}:{n}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{name}:{n}: a JSONL row must be an object")
            continue
        objects.append((n, obj))
    if problems:
        raise FaqImportError(problems)
    keys = list(dict.fromkeys(k for _, o in objects for k in o))
    def cell(v: object) -> str:
        return "|".join(map(str, v)) if isinstance(v, list) else _cell(v)

    return [(0, keys)] + [(n, [cell(o.get(k)) for k in keys]) for n, o in objects]


def _columns(name: str, header: Row, columns: ColumnMap, required: Iterable[str]) -> dict[str, int]:
    names = [c.strip().lower() for c in header[1]]
    found = header_map(header[1])
    for field, given in columns.model_dump().items():
        if given is None:
            continue
        if given.strip().lower() not in names:
            raise FaqImportError([f"{name}:{header[0] or 1}: column {given!r} (--{field}-col) not found; "
                                f"columns: {', '.join(c for c in header[1] if c)}"])
        found[field] = names.index(given.strip().lower())
    if columns.channel is None and "channel" not in found:
        for alias in ("渠道", "channel"):
            if alias in names:
                found["channel"] = names.index(alias)
    missing = [f for f in required if f not in found]
    if missing:
        raise FaqImportError([f"{name}:{header[0] or 1}: no {' or '.join(missing)} column "
                            f"(e.g. 问题/question, 答案/answer, or --{missing[0]}-col); columns: "
                            f"{', '.join(c for c in header[1] if c)}"])
    return found


def _table(rows: list[Row]) -> list[Row]:
    return [r for r in rows if any(c.strip() for c in r[1])]


def paraphrases(name: str, rows: list[Row]) -> dict[str, list[str]]:
    """standard question → similar questions, from a (question, similar) sheet or file."""
    rows = _table(rows)
    if not rows:
        return {}
    cols = header_map(rows[0][1], PARAPHRASE_ALIASES)  # type: ignore[arg-type]
    if "question" not in cols or "similar" not in cols:
        raise FaqImportError([f"{name}:{rows[0][0]}: a paraphrase sheet needs a standard-question and a "
                            "similar-question column (e.g. 标准问题, 相似问题)"])
    out: dict[str, list[str]] = {}
    for _, cells in rows[1:]:
        question, similar = (normalize(cells[cols[f]]).strip() if cols[f] < len(cells) else "" for f in ("question", "similar"))
        if question and similar:
            out.setdefault(question, []).extend(split_similar(similar))
    return out


def faq_id(name: str, question: str) -> str:
    return f"faq_{name}_" + hashlib.sha256(f"{name}\0{question}".encode("utf-8")).hexdigest()[:12]


def parse_rows(name: str, label: str, rows: list[Row], columns: ColumnMap, extra_similar: dict[str, list[str]],
               progress: ProgressFn | None = None) -> tuple[list[FaqEntry], list[str], int]:
    """(valid entries, ``file:row: reason`` problems, data rows) of the main table."""
    rows = _table(rows)
    if not rows:
        raise FaqImportError([f"{label}:1: the file has no rows"])
    cols = _columns(label, rows[0], columns, ("question", "answer"))
    entries: list[FaqEntry] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, (n, cells) in enumerate(rows[1:], 1):
        if progress and (i % 500 == 0 or i == len(rows) - 1):
            progress("Validating rows", i, len(rows) - 1)
        raw = {f: normalize(cells[i]) if i < len(cells) else "" for f, i in cols.items() if f != "id"}
        similar = split_similar(str(raw.pop("similar", "")))
        channel = str(raw.pop("channel", "")).strip() or None
        question = str(raw.get("question", "")).strip()
        similar += extra_similar.get(question, [])
        if question in seen:
            problems.append(f"{label}:{n}: question {question!r} duplicates row {seen[question]}")
            continue
        try:
            entry = FaqEntry.model_validate({**raw, "similar": list(dict.fromkeys(similar)),
                                             "id": faq_id(name, question) if question else None,
                                             "category": str(raw.get("category", "")).strip() or "常见问题",
                                             "channel": channel, "origin": f"{label}:{n}"})
        except ValidationError as exc:
            problems.extend(f"{label}:{n}: {'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}"
                            for e in exc.errors())
            continue
        seen[question] = n
        entries.append(entry)
    return entries, problems, len(rows) - 1


def category_file(category: str) -> str:
    return "c_" + hashlib.sha256(category.encode("utf-8")).hexdigest()[:10] + ".yaml"


def render(name: str, category: str, entries: list[FaqEntry]) -> str:
    """The YAML of one category file: deterministic (same entries → same bytes)."""
    items = []
    for e in entries:
        item: dict[str, object] = {"id": e.id, "category": category, "question": e.question}
        if e.similar:
            item["similar"] = list(e.similar)
        item["answer"] = e.answer
        item.update({k: v for k, v in (("channel", e.channel), ("origin", e.origin)) if v})
        items.append(item)
    head = f"# imported by `puhui kb import-faq` as {name!r}; category {category}. Edit the source file and re-import.\n"
    return head + yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=10_000)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_faq(path: Path, corpus_root: Path, *, name: str | None = None, columns: ColumnMap | None = None,
               similar_file: Path | None = None, skip_invalid: bool = False, label: str | None = None,
               progress: ProgressFn | None = None) -> ImportReport:
    """Validate ``path`` and write its entries under ``corpus_root/faq/imported/<name>/``.

    Raises ``FaqImportError`` (nothing written) when the file cannot be read, or when a row is invalid
    and not ``skip_invalid``. ``label`` is the file name used in messages and origins (an upload's
    original name)."""
    path, corpus_root = Path(path), Path(corpus_root)
    label = label or path.name
    name = name or re.sub(r"[^a-z0-9_]+", "_", Path(label).stem.lower()).strip("_") or "bank"
    if not NAME.match(name):
        name = "faq_" + name[:27] if re.match(r"^[0-9_]", name) else name[:32]
    if not NAME.match(name):
        raise FaqImportError([f"{label}:1: import name {name!r} must match {NAME.pattern} (use --name)"])
    tables = read_rows(path)
    extra: dict[str, list[str]] = {}
    for sheet in tables[1:]:  # further sheets of a workbook: paraphrases
        extra.update(paraphrases(label, sheet))
    if similar_file is not None:
        for sheet in read_rows(similar_file):
            extra.update(paraphrases(similar_file.name, sheet))
    entries, problems, rows = parse_rows(name, label, tables[0], columns or ColumnMap(), extra, progress)
    if problems and not skip_invalid:
        raise FaqImportError(problems)
    by_category: dict[str, list[FaqEntry]] = {}
    for e in entries:
        by_category.setdefault(str(e.category), []).append(e)
    folder = corpus_root / "faq" / "imported" / name
    report = ImportReport(name=name, rows=rows, entries=len(entries), similar=sum(len(e.similar) for e in entries),
                          invalid=problems, folder=str(folder))
    wanted = {category_file(c): render(name, c, es) for c, es in sorted(by_category.items())}
    for fname, text in wanted.items():
        target = folder / fname
        rel = target.relative_to(corpus_root).as_posix()
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            report.unchanged.append(rel)
            continue
        _write_atomically(target, text)
        report.written.append(rel)
    if folder.is_dir():
        for old in sorted(folder.glob("c_*.yaml")):
            if old.name not in wanted:
                old.unlink()
                report.removed.append(old.relative_to(corpus_root).as_posix())
    return report
