"""Prohibited and illegal businesses: recognised in an application's own words, declined outright.

A bank does not lend to gambling (incl. promoting online gambling), pyramid selling, illegal
fund-raising, virtual-currency trading, unlicensed lending, nor to what is on its own list (small
chemicals and the like) — whatever industry the linker finds, and even when it finds none. The
list is a policy file staff edit (``kb/corpus/policies/prohibited_business.rules.yaml``, or a
data-dir override), so it is data, versioned, and its version and SHA-256 go into the audit log.

Recognition, per category, over the enterprise name, business scope, main products and the loan
purpose: the lexicon (plain words, disguised ones included: 菠菜 for 博彩, U商, 跑分), patterns for
combinations (「发展下线…返利」, 「向村民…吸收资金」), and — optional, when an embedder is given — the e5
similarity of each clause to the category's labelled exemplars. Words negated in their clause
(「化工产品销售（不含危险化学品）」, 「防范非法集资宣传」) do not count. A hit carries the rule id, the
field, the matched words and how they were found, so the decline explains itself.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "kb" / "corpus" / "policies" / "prohibited_business.rules.yaml"
OVERRIDE_NAME = "prohibited_business.rules.yaml"
FIELD_LABELS = {"name": "企业名称", "business_scope": "经营范围", "main_products": "主营产品", "purpose": "贷款用途"}
_CLAUSE_END = re.compile(r"[，；。,;、（）()\n]")
_NEGATION_WINDOW = 8


class ProhibitedCategory(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Z0-9_]+$")
    name: str
    terms: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    exemplars: list[str] = Field(default_factory=list)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"pattern {p!r} does not compile: {exc}") from None
        return patterns


class ProhibitedPolicy(BaseModel):
    """The prohibited-business list as staff wrote it, with where it came from and its hash."""

    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    version: str
    negations: list[str] = Field(default_factory=list)
    categories: list[ProhibitedCategory] = Field(min_length=1)
    source: str = ""
    sha256: str = ""

    @property
    def audit_tag(self) -> str:
        """What the audit log records: the list's version and the first 12 hex of its file hash."""
        return f"{self.id}@{self.version}#{self.sha256[:12]}"


class ProhibitedHit(BaseModel):
    rule_id: str
    category: str
    field: str
    matched: list[str]
    method: Literal["lexicon", "pattern", "similarity"]
    similarity: float | None = None
    exemplar: str | None = None

    @property
    def reason(self) -> str:
        words = "、".join(f"“{w}”" for w in self.matched)
        if self.method == "similarity":
            how = f"与禁入样例“{self.exemplar}”语义相近（相似度{self.similarity or 0:.2f}）"
        else:
            how = "命中禁入词" if self.method == "lexicon" else "命中禁入说法"
        return f"{FIELD_LABELS.get(self.field, self.field)}涉及{self.category}，属本行禁止授信业务：{how}{words}"


def resolve_file(data_dir: Path | None = None, override: Path | None = None) -> Path:
    """The explicit file, else ``data_dir/policies/<name>`` when staff put one there, else the shipped one."""
    if override is not None:
        return override
    if data_dir is not None and (Path(data_dir) / "policies" / OVERRIDE_NAME).is_file():
        return Path(data_dir) / "policies" / OVERRIDE_NAME
    return DEFAULT_FILE


