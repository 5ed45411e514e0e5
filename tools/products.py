"""Product matching: which bank products fit an enterprise, given what is known about it.

Each ProductDoc carries machine-readable eligibility rules over the facts in ``kb.schema.FACTS``.
A rule is met, failed, or cannot be judged yet because the fact is unknown; a product *fits* when
every rule is met, *needs information* when none fails but some facts are missing (the missing ones are
what the relationship manager should ask for), and *does not fit* when any rule fails. Generic on
purpose: the loan assistant's credit-policy rules live elsewhere (tools/credit/policy.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from kb.schema import FACTS, ProductDoc, Rule

RuleStatus = Literal["met", "failed", "missing"]
MatchStatus = Literal["fits", "needs_info", "fails"]
_TRUE = {"true", "yes", "y", "1", "是", "有", "对"}
_FALSE = {"false", "no", "n", "0", "否", "无", "没有"}


class RuleOutcome(BaseModel):
    fact: str
    label: str = Field(description="the fact's Chinese name from kb.schema.FACTS")
    text: str = Field(description="the rule as written in the product document")
    status: RuleStatus
    value: Any = Field(None, description="the enterprise's value for the fact, when known")
    note: str | None = None


class ProductMatch(BaseModel):
    product_id: str
    name: str
    category: str
    status: MatchStatus
    score: float
    industry_fit: bool = Field(description="listed in the industry's fitting_products")
    met: list[RuleOutcome]
    missing: list[RuleOutcome]
    failed: list[RuleOutcome]
    summary: str


def _bool(v: Any) -> bool | None:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return bool(v)
    s = str(v).strip().lower()
    return True if s in _TRUE else False if s in _FALSE else None


def _num(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def evaluate_rule(rule: Rule, facts: Mapping[str, Any]) -> RuleOutcome:
    """Judge one rule; a value that cannot be compared is reported as missing, with a note."""
    base = {"fact": rule.fact, "label": FACTS.get(rule.fact, rule.fact), "text": rule.text}
    value = facts.get(rule.fact)
    if value is None or value == "":
        return RuleOutcome(**base, status="missing")
    op, target = rule.op, rule.value
    ok: bool | None
    if op in ("is_true", "is_false"):
        b = _bool(value)
        ok = None if b is None else (b if op == "is_true" else not b)
    elif op in ("in", "not_in"):
        options = target if isinstance(target, list) else [target]
        inside = str(value).strip() in {str(o) for o in options}
        ok = inside if op == "in" else not inside
    elif op == "between":
        x = _num(value)
        lo, hi = (target or [None, None])[:2]
        ok = None if x is None or lo is None or hi is None else float(lo) <= x <= float(hi)
    elif op in ("==", "!="):
        x, y = _num(value), _num(target)
        same = (x == y) if x is not None and y is not None else str(value).strip() == str(target)
        ok = same if op == "==" else not same
    else:
        x, y = _num(value), _num(target)
        ok = None if x is None or y is None else {">=": x >= y, "<=": x <= y, ">": x > y, "<": x < y}[op]
    if ok is None:
        return RuleOutcome(**base, status="missing", value=value, note=f"值 {value!r} 无法按 {op} 比较")
    return RuleOutcome(**base, status="met" if ok else "failed", value=value)


def match_product(product: ProductDoc, facts: Mapping[str, Any], preferred: Sequence[str] = ()) -> ProductMatch:
    outcomes = [evaluate_rule(r, facts) for r in product.eligibility]
    met = [o for o in outcomes if o.status == "met"]
    missing = [o for o in outcomes if o.status == "missing"]
    failed = [o for o in outcomes if o.status == "failed"]
    status: MatchStatus = "fails" if failed else ("needs_info" if missing else "fits")
    fit = product.id in preferred
    # Ranking: eligibility status first (fits 10 > needs information 6 > fails 0), then the industry's
    # own list of fitting products (+5, earlier in the list a little more), then the share of rules
    # already met, minus 0.2 per open question. A product with no rules fits trivially, which says
    # less than meeting rules does, so it earns no share bonus and cannot outrank an industry fit
    # merely by having nothing to check.
    pref = (5.0 + (len(preferred) - preferred.index(product.id)) / len(preferred)) if fit else 0.0
    share = len(met) / len(outcomes) if outcomes else 0.0
    score = round({"fits": 10, "needs_info": 6, "fails": 0}[status] + pref + share - 0.2 * len(missing), 3)
    if failed:
        summary = "不符合：" + "；".join(o.text for o in failed)
    elif missing:
        summary = "待补充：" + "、".join(o.label for o in missing)
    else:
        summary = "已满足全部准入条件" if outcomes else "无硬性准入条件"
    return ProductMatch(product_id=product.id, name=product.name, category=product.category, status=status,
                        score=score, industry_fit=fit, met=met, missing=missing, failed=failed, summary=summary)


def match_products(products: Iterable[ProductDoc], facts: Mapping[str, Any], preferred: Sequence[str] = (),
                   categories: Sequence[str] | None = None) -> list[ProductMatch]:
    """All products ranked by ``match_product``'s score (status, industry fit, rules met, open questions)."""
    unknown = sorted(set(facts) - set(FACTS))
    if unknown:
        raise ValueError(f"unknown fact(s) {', '.join(unknown)}; known: {', '.join(FACTS)}")
    chosen = [p for p in products if categories is None or p.category in categories]
    ranked = [match_product(p, facts, list(preferred)) for p in chosen]
    return sorted(ranked, key=lambda m: (-m.score, m.product_id))
