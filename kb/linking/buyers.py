"""Who a business sells to is not what it is: 「碾成大米卖给超市」 describes a rice grower, not a supermarket.

Colloquial descriptions name their customers («卖给超市», «给饭店供货», «批发给各地眼镜店»). Those
phrases are cut out of the text before term matching and matched instead against each segment's
``downstream_buyers``, where they are (weak) evidence *for* the segments that sell to such buyers.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable

from kb.linking.terms import GENERIC_TERMS, clean, split_phrase
from kb.schema import IndustryDoc

# 「卖给X」「批发给X」「销往X」…: X runs to the end of the clause.
_SELL_TO = re.compile(r"(?:卖给|售给|销给|供货给|供应给|批发给|发货给|销往|发往|配送到|配送给|送到)([^，。；;,！!？?]{1,16})")
# 「给X供货」「给X配套」「替X加工」: X sits between the two words.
_FOR = re.compile(r"(?:给|替|为|向)([^，。；;,给替为向]{1,12}?)(?:供货|铺货|配货|配送|供应|配套|代工|加工|做配套)")


def split_buyer_phrases(text: str) -> tuple[str, list[str]]:
    """(text without its customer phrases, the customer phrases)."""
    buyers: list[str] = []

    def cut(match: re.Match) -> str:
        buyers.append(match.group(1))
        return "，"

    text = _FOR.sub(cut, text)
    text = _SELL_TO.sub(cut, text)
    return text, [b for b in buyers if b.strip()]


class BuyerIndex:
    """Terms of every segment's ``downstream_buyers`` (idf-weighted like :class:`kb.linking.terms.TermIndex`)."""

    def __init__(self, industries: Iterable[IndustryDoc]) -> None:
        per_segment: dict[str, set[str]] = {}
        for meta in industries:
            terms: set[str] = set()
            for phrase in meta.downstream_buyers:
                for part, _ in split_phrase(phrase):
                    terms.add(part)
                    if len(part) >= 4:  # 饭店酒楼 → 饭店, 酒楼
                        terms.update({part[:2], part[2:]})
            per_segment[meta.id] = {t for t in terms if len(t) >= 2 and t not in GENERIC_TERMS}
        n = max(len(per_segment), 1)
        df: dict[str, int] = defaultdict(int)
        for terms in per_segment.values():
            for term in terms:
                df[term] += 1
        self.entries: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for sid, terms in per_segment.items():
            for term in terms:
                self.entries[term].append((sid, math.log(1 + n / df[term]) / math.log(1 + n)))

    def match(self, phrases: list[str]) -> dict[str, tuple[float, list[str]]]:
        """segment → (score, buyer terms found); each term counts once per segment."""
        text = "，".join(clean(p) for p in phrases)
        out: dict[str, tuple[float, list[str]]] = {}
        for term, postings in self.entries.items():
            if term in text:
                for sid, weight in postings:
                    score, terms = out.get(sid, (0.0, []))
                    out[sid] = (score + weight, terms + [term])
        return out
