"""Validate an uploaded corpus document and write it into the corpus folder atomically.

Staff replace or add one file at a time from the workbench (知识库 tab). Nothing reaches the corpus
unless the file parses with the same loader ingestion uses (``kb.corpus``) *and* fits the rest of the
corpus (referenced products and industries exist, FAQ ids stay unique, industry bodies keep the eight
fixed sections). A rejected file comes back as ``file:line: message`` lines and nothing is written.

Where a file goes is decided by its content, not by the uploaded name: a Markdown document lands at
``<industries|products|policies>/<id>.md`` (the corpus rule "id equals the file name"), so uploading
a document with an existing id replaces that document. An FAQ file keeps its (checked) name under
``faq/``.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kb.corpus import Corpus, FaqFile, MarkdownDoc, parse_faq, parse_markdown
from kb.schema import IndustryDoc

MAX_BYTES = 512 * 1024
FOLDERS = {"industry": "industries", "product": "products", "policy": "policies"}
TYPE_NAMES = {"industry": "行业", "product": "产品", "policy": "制度"}
FAQ_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}\.ya?ml$")
#: The fixed body sections of an industry document, in order (kb/corpus/README.md).
INDUSTRY_SECTIONS = ("行业概况", "产业链", "经营模式与资金特征", "典型融资需求", "风险要点", "尽调要点", "适配产品",
                     "贷后预警信号")
HEADING = re.compile(r"^##\s+(.+?)\s*$", re.M)


@dataclass
class UploadCheck:
    """The outcome of validating one upload; ``ok`` means it may be written to ``target``."""

    name: str  # the uploaded file name, as staff know it
    target: str = ""  # path relative to the corpus root, forward slashes
    replaces: bool = False
    summary: str = ""  # e.g. "行业 danyang_eyewear 丹阳眼镜制造"
    errors: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.target)


def _decode(name: str, data: bytes) -> tuple[str | None, str | None]:
    if len(data) > MAX_BYTES:
        return None, f"{name}:1: 文件过大（{len(data) // 1024} KB，上限 {MAX_BYTES // 1024} KB）"
    if not data.strip():
        return None, f"{name}:1: 文件为空"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, f"{name}:{line}: 不是 UTF-8 文本"


def _section_errors(name: str, doc: MarkdownDoc) -> list[str]:
    found = [(m.group(1), doc.body_line + doc.body.count("\n", 0, m.start())) for m in HEADING.finditer(doc.body)]
    titles = [t for t, _ in found]
    if titles == list(INDUSTRY_SECTIONS):
        return []
    for i, expected in enumerate(INDUSTRY_SECTIONS):
        if i >= len(found):
            return [f"{name}:{doc.body_line}: 缺少二级标题「## {expected}」（行业正文须依次包含：{'、'.join(INDUSTRY_SECTIONS)}）"]
        if found[i][0] != expected:
            return [f"{name}:{found[i][1]}: 第 {i + 1} 个二级标题应为「## {expected}」，实际为「## {found[i][0]}」"]
    extra_title, extra_line = found[len(INDUSTRY_SECTIONS)]
    return [f"{name}:{extra_line}: 多余的二级标题「## {extra_title}」"]


def _reference_errors_md(name: str, doc: MarkdownDoc, corpus: Corpus) -> list[str]:
    meta = doc.meta
    errors: list[str] = []
    if isinstance(meta, IndustryDoc):
        for pid in meta.fitting_products:
            if pid not in corpus.products:
                errors.append(f"{name}:2: fitting_products: 产品 {pid!r} 不存在")
        for iid in meta.upstream_industries + meta.downstream_industries:
            if iid not in corpus.industries and iid != meta.id:
                errors.append(f"{name}:2: 引用的行业 {iid!r} 不存在")
        errors += _section_errors(name, doc)
    return errors


def _reference_errors_faq(name: str, target: str, faq: FaqFile, corpus: Corpus) -> list[str]:
    errors: list[str] = []
    other_ids = {e.id: f.path for f in corpus.faq_files if f.path != target for e in f.entries}
    seen: set[str] = set()
    for e in faq.entries:
        if e.id in seen:
            errors.append(f"{name}:1: FAQ 编号 {e.id!r} 在本文件中重复")
        elif e.id in other_ids:
            errors.append(f"{name}:1: FAQ 编号 {e.id!r} 已在 {other_ids[e.id]} 中使用")
        seen.add(e.id)
        for pid in e.products:
            if pid not in corpus.products:
                errors.append(f"{name}:1: {e.id}: 产品 {pid!r} 不存在")
    return errors


def check_upload(name: str, data: bytes, corpus: Corpus) -> UploadCheck:
    """Validate ``data`` (uploaded as ``name``) against the loader and the current ``corpus``."""
    name = Path(name or "upload").name
    check = UploadCheck(name=name)
    suffix = Path(name).suffix.lower()
    if suffix not in {".md", ".yaml", ".yml"}:
        check.errors.append(f"{name}:1: 只接受 Markdown（.md，行业/产品/制度文档）或 YAML（.yaml，FAQ）文件")
        return check
    text, problem = _decode(name, data)
    if problem:
        check.errors.append(problem)
        return check
    check.text = text.replace("\r\n", "\n")
    with tempfile.TemporaryDirectory(prefix="puhui-upload-") as tmp:
        path = Path(tmp) / ("upload" + suffix)
        path.write_text(check.text, encoding="utf-8")
        if suffix == ".md":
            doc, errs = parse_markdown(path, name)
            if doc is not None:
                check.target = f"{FOLDERS[doc.doc_type]}/{doc.id}.md"
                check.summary = f"{TYPE_NAMES[doc.doc_type]} {doc.id} {getattr(doc.meta, 'name', '')}".strip()
                errs_text = [str(e) for e in errs] + _reference_errors_md(name, doc, corpus)
            else:
                errs_text = [str(e) for e in errs]
        else:
            if not FAQ_NAME.match(name):
                check.errors.append(f"{name}:1: FAQ 文件名须为小写字母、数字、下划线，如 loans.yaml")
                return check
            faq, errs = parse_faq(path, name)
            errs_text = [str(e) for e in errs]
            if faq is not None:
                check.target = f"faq/{name}"
                check.summary = f"FAQ {len(faq.entries)} 条"
                if not faq.entries and not errs:
                    errs_text.append(f"{name}:1: FAQ 文件中没有任何条目")
                errs_text += _reference_errors_faq(name, check.target, faq, corpus)
    check.errors.extend(errs_text)
    check.replaces = bool(check.target) and (corpus.root / check.target).exists()
    return check


def write_atomically(root: Path, check: UploadCheck) -> Path:
    """Write a validated upload to ``root/check.target`` via a temp file and ``os.replace``."""
    if not check.ok:
        raise ValueError("refusing to write a document that did not validate")
    target = (root / check.target).resolve()
    if root.resolve() not in target.parents:
        raise ValueError(f"target {check.target!r} is outside the corpus folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(check.text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
