"""Charts for the chain-map tab: monthly flows against the industry's season, and flags on a timeline.

matplotlib object API on the Agg canvas (no pyplot global state; safe in server threads), with the
CJK font kb.graph.render found, so Chinese labels render when a CJK font is installed.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from agents.chain_map.schemas import ChainMapResult
from kb.graph.render import cjk_font
from tools.txn.flags import TYPOLOGY_NAMES_ZH
from tools.txn.transactions import Transaction

PALETTE = ["#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#1f77b4", "#2ca02c"]


def _font() -> dict:
    name = cjk_font()
    return {"family": name} if name else {}


def flows_figure(result: ChainMapResult) -> Figure | None:
    """Monthly inflow/outflow bars (万元) with the inflow the industry's season would predict."""
    flow = result.profile.flow
    if flow is None or not flow.months:
        return None
    font = _font()
    fig = Figure(figsize=(8, 3.2), layout="constrained")
    ax = fig.add_subplot()
    x = range(len(flow.months))
    ax.bar([i - 0.2 for i in x], [v / 1e4 for v in flow.monthly_inflow], width=0.4, label="入账", color="#4c9be8")
    ax.bar([i + 0.2 for i in x], [v / 1e4 for v in flow.monthly_outflow], width=0.4, label="出账", color="#f2a65a")
    season = result.profile.industry_seasonality
    if season:
        mean_idx = sum(season) / 12
        expected = [flow.avg_monthly_inflow / 1e4 * season[int(m[5:7]) - 1] / mean_idx for m in flow.months]
        ax.plot(list(x), expected, color="#333333", marker="o", linewidth=1.2, label="按行业季节性预期的入账")
    ax.set_xticks(list(x), [m[2:] for m in flow.months], rotation=45, fontsize=8)
    ax.set_ylabel("万元", **font)
    ax.set_title("月度资金流与行业季节性", **font)
    ax.legend(prop=font or None, fontsize=8)
    return fig


def flags_timeline(result: ChainMapResult, txns: list[Transaction]) -> Figure | None:
    """Every transaction as a grey dot (date × amount, log scale); flagged ones coloured by typology."""
    if not txns:
        return None
    font = _font()
    fig = Figure(figsize=(8, 3.4), layout="constrained")
    ax = fig.add_subplot()
    ax.scatter([t.date for t in txns], [t.amount / 1e4 for t in txns], s=6, color="#bbbbbb", label="交易")
    flags = result.screening.flags if result.screening else []
    for k, typ in enumerate(dict.fromkeys(f.typology for f in flags)):
        evidence = [e for f in flags if f.typology == typ for e in f.evidence]
        ax.scatter([e.date for e in evidence], [e.amount / 1e4 for e in evidence], s=22,
                   color=PALETTE[k % len(PALETTE)], label=TYPOLOGY_NAMES_ZH[typ], edgecolors="black", linewidths=0.3)
    ax.set_yscale("log")
    ax.set_ylabel("金额（万元，对数）", **font)
    ax.set_title(f"可疑交易预警时间轴（{len(flags)}条预警）", **font)
    ax.legend(prop=font or None, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.autofmt_xdate()
    return fig
