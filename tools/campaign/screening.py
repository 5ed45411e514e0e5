"""Product fit and the credit pre-screen of a whole base, with the failed rule as the reason.

*Fit* uses each product's eligibility rules from its KB document: a failed rule means the product is
not offered, and the rule's text is the reason; a fact the base does not hold leaves the product
offerable but flagged ``needs_info`` (the manager asks for it, as tools/products.py does for one firm).
*Pre-screen* runs the credit policy's hard rules (and the prudent-industry rules where the access
level is 审慎) where the base has the fact — a rule without data is skipped, exactly as
tools/credit/policy.evaluate does — and a declined enterprise is never targeted with any product.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kb.schema import ProductDoc
from tools.campaign.rules import first_failure
from tools.credit.policy import CreditPolicy


def facts_of(base: pd.DataFrame, links: pd.DataFrame, policy: CreditPolicy) -> pd.DataFrame:
    """The base's fact columns plus ``industry_access`` from the linked segment (unknown → the default)."""
    facts = base.copy()
    facts["industry_access"] = links["segment"].map(policy.industry_access).fillna(policy.default_access)
    return facts


def product_fit(facts: pd.DataFrame, products: Sequence[ProductDoc]) -> pd.DataFrame:
    """Per product: ``fit_<id>`` (no rule failed), ``why_<id>`` (first failed rule) and ``info_<id>``."""
    out = {}
    for p in products:
        failed, reason, missing = first_failure(p.eligibility, facts)
        out[f"fit_{p.id}"], out[f"why_{p.id}"], out[f"info_{p.id}"] = ~failed, reason, missing & ~failed
    return pd.DataFrame(out, index=facts.index)


def prescreen(facts: pd.DataFrame, policy: CreditPolicy) -> pd.DataFrame:
    """``declined`` and ``decline_reason`` ("CR03_CURRENT_OVERDUE 企业及实际控制人当前不得有逾期")."""
    rules = [r for r in policy.hard_rules if r.fact in facts.columns]
    declined, reason, _ = first_failure(rules, facts, [f"{r.id} {r.text}" for r in rules])
    prudent = (facts["industry_access"] == "审慎").to_numpy()
    p_rules = [r for r in policy.prudent_rules if r.fact in facts.columns]
    p_failed, p_reason, _ = first_failure(p_rules, facts, [f"{r.id} {r.text}" for r in p_rules])
    p_failed &= prudent
    reason = np.where(declined, reason, np.where(p_failed, p_reason, ""))
    return pd.DataFrame({"declined": declined | p_failed, "decline_reason": reason}, index=facts.index)
