"""Import a bank's FAQ spreadsheet (.xlsx, .xls, .csv, .tsv, .jsonl) as validated corpus FAQ files (issue #13).

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
  no longer has are removed;
* two halves: ``plan_import`` reads (``kb.faq_read``) and validates without writing anything — the
  workbench's preview — and ``write_plan`` writes; ``import_faq`` is both, and is what the CLI, the
  HTTP route and the workbench call.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from kb.faq_read import SUFFIXES, FaqImportError, Row, read_rows  # noqa: F401 - SUFFIXES, FaqImportError: part of this API
from kb.faq_table import COLUMN_ALIASES, header_map, split_similar
from kb.progress import ProgressFn
from kb.records import write_text_atomically
from kb.schema import FaqEntry
from kb.textnorm import normalize

NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
#: columns of a paraphrase sheet/file: the standard question it belongs to, and the paraphrase
PARAPHRASE_ALIASES = {"question": COLUMN_ALIASES["question"], "similar": COLUMN_ALIASES["similar"]}
#: data rows an ImportPlan keeps as they are in the file, for a preview
SAMPLE_ROWS = 5


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


@dataclass
class ImportPlan:
    """What an import of one file would write, before anything is written: the columns found, the
    valid entries, the bad rows. The workbench previews it; ``import_faq`` writes it."""

    name: str
    label: str
    header: list[str]
    mapping: dict[str, str]  # FaqEntry field → the file's column name it is read from
    entries: list[FaqEntry]
    problems: list[str]  # ``file:row: reason``
    rows: int  # data rows (blank rows not counted)
    sample: list[Row] = field(default_factory=list)  # the first data rows as read

    @property
    def similar(self) -> int:
        return sum(len(e.similar) for e in self.entries)


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
               progress: ProgressFn | None = None) -> ImportPlan:
    """The plan of the main table: its valid entries and its ``file:row: reason`` problems."""
    rows = _table(rows)
    if not rows:
        raise FaqImportError([f"{label}:1: the file has no rows"])
    cols = _columns(label, rows[0], columns, ("question", "answer"))
    header = rows[0][1]
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
    mapping = {f: header[i] for f, i in sorted(cols.items(), key=lambda kv: kv[1]) if f != "id" and i < len(header)}
    return ImportPlan(name=name, label=label, header=list(header), mapping=mapping, entries=entries,
                      problems=problems, rows=len(rows) - 1, sample=rows[1:1 + SAMPLE_ROWS])


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


def import_name(label: str, name: str | None = None) -> str:
    """The import's name (folder and id prefix): ``name``, else derived from the file name."""
    name = name or re.sub(r"[^a-z0-9_]+", "_", Path(label).stem.lower()).strip("_") or "bank"
    if not NAME.match(name):
        name = "faq_" + name[:27] if re.match(r"^[0-9_]", name) else name[:32]
    if not NAME.match(name):
        raise FaqImportError([f"{label}:1: import name {name!r} must match {NAME.pattern} (use --name)"])
    return name


def header_of(path: Path, label: str | None = None) -> list[str]:
    """The column names of the file's main table ([] when it cannot be read): what a user picks
    columns from when none is found by its default name."""
    try:
        rows = _table(read_rows(Path(path), label)[0])
    except (FaqImportError, OSError):
        return []
    return list(rows[0][1]) if rows else []


def plan_import(path: Path, *, name: str | None = None, columns: ColumnMap | None = None,
                similar_file: Path | None = None, label: str | None = None,
                progress: ProgressFn | None = None) -> ImportPlan:
    """Read and validate ``path`` without writing anything (the preview, and the first half of an
    import). Raises ``FaqImportError`` when the file cannot be read or has no question/answer column;
    bad rows are in ``plan.problems``."""
    path = Path(path)
    label = label or path.name
    name = import_name(label, name)
    tables = read_rows(path, label)
    extra: dict[str, list[str]] = {}
    for sheet in tables[1:]:  # further sheets of a workbook: paraphrases
        extra.update(paraphrases(label, sheet))
    if similar_file is not None:
        for sheet in read_rows(similar_file):
            extra.update(paraphrases(similar_file.name, sheet))
    return parse_rows(name, label, tables[0], columns or ColumnMap(), extra, progress)


def import_faq(path: Path, corpus_root: Path, *, name: str | None = None, columns: ColumnMap | None = None,
               similar_file: Path | None = None, skip_invalid: bool = False, label: str | None = None,
               progress: ProgressFn | None = None) -> ImportReport:
    """Validate ``path`` and write its entries under ``corpus_root/faq/imported/<name>/``.

    Raises ``FaqImportError`` (nothing written) when the file cannot be read, or when a row is invalid
    and not ``skip_invalid``. ``label`` is the file name used in messages and origins (an upload's
    original name). The CLI, the HTTP route and the workbench all import through this function."""
    plan = plan_import(path, name=name, columns=columns, similar_file=similar_file, label=label, progress=progress)
    return write_plan(plan, corpus_root, skip_invalid=skip_invalid)


def write_plan(plan: ImportPlan, corpus_root: Path, *, skip_invalid: bool = False) -> ImportReport:
    """Write a plan's entries, one file per category (unchanged files are not touched)."""
    corpus_root = Path(corpus_root)
    if plan.problems and not skip_invalid:
        raise FaqImportError(plan.problems)
    by_category: dict[str, list[FaqEntry]] = {}
    for e in plan.entries:
        by_category.setdefault(str(e.category), []).append(e)
    name = plan.name
    folder = corpus_root / "faq" / "imported" / name
    report = ImportReport(name=name, rows=plan.rows, entries=len(plan.entries), similar=plan.similar,
                          invalid=plan.problems, folder=str(folder))
    wanted = {category_file(c): render(name, c, es) for c, es in sorted(by_category.items())}
    for fname, text in wanted.items():
        target = folder / fname
        rel = target.relative_to(corpus_root).as_posix()
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            report.unchanged.append(rel)
            continue
        write_text_atomically(target, text)
        report.written.append(rel)
    if folder.is_dir():
        for old in sorted(folder.glob("c_*.yaml")):
            if old.name not in wanted:
                old.unlink()
                report.removed.append(old.relative_to(corpus_root).as_posix())
    return report
