"""Read the corpus folder into typed documents, reporting every malformed file by name and line.

A malformed file never stops the others from loading: it is returned in ``Corpus.errors`` with the
file, the line and a readable message, so ``puhui ingest`` can report it and go on. FAQ files are YAML
lists or plain question/answer tables (``.csv``/``.tsv``, ``kb.faq_table``); an entry without an id
gets a deterministic one (hash of file and question), without a category the file's name. Valid but
suspicious entries (very short question or answer) are kept and listed in ``Corpus.warnings``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kb.faq_table import TABLE_SUFFIXES, read_table
from kb.schema import FaqEntry, IndustryDoc, PolicyDoc, ProductDoc
from kb.textnorm import normalize

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
MODELS: dict[str, type[BaseModel]] = {"industry": IndustryDoc, "product": ProductDoc, "policy": PolicyDoc}


@dataclass(frozen=True)
class CorpusError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class MarkdownDoc:
    """A Markdown document: its validated front matter, its raw body and where it came from."""

    path: str  # relative to the corpus root, with forward slashes
    meta: BaseModel
    body: str
    body_line: int  # 1-based line number where the body starts in the file
    sha256: str

    @property
    def doc_type(self) -> str:
        return self.meta.doc_type  # type: ignore[attr-defined]

    @property
    def id(self) -> str:
        return self.meta.id  # type: ignore[attr-defined]


@dataclass
class FaqFile:
    path: str
    entries: list[FaqEntry]
    sha256: str
    warnings: list[CorpusError] = field(default_factory=list)


@dataclass
class Corpus:
    root: Path
    industries: dict[str, MarkdownDoc] = field(default_factory=dict)
    products: dict[str, MarkdownDoc] = field(default_factory=dict)
    policies: dict[str, MarkdownDoc] = field(default_factory=dict)
    faq_files: list[FaqFile] = field(default_factory=list)
    errors: list[CorpusError] = field(default_factory=list)
    warnings: list[CorpusError] = field(default_factory=list)

    @property
    def faqs(self) -> list[FaqEntry]:
        return [e for f in self.faq_files for e in f.entries]

    def industry(self, industry_id: str) -> IndustryDoc:
        return self.industries[industry_id].meta  # type: ignore[return-value]

    def product(self, product_id: str) -> ProductDoc:
        return self.products[product_id].meta  # type: ignore[return-value]

    def policy(self, kind: str) -> PolicyDoc | None:
        for doc in self.policies.values():
            if doc.meta.policy_kind == kind:  # type: ignore[attr-defined]
                return doc.meta  # type: ignore[return-value]
        return None


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _key_line(text: str, loc: tuple[Any, ...], offset: int) -> int:
    """Best-effort line of the first key named in a pydantic error location."""
    for part in loc:
        if isinstance(part, str):
            m = re.search(rf"^\s*-?\s*{re.escape(part)}\s*:", text, re.M)
            if m:
                return offset + text.count("\n", 0, m.start())
    return offset


def _validation_errors(rel: str, exc: ValidationError, text: str, offset: int) -> list[CorpusError]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc) or "(document)"
        out.append(CorpusError(rel, _key_line(text, loc, offset), f"{where}: {err['msg']}"))
    return out


def parse_markdown(path: Path, rel: str) -> tuple[MarkdownDoc | None, list[CorpusError]]:
    """Parse one Markdown file with YAML front matter; return the document or its errors."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [CorpusError(rel, 1, f"not UTF-8 text ({exc.reason})")]
    text = normalize(raw)
    m = FRONT_MATTER.match(text)
    if not m:
        return None, [CorpusError(rel, 1, "missing YAML front matter (a '---' block at the top)")]
    try:
        meta = yaml.safe_load(m.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        return None, [CorpusError(rel, line, f"YAML error: {getattr(exc, 'problem', exc)}")]
    if not isinstance(meta, dict):
        return None, [CorpusError(rel, 2, "front matter must be a mapping")]
    model = MODELS.get(str(meta.get("doc_type")))
    if model is None:
        return None, [CorpusError(rel, _key_line(m.group(1), ("doc_type",), 2),
                                  f"doc_type must be one of {sorted(MODELS)}")]
    try:
        doc_meta = model.model_validate(meta)
    except ValidationError as exc:
        return None, _validation_errors(rel, exc, m.group(1), 2)
    body_line = text.count("\n", 0, m.end()) + 1
    return MarkdownDoc(rel, doc_meta, text[m.end():], body_line, sha256_text(raw)), []


def faq_id_for(rel: str, question: str) -> str:
    """Deterministic id of an entry that has none: the same file and question give the same id."""
    return "faq_" + hashlib.sha256(f"{rel}\0{question}".encode("utf-8")).hexdigest()[:16]


def _faq_entries(rel: str, items: list[tuple[int, object]]) -> tuple[list[FaqEntry], list[CorpusError], list[CorpusError]]:
    """Validate ``(line, raw entry)`` pairs: (entries with id and category filled, errors, warnings)."""
    entries, errors, warnings = [], [], []
    category = Path(rel.rpartition(":")[2]).stem
    for i, (line, item) in enumerate(items):
        try:
            entry = FaqEntry.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"]) or "(entry)"
                errors.append(CorpusError(rel, line, f"entry {i + 1} {where}: {err['msg']}"))
            continue
        entry = entry.model_copy(update={"id": entry.id or faq_id_for(rel, entry.question),
                                         "category": entry.category or category})
        warnings.extend(CorpusError(rel, line, f"entry {i + 1} {w}") for w in entry.warnings())
        entries.append(entry)
    return entries, errors, warnings


def _normalized(fields: dict[str, object]) -> dict[str, object]:
    return {k: [normalize(x) for x in v] if isinstance(v, list) else normalize(str(v)) for k, v in fields.items()}


def parse_faq(path: Path, rel: str) -> tuple[FaqFile | None, list[CorpusError]]:
    """Parse an FAQ file (YAML list or CSV/TSV table). Bad entries are reported; good ones are kept."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [CorpusError(rel, 1, f"not UTF-8 text ({exc.reason})")]
    text = normalize(raw)
    if path.suffix.lower() in TABLE_SUFFIXES:  # cells are normalised one by one (tabs and commas are structure)
        rows, problem = read_table(raw, TABLE_SUFFIXES[path.suffix.lower()])
        if problem:
            return None, [CorpusError(rel, 1, problem)]
        items: list[tuple[int, object]] = [(r.line, _normalized(r.fields)) for r in rows]
    else:
        try:
            nodes = yaml.compose(text)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            return None, [CorpusError(rel, (mark.line + 1) if mark else 1, f"YAML error: {getattr(exc, 'problem', exc)}")]
        if not isinstance(data, list):
            return None, [CorpusError(rel, 1, "an FAQ file is a YAML list of entries")]
        items = [(nodes.value[i].start_mark.line + 1 if nodes is not None else 1, item) for i, item in enumerate(data)]
    entries, errors, warnings = _faq_entries(rel, items)
    return FaqFile(rel, entries, sha256_text(raw), warnings), errors


def iter_source_files(root: Path) -> list[Path]:
    """Corpus source files in a stable order (Markdown, FAQ YAML and FAQ tables; README files are docs;
    ``*.rules.yaml`` are machine-read policy lists, e.g. the prohibited-business list, not documents)."""
    kinds = {".md", ".yaml", ".yml", *TABLE_SUFFIXES}
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in kinds
             and not p.name.endswith(".rules.yaml")]
    return sorted(p for p in files if p.name.lower() != "readme.md" and not p.name.startswith("."))


def load_corpus(root: Path) -> Corpus:
    """Load every document under ``root``; duplicates and dangling references become errors."""
    corpus = Corpus(root=root)
    seen_faq: set[str] = set()
    for path in iter_source_files(root):
        rel = path.relative_to(root).as_posix()
        if path.suffix.lower() == ".md":
            doc, errs = parse_markdown(path, rel)
            corpus.errors.extend(errs)
            if doc is None:
                continue
            bucket = {"industry": corpus.industries, "product": corpus.products, "policy": corpus.policies}[doc.doc_type]
            if doc.id in bucket:
                corpus.errors.append(CorpusError(rel, 2, f"duplicate id {doc.id!r} (also in {bucket[doc.id].path})"))
                continue
            bucket[doc.id] = doc
        else:
            faq, errs = parse_faq(path, rel)
            corpus.errors.extend(errs)
            if faq is None:
                continue
            corpus.warnings.extend(faq.warnings)
            unique = []
            for e in faq.entries:
                if e.id in seen_faq:
                    corpus.errors.append(CorpusError(rel, 1, f"duplicate FAQ id {e.id!r}"))
                    continue
                seen_faq.add(e.id)
                unique.append(e)
            faq.entries = unique
            corpus.faq_files.append(faq)
    return corpus


def reference_errors(corpus: Corpus) -> list[CorpusError]:
    """Cross-document checks: products and industries referenced must exist."""
    errors = []
    for doc in corpus.industries.values():
        meta: IndustryDoc = doc.meta  # type: ignore[assignment]
        for pid in meta.fitting_products:
            if pid not in corpus.products:
                errors.append(CorpusError(doc.path, 2, f"fitting_products: product {pid!r} is not defined"))
        for iid in meta.upstream_industries + meta.downstream_industries:
            if iid not in corpus.industries:
                errors.append(CorpusError(doc.path, 2, f"industry {iid!r} referenced but not defined"))
    for faq in corpus.faq_files:
        for e in faq.entries:
            for pid in e.products:
                if pid not in corpus.products:
                    errors.append(CorpusError(faq.path, 1, f"{e.id}: product {pid!r} is not defined"))
    return errors
