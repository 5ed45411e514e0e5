"""Turn corpus documents into retrieval records (``Chunk``), Chinese-aware and with stable ids.

Markdown bodies are cut at headings first (the ``##`` section — plus ``###`` when present — is kept
as metadata, so a hit can say "丹阳眼镜 › 风险要点"), then at sentence ends (。！？；!?; and line
breaks, bullets and table rows) and packed into chunks of ~200–400 characters. A sentence is never
cut unless it alone exceeds the maximum (then at ，、, then by length). Each document also gets one
"overview" record built from its front matter (name, aliases, regions, products…), which is what a
short query such as "丹阳 眼镜 贷款" should hit.

FAQ entries become one record per standard question and one per similar question (embedded in the
``query`` role: question↔question matching is symmetric), plus one "answer" record (question +
answer, ``passage`` role) for queries that echo the answer's wording. All point to the same faq_id.

Ids hash the source path, section, ordinal and text: re-chunking an unchanged file gives the same
ids, so incremental ingest only touches what changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from kb.corpus import MarkdownDoc
from kb.schema import FaqEntry, IndustryDoc, ProductDoc
from kb.sources import MAIN_SOURCE, source_of

MIN_CHARS = 200
MAX_CHARS = 400

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]\s+|\d+[.、)）]\s*|[（(]\d+[)）]\s*|\|)")
_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)\]]*|$)")
_SOFT = re.compile(r"(?<=[，、,：:])")
_STAGES = {"upstream": "上游", "midstream": "中游", "downstream": "下游", "support": "配套服务"}


@dataclass(frozen=True)
class Chunk:
    """One retrieval record: what is shown (``text``), what is searched (``search_text``), and where
    it came from. ``role`` is the embedding role of ``search_text``."""

    id: str
    text: str
    search_text: str
    role: str  # "query" | "passage"
    doc_id: str
    doc_type: str  # industry | product | policy | faq
    title: str
    section: str
    source: str
    kind: str = "chunk"  # chunk | overview | standard | similar | answer
    industry_id: str = ""
    faq_id: str = ""
    answer: str = ""
    category: str = ""
    corpus: str = MAIN_SOURCE  # the corpus root (source name) the file belongs to: kb.sources

    def metadata(self) -> dict[str, str]:
        """Chroma metadata (scalar values only, no None)."""
        data = asdict(self)
        for key in ("id", "text", "search_text"):
            data.pop(key)
        return {k: str(v) for k, v in data.items()}

    @classmethod
    def from_row(cls, chunk_id: str, text: str, search_text: str, meta: dict[str, str]) -> "Chunk":
        defaults = {"corpus": MAIN_SOURCE}  # rows written before roots existed: the main corpus
        fields = {k: meta.get(k, defaults.get(k, "")) for k in cls.__dataclass_fields__
                  if k not in {"id", "text", "search_text"}}
        return cls(id=chunk_id, text=text, search_text=search_text, **fields)


_LONG_DIGIT_RUN = re.compile(r"\d{10,}")


def _break_digits(run: re.Match) -> str:
    return "".join("ghijklmnop"[int(c)] if i % 8 == 7 else c for i, c in enumerate(run.group()))


def chunk_id(prefix: str, *parts: object) -> str:
    """``prefix:`` + 16 hex digits of the parts' SHA-256. A run of 10 or more decimal digits in it
    (a few ids in a thousand) would be, alone or with the byte stored after it, an 11-digit mobile or a
    16-digit card number to masking by shape — the PII scan of a test index found
    ``faq_accounts_018:2733644554352534`` — so every 8th digit of such a run becomes a non-hex letter
    (g–p for 0–9). Every other id stays as it was."""
    digest = hashlib.sha256("\0".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]
    digest = _LONG_DIGIT_RUN.sub(_break_digits, digest)
    return f"{prefix}:{digest}"


# ---- sentences and packing ------------------------------------------------------------------
def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, ending punctuation (and closing quotes) kept."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _hard_split(unit: str, max_chars: int) -> list[str]:
    """A single over-long sentence: cut after ，、：, else every ``max_chars`` characters."""
    pieces, cur = [], ""
    for part in _SOFT.split(unit):
        while len(part) > max_chars:
            if cur:
                pieces.append(cur)
                cur = ""
            pieces.append(part[:max_chars])
            part = part[max_chars:]
        if cur and len(cur) + len(part) > max_chars:
            pieces.append(cur)
            cur = ""
        cur += part
    if cur:
        pieces.append(cur)
    return pieces


def _units(block_lines: list[str]) -> list[tuple[str, bool]]:
    """(unit, starts_new_line) pairs: list items and table rows stay whole lines, prose is split
    into sentences (soft-wrapped lines are joined first; Chinese needs no space)."""
    units: list[tuple[str, bool]] = []
    prose: list[str] = []

    def flush_prose() -> None:
        if prose:
            for i, s in enumerate(split_sentences("".join(prose))):
                units.append((s, i == 0))
            prose.clear()

    for line in block_lines:
        if _LIST_ITEM.match(line):
            flush_prose()
            units.append((line.strip(), True))
        else:
            prose.append(line.strip())
    flush_prose()
    return units


def pack(units: list[tuple[str, bool]], min_chars: int = MIN_CHARS, max_chars: int = MAX_CHARS) -> list[str]:
    """Pack sentence units into chunks of at most ``max_chars`` (a lone longer sentence is
    hard-split), balanced: a section of L characters becomes ceil(L / max) chunks of about equal
    size rather than full chunks plus a scrap. A tail under ``min_chars / 2`` joins the previous
    chunk when that stays within ``max_chars + min_chars / 2``."""
    pieces = [(p, nl and i == 0) for unit, nl in units
              for i, p in enumerate([unit] if len(unit) <= max_chars else _hard_split(unit, max_chars))]
    total = sum(len(p) for p, _ in pieces)
    target = total / max(1, -(-total // max_chars))
    chunks: list[str] = []
    cur = ""
    for piece, newline in pieces:
        sep = "\n" if newline and cur else ""
        if cur and (len(cur) + len(sep) + len(piece) > max_chars or len(cur) >= target):
            chunks.append(cur)
            cur, sep = "", ""
        cur += sep + piece
    if cur:
        if chunks and len(cur) < min_chars // 2 and len(chunks[-1]) + 1 + len(cur) <= max_chars + min_chars // 2:
            chunks[-1] = chunks[-1] + "\n" + cur
        else:
            chunks.append(cur)
    return chunks


def sections(body: str) -> list[tuple[str, list[list[str]]]]:
    """(section title, paragraphs as line lists) in order; text before any heading has section ""."""
    out: list[tuple[str, list[list[str]]]] = []
    h2, title, blocks, block = "", "", [], []

    def close() -> None:
        if block:
            blocks.append(list(block))
            block.clear()

    for line in body.split("\n"):
        m = _HEADING.match(line)
        if m:
            close()
            if blocks:
                out.append((title, list(blocks)))
            blocks = []
            level, text = len(m.group(1)), m.group(2).strip()
            if level <= 2:
                h2, title = ("" if level == 1 else text), ("" if level == 1 else text)
            else:
                title = f"{h2} / {text}" if h2 else text
        elif not line.strip():
            close()
        else:
            block.append(line)
    close()
    if blocks:
        out.append((title, blocks))
    return out


# ---- documents --------------------------------------------------------------------------------
def _overview(doc: MarkdownDoc) -> str:
    meta = doc.meta
    if isinstance(meta, IndustryDoc):
        return (f"{meta.name}（{'、'.join(meta.aliases)}）。产业链：{meta.chain_name}，"
                f"{_STAGES[meta.chain_stage]}环节。地区：{'、'.join(meta.regions)}。"
                f"产业集群：{'、'.join(meta.clusters)}。主要产品：{'、'.join(meta.main_products)}。"
                f"经营范围：{'、'.join(meta.scope_keywords)}。风险：{'、'.join(meta.risk_tags)}。")
    if isinstance(meta, ProductDoc):
        parts = [f"{meta.name}" + (f"（{'、'.join(meta.aliases)}）" if meta.aliases else "") + f"：{meta.summary}",
                 f"适用客户：{'、'.join(meta.target_customers)}。"]
        if meta.amount_wan:
            parts.append(f"额度{meta.amount_wan.min:g}-{meta.amount_wan.max:g}万元。")
        if meta.tenor_months:
            parts.append(f"期限{meta.tenor_months.min:g}-{meta.tenor_months.max:g}个月。")
        if meta.rate_pct:
            parts.append(f"年利率{meta.rate_pct.min:g}%-{meta.rate_pct.max:g}%。")
        return "".join(parts)
    return ""


def markdown_chunks(doc: MarkdownDoc, min_chars: int = MIN_CHARS, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Chunks of one industry/product/policy document (overview record first)."""
    title = str(getattr(doc.meta, "name", doc.id))
    industry = doc.id if doc.doc_type == "industry" else ""
    base = {"doc_id": doc.id, "doc_type": doc.doc_type, "title": title, "source": doc.path,
            "industry_id": industry, "role": "passage", "corpus": source_of(doc.path)}
    out: list[Chunk] = []
    overview = _overview(doc)
    if overview:
        out.append(Chunk(id=chunk_id(doc.id, doc.path, "概要", 0, overview), text=overview,
                         search_text=f"{title}｜概要\n{overview}", section="概要", kind="overview", **base))
    for section, blocks in sections(doc.body):
        units = [u for block in blocks for u in _units(block)]
        for ordinal, text in enumerate(pack(units, min_chars, max_chars)):
            head = f"{title}｜{section}" if section else title
            out.append(Chunk(id=chunk_id(doc.id, doc.path, section, ordinal, text), text=text,
                             search_text=f"{head}\n{text}", section=section, **base))
    return out


def faq_chunks(entry: FaqEntry, source: str, with_answer: bool = True) -> list[Chunk]:
    """One record per standard and similar question (+ the answer record), same faq_id."""
    base = {"doc_id": entry.id, "doc_type": "faq", "title": entry.question, "section": entry.category,
            "source": source, "faq_id": entry.id, "answer": entry.answer, "category": entry.category,
            "corpus": source_of(source)}
    out = [Chunk(id=chunk_id(entry.id, source, "standard", 0, entry.question), text=entry.question,
                 search_text=entry.question, role="query", kind="standard", **base)]
    for i, q in enumerate(dict.fromkeys(s for s in entry.similar if s and s != entry.question)):
        out.append(Chunk(id=chunk_id(entry.id, source, "similar", i, q), text=q, search_text=q,
                         role="query", kind="similar", **base))
    if with_answer:
        out.append(Chunk(id=chunk_id(entry.id, source, "answer", 0, entry.answer), text=entry.answer,
                         search_text=f"{entry.question}\n{entry.answer}", role="passage", kind="answer", **base))
    return out


def faq_file_chunks(entries: Iterable[FaqEntry], source: str, with_answer: bool = True) -> list[Chunk]:
    return [c for e in entries for c in faq_chunks(e, source, with_answer)]
