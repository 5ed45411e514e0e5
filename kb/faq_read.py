"""Read a bank's FAQ file — a workbook (.xlsx, legacy .xls), a table (.csv, .tsv) or .jsonl — into rows.

The import (``kb.faq_import``) validates rows; this module only turns a file into tables of
``(1-based row number, cells as text)``, one table per sheet of a workbook. A workbook is read by
what its bytes are, not by its name: banks' exports often call an .xlsx (a ZIP) ".xls" or the other
way round, and the right reader for the content gives the staff member their rows instead of an error.
``.xlsx`` is read with openpyxl, the legacy binary ``.xls`` (BIFF in an OLE2 container, Excel 97-2003)
with xlrd, the maintained reader of that format. Anything unreadable is one ``file:1: reason`` line.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from kb.faq_table import TABLE_SUFFIXES, csv_rows

SUFFIXES = (".xlsx", ".xls", ".csv", ".tsv", ".jsonl")
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx (Office Open XML is a ZIP archive)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (BIFF8 inside a compound document)
Row = tuple[int, list[str]]


class FaqImportError(ValueError):
    """The file cannot be imported; ``problems`` are ``file:row: reason`` lines. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} invalid rows, nothing written; first: {problems[0]}")


def cell_text(value: object) -> str:
    """A cell as the text a person sees: 95516.0 → "95516", None → ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds").removesuffix(" 00:00:00")
    return str(value)


def read_rows(path: Path, label: str | None = None) -> list[list[Row]]:
    """The tables of a file (one per sheet for a workbook) as (1-based row number, cells) lists.
    ``label`` is the file name used in messages (an upload's original name)."""
    path = Path(path)
    label = label or path.name
    suffix = Path(label).suffix.lower() or path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FaqImportError([f"{label}:1: unsupported file type {suffix or '(none)'}: use one of {', '.join(SUFFIXES)}"])
    if suffix in (".xlsx", ".xls"):
        with path.open("rb") as fh:
            magic = fh.read(8)
        if magic.startswith(ZIP_MAGIC):
            return _xlsx_rows(path, label)
        if magic == OLE2_MAGIC:
            return _xls_rows(path, label)
        raise FaqImportError([f"{label}:1: not an Excel workbook (neither .xlsx nor Excel 97-2003 .xls); "
                            "save it from Excel as .xlsx, or export it as .csv"])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FaqImportError([f"{label}:1: not UTF-8 text ({exc.reason})"]) from exc
    if suffix == ".jsonl":
        return [_jsonl_rows(label, text)]
    rows, problem = csv_rows(text, TABLE_SUFFIXES[suffix])
    if problem:
        raise FaqImportError([f"{label}:{problem.removeprefix('line ')}"])
    return [rows]


def _xlsx_rows(path: Path, label: str) -> list[list[Row]]:
    import openpyxl  # only an Excel import needs it

    with path.open("rb") as fh:  # a file object: openpyxl would refuse a path not named .xlsx
        try:
            book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one readable message
            raise FaqImportError([f"{label}:1: not a readable .xlsx workbook ({type(exc).__name__})"]) from exc
        try:
            return [[(i, [cell_text(v) for v in row]) for i, row in enumerate(sheet.iter_rows(values_only=True), 1)]
                    for sheet in book.worksheets]
        finally:
            book.close()


def _xls_rows(path: Path, label: str) -> list[list[Row]]:
    """A legacy .xls workbook: numbers as text (95516.0 → "95516"), dates in ISO form, error cells blank."""
    import xlrd  # only a legacy Excel import needs it

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # noqa: BLE001 - corrupt, encrypted or truncated: one readable message
        raise FaqImportError([f"{label}:1: not a readable .xls workbook ({type(exc).__name__}: {exc})"]) from exc
    try:
        tables = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = []
            for r in range(sheet.nrows):
                cells = []
                for cell in sheet.row(r):
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        cells.append(cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        cells.append("TRUE" if cell.value else "FALSE")
                    elif cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        cells.append("")
                    else:
                        cells.append(cell_text(cell.value))
                rows.append((r + 1, cells))
            tables.append(rows)
            book.unload_sheet(index)
        return tables
    finally:
        book.release_resources()


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
        return "|".join(map(str, v)) if isinstance(v, list) else cell_text(v)

    return [(0, keys)] + [(n, [cell(o.get(k)) for k in keys]) for n, o in objects]
