"""Deterministic, explainable transaction screening: run every rule, one flag per pattern.

Each rule is a small pure function (tools/txn/rules/*.py) with its thresholds in ``ScreeningParams``.
This module adds the chain-position rule (counterparties whose industry is too far from this
enterprise in the chain graph) and runs the rules in a fixed order; the seasonality rule runs last
on what the other rules have not already explained.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from tools.txn.chain import ChainPlausibility
from tools.txn.flags import SEVERITY_RANK, TYPOLOGIES, TYPOLOGY_NAMES_ZH, Flag, ScreeningParams, make_flag, wan
from tools.txn.rules.amount import round_amounts, structuring
from tools.txn.rules.flow import circular_flows, fan_in, fan_out, pass_through
from tools.txn.rules.time import dormancy_burst, seasonality_mismatch
from tools.txn.transactions import Transaction


def implausible_counterparties(txns: Sequence[Transaction], p: ScreeningParams, judge: ChainPlausibility,
                               names: Mapping[str, str] | None = None) -> list[Flag]:
    """One flag per counterparty whose linked industry is beyond ``judge.max_distance`` hops."""
    names = names or {}
    by_cp: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(txns):
        by_cp[t.counterparty].append(i)
    total = sum(t.amount for t in txns) or 1.0
    own = names.get(judge.segment_id, judge.segment_id)
    flags = []
    for cp, idx in by_cp.items():
        verdicts = [judge.judge(txns[i]) for i in idx]
        bad = [i for i, v in zip(idx, verdicts) if v.plausible is False]
        if len(bad) < p.chain_min_txns:
            continue
        v = next(v for v in verdicts if v.plausible is False)
        amount = sum(txns[i].amount for i in bad)
        share = amount / total
        far = "在产业链图中与本行业不连通" if v.distance is None else f"与本行业的产业链图距离为{v.distance}跳（合理范围≤{judge.max_distance}跳）"
        severity = "high" if share >= p.chain_high_share else ("medium" if share >= 0.01 or len(bad) >= 3 else "low")
        flags.append(make_flag(
            "TS01", "implausible_counterparty", severity,
            f"交易对手「{cp}」识别为「{names.get(v.segment_id or '', v.segment_id)}」，{far}；"
            f"本企业为「{own}」，与该对手{len(bad)}笔往来合计{wan(amount)}（占全部流水{share:.1%}），"
            f"交易背景与产业链位置不符，需核实贸易真实性。",
            list(txns), bad, counterparty_segment=v.segment_id, distance=v.distance, share=round(share, 4)))
    return flags


def fold_into_dormancy(flags: list[Flag], dormant: list[Flag]) -> list[Flag]:
    """A burst after dormancy usually brings many new counterparties and fast in-out moves at once:
    report it once, as the dormancy flag (naming the fan-in/out, pass-through or loop seen inside it),
    rather than as several alarms about the same rows."""
    kept = []
    for f in flags:
        host = next((d for d in dormant if f.typology in ("fan_in", "fan_out", "pass_through", "circular_flow")
                     and len(f.indices & d.indices) >= 0.5 * len(f.indices)), None)
        if host is None:
            kept.append(f)
            continue
        host.details[f"also_{f.typology}"] = len(f.indices)
        host.explanation += f"（突发期间同时呈现{TYPOLOGY_NAMES_ZH[f.typology]}特征，涉及{len(f.indices)}笔）"
    return kept + dormant


class ScreeningResult(BaseModel):
    flags: list[Flag]
    counts: dict[str, int] = Field(description="flags per typology (every typology listed)")
    rules_skipped: dict[str, str] = Field(default_factory=dict, description="rule → why it could not run")
    params: ScreeningParams

    @property
    def flagged_indices(self) -> set[int]:
        return {i for f in self.flags for i in f.indices}


def screen_transactions(txns: Sequence[Transaction], params: ScreeningParams | None = None,
                        judge: ChainPlausibility | None = None,
                        industry_index: Sequence[float] | None = None,
                        names: Mapping[str, str] | None = None) -> ScreeningResult:
    """Run all rules. Without ``judge`` (no segment) or ``industry_index`` the rules that need them
    are skipped and say so in ``rules_skipped``; the others run regardless."""
    p = params or ScreeningParams()
    txns = list(txns)
    flags: list[Flag] = []
    skipped: dict[str, str] = {}
    if judge is not None:
        flags += implausible_counterparties(txns, p, judge, names)
    else:
        skipped["TS01"] = "企业行业未识别，无法判断交易对手是否符合产业链位置"
    for rule in (circular_flows, fan_in, fan_out, structuring, round_amounts, pass_through):
        flags += rule(txns, p)
    flags = fold_into_dormancy(flags, dormancy_burst(txns, p, industry_index))
    explained = {i for f in flags if f.typology != "implausible_counterparty" for i in f.indices}
    if industry_index:
        flags += seasonality_mismatch(txns, p, industry_index, exclude=explained)
    else:
        skipped["TS09"] = "无行业季节指数，无法判断资金流季节性"
    flags.sort(key=lambda f: (SEVERITY_RANK[f.severity], f.rule_id, f.first_date or dt.date.min))
    counts = {t: sum(1 for f in flags if f.typology == t) for t in TYPOLOGIES}
    return ScreeningResult(flags=flags, counts=counts, rules_skipped=skipped, params=p)


__all__ = ["ScreeningResult", "screen_transactions", "implausible_counterparties", "wan", "make_flag"]