def load_policy(path: Path | None = None) -> ProhibitedPolicy:
    """Parse and validate the list; a broken file raises ValueError naming the file and the problem."""
    path = Path(path or DEFAULT_FILE)
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: not a readable YAML file ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the prohibited-business list must be a YAML mapping")
    try:
        return ProhibitedPolicy.model_validate({**data, "source": str(path), "sha256": hashlib.sha256(raw).hexdigest()})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"{path}: {problems}") from None


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The clause text before and after a match (clauses end at punctuation and brackets)."""
    lo = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    nxt = _CLAUSE_END.search(text, end)
    return text[lo:start], text[end:nxt.start() if nxt else len(text)]


def _negated(text: str, start: int, end: int, negations: list[str]) -> bool:
    before, after = _clause(text, start, end)
    # the enclosing bracket, when the match sits in one: 「（不含危险化学品）」
    window = before[-_NEGATION_WINDOW:]
    return any(n in window for n in negations) or "除外" in after


def _ascii_word_ok(text: str, start: int, end: int, term: str) -> bool:
    if not term.isascii():
        return True
    left = text[start - 1] if start > 0 else " "
    right = text[end] if end < len(text) else " "
    return not (left.isascii() and left.isalnum()) and not (right.isascii() and right.isalnum())


def _find_terms(text: str, terms: list[str], negations: list[str]) -> list[str]:
    found = []
    low = text.lower()
    for term in terms:
        t = term.lower()
        for m in re.finditer(re.escape(t), low):
            if _ascii_word_ok(text, m.start(), m.end(), term) and not _negated(text, m.start(), m.end(), negations):
                found.append(term)
                break
    return found


def _find_patterns(text: str, patterns: list[str], negations: list[str]) -> list[str]:
    found = []
    for p in patterns:
        for m in re.finditer(p, text):
            if not _negated(text, m.start(), m.end(), negations):
                found.append(m.group(0))
                break
    return found


def application_texts(app: dict[str, Any]) -> dict[str, str]:
    """The fields an application states its business in (a dumped ``Application``)."""
    ent, loan = app.get("enterprise") or {}, app.get("loan") or {}
    return {"name": ent.get("name") or "", "business_scope": ent.get("business_scope") or "",
            "main_products": "、".join(ent.get("main_products") or []), "purpose": loan.get("purpose") or ""}


class ExemplarIndex:
    """The exemplars' vectors, embedded once; a clause's best match per category."""

    def __init__(self, policy: ProhibitedPolicy, embedder: Any, threshold: float):
        self.embedder, self.threshold = embedder, threshold
        self.items = [(c, e) for c in policy.categories for e in c.exemplars]
        self.vectors = np.asarray(embedder.embed([e for _, e in self.items], role="passage"), dtype=np.float32) \
            if self.items else np.zeros((0, 1), dtype=np.float32)

    def best(self, clause: str) -> tuple[ProhibitedCategory, str, float] | None:
        if not self.items or len(clause) < 6:
            return None
        v = np.asarray(self.embedder.embed_one(clause, role="query"), dtype=np.float32)
        sims = self.vectors @ v
        i = int(np.argmax(sims))
        return (*self.items[i], float(sims[i])) if sims[i] >= self.threshold else None


def screen(policy: ProhibitedPolicy, texts: dict[str, str], exemplars: ExemplarIndex | None = None
           ) -> list[ProhibitedHit]:
    """Every category an application's texts fall in, one hit per (category, field), lexicon first."""
    hits: list[ProhibitedHit] = []
    for field, text in texts.items():
        if not text.strip():
            continue
        for cat in policy.categories:
            words = _find_terms(text, cat.terms, policy.negations)
            if words:
                hits.append(ProhibitedHit(rule_id=cat.id, category=cat.name, field=field, matched=words, method="lexicon"))
                continue
            spans = _find_patterns(text, cat.patterns, policy.negations)
            if spans:
                hits.append(ProhibitedHit(rule_id=cat.id, category=cat.name, field=field, matched=spans, method="pattern"))
    if exemplars is not None:
        seen = {(h.rule_id, h.field) for h in hits}
        for field, text in texts.items():
            if field == "main_products":
                continue
            for clause in (c.strip() for c in re.split(r"[；。;\n]", text)):
                best = exemplars.best(clause) if clause else None
                if best and (best[0].id, field) not in seen and not _negated(clause, 0, len(clause), policy.negations):
                    cat, exemplar, sim = best
                    seen.add((cat.id, field))
                    hits.append(ProhibitedHit(rule_id=cat.id, category=cat.name, field=field, matched=[clause],
                                              method="similarity", similarity=round(sim, 3), exemplar=exemplar))
    return hits
