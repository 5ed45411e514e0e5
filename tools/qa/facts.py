"""Checks an agent's sentence against the knowledge base: product ranges, official numbers, FAQ facts.

Three checks, each narrow enough to be right when it speaks:
1. a rate / amount / tenor stated next to a product name must lie in that product's range;
2. a hotline number (400-…, 95…) must be one of the bank's official numbers;
3. a clause that says nearly the same thing as an approved FAQ answer or product text (character
   bigram coverage ≥ ``similarity``) must carry the same numbers as at least one such clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tools.cs.policy import DEFAULT_BANK_NAME

_CLAUSE = re.compile(r"[^，。！？；,!?;\n]+")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_HOTLINE = re.compile(r"(?<!\d)(400[- ]?\d{3}[- ]?\d{4}|800[- ]?\d{3}[- ]?\d{4}|95\d{3,4})(?!\d)")
_RANGE_SEP = r"\s*(?:%|％)?\s*(?:至|到|-|~|—|～)\s*"
_RATE = re.compile(r"(\d+(?:\.\d+)?)(?:" + _RANGE_SEP + r"(\d+(?:\.\d+)?))?\s*(?:%|％)")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(?:\s*万?" + _RANGE_SEP.replace("(?:%|％)?", "") + r"(\d+(?:\.\d+)?))?\s*(万|亿)")
_TENOR = re.compile(r"(\d+)(?:\s*(?:个月)?" + _RANGE_SEP.replace("(?:%|％)?", "") + r"(\d+))?\s*(个月|年)")
_RATE_KEYS = ("利率", "年化", "利息", "收益", "业绩比较基准")
_AMOUNT_KEYS = ("额度", "最高", "可贷", "能贷", "最多", "授信", "贷款金额", "借款金额", "金额")
_TENOR_KEYS = ("期限", "最长", "贷款期", "借款期", "可贷", "分期")
_LABELS = {"rate": "利率", "amount_wan": "额度", "tenor_months": "期限"}
_NOT_RATE = ("担保费", "手续费", "费率", "管理费", "服务费", "开票金额", "流水的", "回款的", "首付")


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if not c.isdigit() and not c.isspace() and c not in ".%％-~至到"]
    return {a + b for a, b in zip(chars, chars[1:])}


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


@dataclass
class ProductFacts:
    id: str
    name: str
    names: list[str]
    rate: tuple[float, float] | None
    amount_wan: tuple[float, float] | None
    tenor_months: tuple[float, float] | None


@dataclass
class FactIssue:
    start: int
    end: int
    text: str
    message: str


@dataclass
class KbFacts:
    """Facts extracted once from a corpus; ``check(text)`` finds contradictions in one agent turn."""

    official_numbers: set[str]
    products: list[ProductFacts]
    clauses: list[tuple[str, frozenset[str], set[str]]] = field(default_factory=list)  # (clause, numbers, bigrams)
    similarity: float = 0.6
    product_window: int = 40
    bank_name: str = DEFAULT_BANK_NAME  # whose official numbers these are (named in the finding)

    @classmethod
    def from_corpus(cls, corpus, official_numbers: list[str], similarity: float = 0.6,
                    product_window: int = 40, bank_name: str = DEFAULT_BANK_NAME) -> "KbFacts":
        products = []
        for doc in corpus.products.values():
            m = doc.meta
            rng = lambda r: (r.min, r.max) if r is not None else None  # noqa: E731
            products.append(ProductFacts(m.id, m.name, sorted({m.name, *m.aliases}, key=len, reverse=True),
                                         rng(m.rate_pct), rng(m.amount_wan), rng(m.tenor_months)))
        texts = [f.answer for f in corpus.faqs] + [d.body for d in corpus.products.values()]
        clauses = []
        for text in texts:
            for c in _CLAUSE.findall(text):
                nums = frozenset(_NUM.findall(c))
                if nums and len(c) >= 6:
                    clauses.append((c, nums, _bigrams(c)))
        numbers = {_digits(n) for n in official_numbers}
        for f in corpus.faqs:  # every hotline the approved answers use is official by definition
            numbers |= {_digits(n) for n in _HOTLINE.findall(f.answer)}
        return cls(numbers, products, clauses, similarity, product_window, bank_name)

    # --- 1. product ranges -------------------------------------------------------------------
    def product_in(self, text: str) -> ProductFacts | None:
        """The product named last in ``text`` (e.g. the customer's question), or None."""
        return self._product_at(text, len(text), whole=True)

    def _product_at(self, text: str, pos: int, whole: bool = False) -> ProductFacts | None:
        """The product named nearest before ``pos`` (within the window, same sentence)."""
        if whole:
            best, best_pos = None, -1
            for p in self.products:
                for name in p.names:
                    i = text.rfind(name)
                    if i > best_pos:
                        best, best_pos = p, i
            return best
        best, best_pos = None, -1
        lo = max(0, pos - self.product_window)
        window = text[lo:pos]
        cut = max(window.rfind("。"), window.rfind("！"), window.rfind("？"), window.rfind("\n"))
        window, lo = (window[cut + 1:], lo + cut + 1) if cut >= 0 else (window, lo)
        for p in self.products:
            for name in p.names:
                i = window.rfind(name)
                if i >= 0 and lo + i > best_pos:
                    best, best_pos = p, lo + i
        return best

    @staticmethod
    def _keyed(text: str, start: int, keys: tuple[str, ...], width: int = 10) -> bool:
        before = text[max(0, start - width):start]
        return any(k in before for k in keys)

    def _range_issues(self, text: str, context: ProductFacts | None = None) -> list[FactIssue]:
        issues = []
        for rx, keys, attr, unit in ((_RATE, _RATE_KEYS, "rate", "%"), (_AMOUNT, _AMOUNT_KEYS, "amount_wan", "万元"),
                                     (_TENOR, _TENOR_KEYS, "tenor_months", "个月")):
            for m in rx.finditer(text):
                if not self._keyed(text, m.start(), keys) or (attr == "rate" and self._keyed(text, m.start(), _NOT_RATE, 8)):
                    continue
                product = self._product_at(text, m.start()) or context
                bounds = getattr(product, attr) if product else None
                if bounds is None:
                    continue
                values = [float(v) for v in (m.group(1), m.group(2)) if v]
                if attr == "amount_wan" and m.group(3) == "亿":
                    values = [v * 10000 for v in values]
                if attr == "tenor_months" and m.group(3) == "年":
                    values = [v * 12 for v in values]
                lo, hi = bounds
                bad = [v for v in values if v < lo - 1e-9 or v > hi + 1e-9]
                if bad:
                    what = _LABELS[attr]
                    issues.append(FactIssue(m.start(), m.end(), m.group(0),
                                            f"{product.name}的{what}范围是 {lo:g}–{hi:g}{unit}，对话中说的是“{m.group(0)}”"))
        return issues

    # --- 2. official numbers -----------------------------------------------------------------
    def _number_issues(self, text: str) -> list[FactIssue]:
        return [FactIssue(m.start(1), m.end(1), m.group(1), f"“{m.group(1)}”不是{self.bank_name}的官方服务电话")
                for m in _HOTLINE.finditer(text) if _digits(m.group(1)) not in self.official_numbers]

    # --- 3. FAQ / product clauses --------------------------------------------------------------
    def _clause_issues(self, text: str) -> list[FactIssue]:
        issues = []
        for m in _CLAUSE.finditer(text):
            clause = m.group(0)
            nums = set(_NUM.findall(clause)) - self.official_numbers  # 110, 12378: contacts, not claims
            grams = _bigrams(clause)
            if not nums or len(grams) < 4 or _HOTLINE.search(clause):
                continue
            similar = []
            for ref, ref_nums, ref_grams in self.clauses:
                shared = len(grams & ref_grams)
                if shared / len(grams) >= self.similarity and shared / max(1, len(ref_grams)) >= 0.4:
                    similar.append((ref, ref_nums))
            if similar and not any(nums <= ref_nums for _, ref_nums in similar):
                ref = max(similar, key=lambda r: len(_bigrams(r[0]) & grams))[0]
                issues.append(FactIssue(m.start(), m.end(), clause, f"与知识库不符：知识库原文为“{ref.strip()}”"))
        return issues

    def check(self, text: str, context: str = "") -> list[FactIssue]:
        """Issues in an agent turn; ``context`` (the customer's question) names the product when the
        agent's sentence does not ("最高能贷1000万" after "税务贷能贷多少")."""
        ctx_product = self.product_in(context) if context else None
        issues = self._range_issues(text, ctx_product) + self._number_issues(text)
        covered = [(i.start, i.end) for i in issues]
        for issue in self._clause_issues(text):
            if not any(s < issue.end and issue.start < e for s, e in covered):
                issues.append(issue)
        return sorted(issues, key=lambda i: i.start)
