"""Grounding check for generated answers: claims must come from the cited passages.

A model may phrase an answer, but the bank cannot let it invent a rate, a limit or a product feature.
The rule (issue 9): every sentence that carries a number or a product term must be supported by a
cited passage — each of its numbers occurs in that passage and enough of its character bigrams do —
otherwise the caller falls back to the extractive answer. Sentences without numbers or product
terms (greetings, hand-off phrases) need no support.

``sentence_supported`` is also the eval metric's building block (eval/metrics/answers.py imports it),
so the bot and its eval judge support with one definition.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from pydantic import BaseModel, Field

from kb.textnorm import fullwidth_to_halfwidth

_NUM = re.compile(r"\d+(?:\.\d+)?%?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
# A Chinese-numeral quantity ("三年", "五十万元", "两成"): the unit keeps 一些/一下 from counting.
_CN_NUM = re.compile(r"(?<![\d.])[一二三四五六七八九十两][零一二三四五六七八九十百千万亿两]*(?:万元|亿元|元|万|亿|年|个月|月|天|日|倍|成|期|%)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Citation markers the prompts ask for: [1], [^2], 【3】, [faq-001] — stripped before any check so
# the digits of a marker are never mistaken for a claimed number.
_MARKER = re.compile(r"\[\^?([A-Za-z0-9_.:\-]+)\]|【([A-Za-z0-9_.:\-]+)】")
#: Where a sentence ends (split after it): the grounding check and the live stream cut text the same way.
SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")

#: Terms whose every mention is a product claim (rates, limits, terms, fees, guarantees).
DEFAULT_PRODUCT_TERMS: tuple[str, ...] = (
    "利率", "年化", "利息", "额度", "期限", "担保", "抵押", "质押", "手续费", "费率", "罚息",
    "还款", "放款", "审批", "授信", "贷款", "保本", "收益", "结算",
)


def _norm(text: str) -> str:
    return _THOUSANDS.sub("", fullwidth_to_halfwidth(text))


def numbers_in(text: str) -> list[str]:
    """Arabic numbers (whole tokens, % kept) and Chinese-numeral quantities, citation markers removed."""
    text = _norm(_MARKER.sub(" ", text))
    return _NUM.findall(text) + _CN_NUM.findall(text)


def bigrams(text: str) -> set[str]:
    chars = [c for c in text if _CJK.match(c) or c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:])}


def sentence_supported(sentence: str, passage: str, min_overlap: float = 0.5) -> bool:
    """A sentence is supported when every number in it occurs in the passage (as a whole number, so
    30 is not found inside 300) and enough of its character bigrams do (Chinese has no spaces, so
    bigrams stand in for words)."""
    passage_n = _norm(passage)
    passage_numbers = set(_NUM.findall(passage_n))
    for n in numbers_in(sentence):
        if _NUM.fullmatch(n):
            if n not in passage_numbers:
                return False
        elif n not in passage_n:
            return False
    grams = bigrams(_MARKER.sub(" ", sentence))
    if not grams:
        return True
    return len(grams & bigrams(passage)) / len(grams) >= min_overlap


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def citation_keys(sentence: str) -> list[str]:
    return [a or b for a, b in _MARKER.findall(sentence)]


class SentenceCheck(BaseModel):
    sentence: str
    needs_support: bool
    supported: bool
    reason: str = ""


class GroundingReport(BaseModel):
    """``grounded`` is False when any claim-bearing sentence lacks support: use the extractive answer."""

    grounded: bool
    sentences: list[SentenceCheck] = Field(default_factory=list)

    @property
    def unsupported(self) -> list[str]:
        return [s.sentence for s in self.sentences if s.needs_support and not s.supported]


def anchored(answer: str, passages: Mapping[str, str] | Sequence[str], min_overlap: float = 0.5) -> bool:
    """Whether at least one sentence of ``answer`` is supported by a passage. The grounding check
    lets claim-free sentences through, so text that says nothing from the sources ("{not json", a
    greeting) would pass it on its own; an answer must also be anchored in what it cites."""
    texts = list(passages.values()) if isinstance(passages, Mapping) else list(passages)
    for sentence in split_sentences(answer):
        plain = _MARKER.sub("", sentence)
        if bigrams(plain) and any(sentence_supported(plain, p, min_overlap) for p in texts):
            return True
    return False


def _why_unsupported(sentence: str, candidates: Sequence[str], min_overlap: float) -> str:
    if not candidates:
        return "no cited passage"
    if not any(sentence_supported(sentence, p, 0.0) for p in candidates):
        return "number not in any cited passage"
    return f"less than {min_overlap:.0%} of its wording is in a cited passage"


def check_grounding(
    answer: str,
    passages: Mapping[str, str] | Sequence[str],
    *,
    product_terms: Collection[str] = (),
    min_overlap: float = 0.5,
) -> GroundingReport:
    """Check a generated answer against the passages it cites.

    ``passages`` maps citation key → passage text (or is a plain list, keyed "1", "2", … as the
    prompt numbers them). A sentence carrying markers such as ``[2]`` is checked against those
    passages only; a sentence without markers against all of them. ``product_terms`` (product names
    from the corpus) are added to ``DEFAULT_PRODUCT_TERMS``. An empty answer is not grounded.
    """
    if not isinstance(passages, Mapping):
        passages = {str(i): p for i, p in enumerate(passages, start=1)}
    terms = tuple(DEFAULT_PRODUCT_TERMS) + tuple(t for t in product_terms if t)
    checks: list[SentenceCheck] = []
    for sentence in split_sentences(answer):
        plain = _MARKER.sub("", sentence)
        has_number = bool(numbers_in(plain))
        term = next((t for t in terms if t in plain), None)
        if not has_number and term is None:
            checks.append(SentenceCheck(sentence=sentence, needs_support=False, supported=True))
            continue
        keys = [k for k in citation_keys(sentence) if k in passages]
        candidates = [passages[k] for k in keys] if keys else list(passages.values())
        ok = any(sentence_supported(plain, p, min_overlap) for p in candidates)
        why = "" if ok else _why_unsupported(plain, candidates, min_overlap)
        checks.append(SentenceCheck(sentence=sentence, needs_support=True, supported=ok, reason=why))
    grounded = bool(checks) and all(c.supported for c in checks)
    return GroundingReport(grounded=grounded, sentences=checks)
