"""Read a bank's FAQ as it usually exists — a table of question / answer (CSV or TSV) — into raw rows.

Banks keep their FAQ in a spreadsheet with two columns (问题, 答案), sometimes more (分类, 相似问题).
This module maps such a table onto the ``FaqEntry`` fields so it can sit in a corpus folder as it is
(issue #20). The header row is optional: when the first row names no known column, a table of two or
more columns is read as question, answer[, similar][, category]. Column names are matched after
trimming and lower-casing, in Chinese or English (``COLUMN_ALIASES``). Similar questions in one cell
are separated by ``|`` or line breaks.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

#: FaqEntry field → accepted column names (compared trimmed and lower-cased)
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "question": ("标准问题", "标准问", "问题", "question", "standard_question", "q"),
    "answer": ("答案", "回答", "标准答案", "answer", "a"),
    "similar": ("相似问题", "相似问", "相似问法", "similar", "similar_questions", "paraphrases"),
    "category": ("分类", "类别", "类目", "业务类别", "category", "subject"),
    "id": ("id", "faq_id", "编号"),
}
#: columns by position when the file has no header row
POSITIONAL = ("question", "answer", "similar", "category")
TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t"}


@dataclass(frozen=True)
class TableRow:
    """One data row: its 1-based line in the file and the FaqEntry fields it gives (raw strings)."""

    line: int
    fields: dict[str, object]


def header_map(cells: list[str], aliases: dict[str, tuple[str, ...]] = COLUMN_ALIASES) -> dict[str, int]:
    """FaqEntry field → column index for the header cells that name a known column."""
    names = [c.strip().lower().lstrip("\ufeff") for c in cells]
    out: dict[str, int] = {}
    for field, options in aliases.items():
        for option in options:
            if option.lower() in names:
                out[field] = names.index(option.lower())
                break
    return out


def split_similar(cell: str) -> list[str]:
    parts = cell.replace("\r", "\n").replace("|", "\n").split("\n")
    return [p.strip() for p in parts if p.strip()]


def csv_rows(text: str, delimiter: str) -> tuple[list[tuple[int, list[str]]], str | None]:
    """(line where the row starts, cells) of every row, or the rows read and an error message."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    end = 0
    try:
        for cells in reader:  # a row starts on the line after the previous one ended (cells may span lines)
            rows.append((end + 1, cells))
            end = reader.line_num
    except csv.Error as exc:
        return rows, f"line {end + 1}: not a readable table ({exc})"
    return rows, None


def read_table(text: str, delimiter: str) -> tuple[list[TableRow], str | None]:
    """Rows of an FAQ table, or an error message when the table cannot be read as one."""
    rows, problem = csv_rows(text, delimiter)
    if problem:
        return [], problem
    rows = [(n, c) for n, c in rows if any(x.strip() for x in c)]
    if not rows:
        return [], "the table is empty"
    columns = header_map(rows[0][1])
    if "question" in columns and "answer" in columns:
        body = rows[1:]
    elif columns:
        missing = [f for f in ("question", "answer") if f not in columns]
        return [], f"line {rows[0][0]}: header has no {' or '.join(missing)} column (e.g. 问题, 答案)"
    elif max(len(c) for _, c in rows) >= 2:
        columns, body = {f: i for i, f in enumerate(POSITIONAL)}, rows
    else:
        return [], "an FAQ table needs at least two columns: question and answer"
    out = []
    for line, cells in body:
        fields: dict[str, object] = {}
        for field, idx in columns.items():
            value = cells[idx] if idx < len(cells) else ""
            fields[field] = split_similar(value) if field == "similar" else value
        out.append(TableRow(line, fields))
    return out, None
