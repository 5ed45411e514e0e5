"""Knowledge-base rules (``kb.schema.Rule``) evaluated on whole columns at once.

The same rules the single-enterprise tools judge one at a time (tools/products.py for product fit,
tools/credit/policy.py for the credit policy), here as numpy masks over a population table, so a
product's eligibility facts and the policy text stay the one source of truth at any scale.
A fact with no column, or an empty cell, is *missing*: the caller decides what missing means.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kb.schema import Rule


def outcome(rule: Rule, facts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(failed, missing) boolean masks of one rule over every row."""
    n = len(facts)
    if rule.fact not in facts.columns:
        return np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
    col = facts[rule.fact]
    missing = col.isna().to_numpy() | (col.astype(str).str.strip() == "").to_numpy()
    op, target = rule.op, rule.value
    if op in ("is_true", "is_false"):
        ok = col.astype(bool).to_numpy() == (op == "is_true")
    elif op in ("in", "not_in"):
        options = [str(o) for o in (target if isinstance(target, list) else [target])]
        inside = col.astype(str).str.strip().isin(options).to_numpy()
        ok = inside if op == "in" else ~inside
    elif op == "between":
        x = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        lo, hi = float(target[0]), float(target[1])
        ok = (x >= lo) & (x <= hi)
    else:
        x = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        try:
            y = float(target)
        except (TypeError, ValueError):  # a text comparison (industry_access != 禁止)
            same = (col.astype(str).str.strip() == str(target)).to_numpy()
            ok = same if op == "==" else ~same
        else:
            ok = {">=": x >= y, "<=": x <= y, ">": x > y, "<": x < y, "==": x == y, "!=": x != y}[op]
    return ~ok & ~missing, missing


def first_failure(rules: Sequence[Rule], facts: pd.DataFrame, label: Sequence[str] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(any failed, text of the first failed rule or "", any missing) over the rules in order."""
    n = len(facts)
    failed, missing = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    reason = np.full(n, "", dtype=object)
    for k, rule in enumerate(rules):
        f, m = outcome(rule, facts)
        text = label[k] if label is not None else rule.text
        reason = np.where(f & ~failed, text, reason)
        failed |= f
        missing |= m
    return failed, reason, missing
