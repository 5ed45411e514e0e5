"""The term dictionary behind entity linking: which phrases point to which segment, and how strongly.

Terms come from each industry's front matter (name, aliases, main products, scope keywords, clusters,
regions, upstream inputs), normalised with :func:`kb.textnorm.normalize` (traditional → simplified),
split into their listed parts, and reduced to a *core* by stripping generic business verbs
(「眼镜制造」 → 「眼镜」), because a 经营范围 says 眼镜批发 where the corpus says 眼镜制造.
The industry's own name and aliases also give their head-noun suffixes (「社区超市」 → 「超市」),
and four-character products their halves (「瓷砖石材」 → 「瓷砖」「石材」), at lower weight; boilerplate
(「货物进出口」「技术咨询」) is no term at all. A term's weight is its field weight times an idf over
segments, so a phrase many segments list counts for little and 「紫砂壶」 counts fully.

Matching (:meth:`TermIndex.match`) is exact substring first; then, at a discount, a homophone slip
in a term of three or more characters (「紫沙壶」, 「电线电揽」 — see :mod:`kb.linking.fuzzy`), one
inserted character (「强化木地板」 for 强化地板), or most of a long term's character bigrams
(「普通货物道路运输」 for 道路货物运输). Nested hits count once (:func:`strongest_per_segment`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kb.linking.fuzzy import bigrams, homophone_slip, one_insertion
from kb.schema import IndustryDoc
from kb.textnorm import normalize

#: Base weight of a term by the corpus field it came from.
FIELD_WEIGHTS: dict[str, float] = {
    "name": 3.0, "alias": 2.5, "main_product": 2.0, "scope_keyword": 2.0, "cluster": 0.8,
    "upstream_input": 0.4, "region": 0.6,
}
SUFFIX_FACTOR = 0.7  # 「社区超市」 → 「超市」: the head noun of an industry's own name or alias
NGRAM_FACTOR = 0.5  # share of a long term's character bigrams found in the text, when most are
HALF_FACTOR = 0.4  # each half of a four-character compound product (瓷砖石材, 虾蟹活鲜)
CORE_FACTOR = 0.8  # a stripped core is a little weaker than the phrase it came from
FUZZY_FACTOR = 0.6  # a one-character homophone slip counts for this share of the term
NGRAM_MIN_OVERLAP = 0.6

_AFFIXES = ("制造", "加工", "生产", "销售", "批发", "零售", "经销", "种植", "养殖", "服务", "经营", "维修",
            "制作", "收购", "安装", "配送", "租赁", "代理", "设计", "培训", "贸易", "制售", "分销", "回收",
            "捕捞", "酿造", "织造", "运输", "咨询", "门店", "店", "厂", "铺", "部")
#: Parts that say nothing about the industry on their own (a name split at 与/及 can leave them).
GENERIC_TERMS = frozenset(_AFFIXES) | frozenset("""公司 设备 产品 用品 配件 材料 制品 其他 业务 项目 工程 中心 系统 工具
技术 咨询 管理 营销 电商 网店 直播 门市 商行 批发零售 进出口 货物进出口 互联网销售 一般项目 许可项目
信息 科技 预包装 技术服务 技术开发 技术交流 技术转让 技术推广 信息咨询 信息技术""".split())
_PLACE_SUFFIX = re.compile(r"(市|县|区|镇|乡|街道)$")
_SPLIT = re.compile(r"[、，,；;/／及与+\s]+")
_PAREN = re.compile(r"[（(]([^（）()]*)[)）]")
_DROP = re.compile(r"[^\w]+")
_QUALIFIER = re.compile(r"^(不含|除|仅|限|须|需|含)|除外$")


#: Abbreviations written both ways in business text; folded to the short form on both sides.
_SYNONYMS = (("电子商务", "电商"), ("网上销售", "网络销售"), ("有限责任公司", "有限公司"))


def clean(text: str) -> str:
    """Normalised, lower-case text with punctuation and spaces removed (matching form)."""
    text = _DROP.sub("", normalize(text).lower())
    for long, short in _SYNONYMS:
        text = text.replace(long, short)
    return text


def split_phrase(phrase: str) -> list[tuple[str, bool]]:
    """「眼镜销售（不含隐形眼镜）」 → [(眼镜销售, False)]; 「树脂单体（MR系列）」 → [(树脂单体, False), (mr系列, True)].

    Parenthetical qualifications (不含/除/仅限 … 除外) are dropped; other parentheticals become parts
    flagged ``True`` (they are details, weighed lower).
    """
    phrase = normalize(phrase)
    inner = [m for m in _PAREN.findall(phrase) if not _QUALIFIER.search(m.strip())]
    outer = _PAREN.sub("、", phrase)
    parts: dict[str, bool] = {}
    for chunk, is_inner in [(outer, False)] + [(m, True) for m in inner]:
        for piece in _SPLIT.split(chunk):
            piece = clean(piece)
            if len(piece) >= 2 and piece not in parts:
                parts[piece] = is_inner
    return list(parts.items())


def cores(term: str, places: Iterable[str] = ()) -> list[str]:
    """Shorter forms of a term, longest first: places stripped in front, generic business words behind.

    「丹阳眼镜零售店」 → [眼镜零售店, 眼镜零售, 眼镜]: every intermediate form is a phrase people write.
    """
    out, current = [], term
    for place in sorted(places, key=len, reverse=True):
        if current.startswith(place) and len(current) - len(place) >= 2:
            current = current[len(place):]
    if current != term:
        out.append(current)
    changed = True
    while changed:
        changed = False
        for affix in _AFFIXES:
            if current.endswith(affix) and len(current) - len(affix) >= 2:
                current, changed = current[: -len(affix)], True
                out.append(current)
                break
    return out


def core(term: str, places: Iterable[str] = ()) -> str:
    """The shortest form of :func:`cores` (the term itself when nothing is generic)."""
    forms = cores(term, places)
    return forms[-1] if forms else term


def place_names(regions: Iterable[str]) -> list[str]:
    """「镇江市丹阳市」 → [镇江, 丹阳, 镇江市, 丹阳市]: the short forms people write."""
    out: list[str] = []
    for region in regions:
        region = normalize(region).strip()
        for part in re.findall(r".{2,}?(?:市|县|区|镇|乡|街道)", region) or [region]:
            short = _PLACE_SUFFIX.sub("", part)
            out.extend(p for p in (short, part) if len(p) >= 2)
    return list(dict.fromkeys(out))


def _repair_coordination(parts: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """「强化/实木地板」 splits into 强化 + 实木地板; the modifier gets the shared head back (强化地板)."""
    outer = [p for p, inner in parts if not inner]
    if len(outer) < 2 or len(outer[-1]) < 4:
        return parts
    head = outer[-1][-2:]
    return [(p + head if not inner and len(p) == 2 and p != outer[-1] and not p.endswith(head) else p, inner)
            for p, inner in parts]


@dataclass(frozen=True, slots=True)
class Term:
    weight: float
    field: str
    derived: bool  # a core or suffix made by us, not a phrase the corpus wrote


def segment_terms(meta: IndustryDoc) -> dict[str, Term]:
    """term → strongest :class:`Term` for one industry.

    Each listed part counts at its field weight (halved for parenthetical details, and for two-character
    fragments left by splitting a list); its core counts a little less; the industry's own name and
    aliases also give their head-noun suffixes (「社区超市」 → 「超市」). Parts whose core is generic
    (「制品销售」 → 「制品」) are dropped: they would match any business.
    """
    places = place_names(meta.regions)
    fields: list[tuple[str, list[str]]] = [
        ("name", [meta.name]), ("alias", meta.aliases), ("main_product", meta.main_products),
        ("scope_keyword", meta.scope_keywords), ("cluster", meta.clusters),
        ("upstream_input", meta.upstream_inputs),
    ]
    terms: dict[str, Term] = {}

    def put(term: str, weight: float, field: str, derived: bool) -> None:
        if len(term) >= 2 and term not in GENERIC_TERMS and (term not in terms or weight > terms[term].weight):
            terms[term] = Term(weight, field, derived)

    for field, phrases in fields:
        for phrase in phrases:
            parts = _repair_coordination(split_phrase(phrase))
            for part, inner in parts:
                forms = cores(part, places)
                stem = forms[-1] if forms else part
                if stem in GENERIC_TERMS or len(stem) < 2:
                    continue
                weight = FIELD_WEIGHTS[field] * (0.5 if inner else 1.0)
                if len(parts) > 1 and len(part) == 2:
                    weight *= 0.5
                put(part, weight, field, False)
                if field == "upstream_input":
                    continue
                for form in forms:
                    put(form, weight * CORE_FACTOR, field, True)
                if field in ("name", "alias"):
                    for cut in range(1, len(stem) - 1):
                        put(stem[cut:], weight * SUFFIX_FACTOR, field, True)
                if field in ("alias", "main_product") and len(part) == 4:  # 瓷砖石材 → 瓷砖, 石材
                    put(part[:2], weight * HALF_FACTOR, field, True)
                    put(part[2:], weight * HALF_FACTOR, field, True)
    for place in places:
        put(place, FIELD_WEIGHTS["region"], "region", False)
    return terms


@dataclass(frozen=True, slots=True)
class TermHit:
    segment: str
    term: str
    field: str  # corpus field the term came from
    kind: str  # "exact" | "fuzzy" | "ngram"
    weight: float  # effective weight (field × idf × kind factor)


class TermIndex:
    """All segments' terms with idf weights; :meth:`match` finds them in a text."""

    def __init__(self, industries: Iterable[IndustryDoc]) -> None:
        per_segment = {meta.id: segment_terms(meta) for meta in industries}
        n = max(len(per_segment), 1)
        df: dict[str, int] = defaultdict(int)
        for terms in per_segment.values():
            for term in terms:
                df[term] += 1
        self.segments = sorted(per_segment)
        self.entries: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
        originals: set[str] = set()
        for sid, terms in per_segment.items():
            for term, info in terms.items():
                idf = math.log(1 + n / df[term]) / math.log(1 + n)
                self.entries[term].append((sid, info.field, info.weight * idf))
                if not info.derived:
                    originals.add(term)
        self._first_chars = {t[0] for t in self.entries}
        self._fuzzy_terms = {t for t in originals if len(t) >= 3} | {t for t in self.entries if len(t) >= 4}
        self._bigram_terms: dict[str, list[str]] = defaultdict(list)
        self._bigram_count: dict[str, int] = {}
        for term in originals:
            if len(term) >= 4:
                grams = bigrams(term)
                self._bigram_count[term] = len(grams)
                for gram in grams:
                    self._bigram_terms[gram].append(term)

    def match(self, text: str) -> list[TermHit]:
        """Every term found in ``text`` (already :func:`clean`-ed): exact, homophone slip or bigram overlap."""
        hits: list[TermHit] = []
        chars = set(text)
        exact = {t for t in self.entries if t[0] in chars and t in text}
        for term in exact:
            hits.extend(TermHit(s, term, f, "exact", w) for s, f, w in self.entries[term])
        text_grams = bigrams(text)
        shared: dict[str, int] = defaultdict(int)
        for gram in text_grams:
            for term in self._bigram_terms.get(gram, ()):
                shared[term] += 1
        for term, count in shared.items():
            overlap = count / self._bigram_count[term]
            if term not in exact and count >= 3 and NGRAM_MIN_OVERLAP <= overlap:
                hits.extend(TermHit(s, term, f, "ngram", w * NGRAM_FACTOR * overlap) for s, f, w in self.entries[term])
        for term in self._fuzzy_terms:
            if term in exact or sum(ch in chars for ch in term) < len(term) - 1:
                continue
            if homophone_slip(term, text) or one_insertion(term, text):
                hits.extend(TermHit(s, term, f, "fuzzy", w * FUZZY_FACTOR) for s, f, w in self.entries[term])
        return hits


NESTED_FACTOR = 0.25


def strongest_per_segment(hits: Iterable[TermHit]) -> list[TermHit]:
    """Per segment, nested terms (「水产品零售」 ⊃ 「水产品」 ⊃ 「水产」) count fully once; the others
    nested in or around an already counted term add only :data:`NESTED_FACTOR` of their weight."""
    by_segment: dict[str, list[TermHit]] = defaultdict(list)
    for hit in hits:
        by_segment[hit.segment].append(hit)
    kept: list[TermHit] = []
    for seg_hits in by_segment.values():
        chosen: list[TermHit] = []
        for hit in sorted(seg_hits, key=lambda h: (-h.weight, -len(h.term), h.term)):
            if any(hit.term in c.term or c.term in hit.term for c in chosen):
                kept.append(TermHit(hit.segment, hit.term, hit.field, hit.kind, hit.weight * NESTED_FACTOR))
            else:
                chosen.append(hit)
        kept.extend(chosen)
    return kept
