"""The workbench's FAQ import (知识库 → FAQ 导入): preview an uploaded FAQ file, then import it.

A staff member uploads the bank's FAQ as it is (.xlsx, .xls, .csv, .tsv, .jsonl) and first sees what
the import would do — which column each field is read from, the first rows as in the file, every bad
row as ``file:row: reason`` — with nothing written. They may pick other columns and preview again.
Import then goes through the same ``kb.faq_import.import_faq`` as ``puhui kb import-faq`` and
``POST /v1/kb/faq/import`` (same validation, same files, nothing written when a row is bad unless
"skip invalid rows" is ticked); re-indexing is the tab's own incremental ingest with its progress bar.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from kb.faq_import import SUFFIXES, ColumnMap, FaqImportError, ImportReport, header_of, import_faq, plan_import
from kb.progress import ProgressFn

log = logging.getLogger("puhui.ui")

AUTO = "（自动识别）"
FIELDS = {"question": "标准问题", "answer": "答案", "similar": "相似问题", "category": "分类", "channel": "渠道"}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # as POST /v1/kb/faq/import
SHOWN_ERRORS = 50


@dataclass
class Preview:
    status: str  # one markdown paragraph
    mapping: list[list[str]] = field(default_factory=list)  # [字段, 文件中的列]
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # the first data rows, 行号 first
    errors: str = ""  # markdown list of file:row: reason
    columns: list[str] = field(default_factory=list)  # the file's column names (for the pickers)
    ok: bool = False  # the file can be imported as it is (no bad row)


def column_map(choices: dict[str, str | None]) -> ColumnMap:
    """The pickers' values (field → column name or AUTO) as the import's ColumnMap."""
    return ColumnMap(**{f: (v if v and v != AUTO else None) for f, v in choices.items() if f in FIELDS})


def _check_file(file_path: str | None) -> str | None:
    if not file_path:
        return f"请先选择 FAQ 文件（{' / '.join(SUFFIXES)}）。"
    path = Path(file_path)
    if path.suffix.lower() not in SUFFIXES:
        return f"✖ 不支持的文件类型 `{path.suffix or '（无）'}`：请上传 {' / '.join(SUFFIXES)}。"
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        return f"✖ 文件过大（上限 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB）。"
    return None


def _error_list(problems: list[str], shown: int = SHOWN_ERRORS) -> str:
    lines = "\n".join(f"- `{p}`" for p in problems[:shown])
    more = f"\n- ……另有 {len(problems) - shown} 处" if len(problems) > shown else ""
    return f"**{len(problems)} 行有问题：**\n\n{lines}{more}"


def preview(file_path: str | None, name: str | None, choices: dict[str, str | None]) -> Preview:
    """What importing the file would do (nothing is written)."""
    problem = _check_file(file_path)
    if problem:
        return Preview(status=problem)
    path = Path(str(file_path))
    try:
        plan = plan_import(path, name=(name or "").strip() or None, columns=column_map(choices), label=path.name)
    except FaqImportError as exc:  # e.g. no question column by its default names: offer the file's columns
        return Preview(status=f"✖ 无法导入 {path.name}：文件级问题，未写入任何内容；可在上方选择各字段对应的列后点「预览」。",
                       errors=_error_list(exc.problems), columns=[c for c in header_of(path, path.name) if c])
    except Exception as exc:  # any other failure: a readable line, details in the log
        log.exception("faq import preview failed")
        return Preview(status=f"⚠ 预览失败：{type(exc).__name__}。详细信息已写入服务器日志。")
    width = len(plan.header)
    header = [c or f"列{i + 1}" for i, c in enumerate(plan.header)]
    header = [c if header.count(c) == 1 else f"{c}({i + 1})" for i, c in enumerate(header)]
    mapping = [[FIELDS[f], plan.mapping.get(f, "（无）")] for f in FIELDS]
    rows = [[str(n), *(cells + [""] * width)[:width]] for n, cells in plan.sample]
    head = (f"导入名 `{plan.name}`：共 {plan.rows} 行，有效 {len(plan.entries)} 条（相似问题 {plan.similar} 条）"
            f"，有问题 {len(plan.problems)} 行。")
    if plan.problems:
        head += "有问题的行导入时会使整个文件不写入；可修改文件后重新上传，或勾选「跳过有问题的行」。"
    else:
        head += "可以导入。"
    return Preview(status=head, mapping=mapping, header=["行号", *header], rows=rows,
                   errors=_error_list(plan.problems) if plan.problems else "", columns=[c for c in plan.header if c],
                   ok=not plan.problems)


def import_upload(corpus_dir: Path, file_path: str | None, name: str | None, choices: dict[str, str | None],
                  skip_invalid: bool, progress: ProgressFn | None = None) -> tuple[ImportReport | None, str]:
    """Import the file into ``corpus_dir`` (the shared import function). (report or None, markdown)."""
    problem = _check_file(file_path)
    if problem:
        return None, problem
    path = Path(str(file_path))
    try:
        report = import_faq(path, corpus_dir, name=(name or "").strip() or None, columns=column_map(choices),
                            skip_invalid=bool(skip_invalid), label=path.name, progress=progress)
    except FaqImportError as exc:
        return None, (f"✖ **未导入**：{path.name} 有 {len(exc.problems)} 处问题，知识库未作任何修改"
                      "（全部问题见预览下方的列表）。\n\n" + _error_list(exc.problems, shown=3))
    except Exception as exc:
        log.exception("faq import failed")
        return None, f"⚠ 导入失败：{type(exc).__name__}。知识库未修改，详细信息已写入服务器日志。"
    text = (f"✔ 已导入 `{report.name}`：{report.rows} 行 → {report.entries} 条 FAQ（相似问题 {report.similar} 条）；"
            f"写入 {len(report.written)} 个文件，未变 {len(report.unchanged)} 个，删除 {len(report.removed)} 个。")
    if report.invalid:
        text += f"\n\n已跳过 {len(report.invalid)} 行：\n\n" + "\n".join(f"- `{p}`" for p in report.invalid[:SHOWN_ERRORS])
    return report, text
