"""Campaign charts (matplotlib): lift curve of the propensity model, expected value by segment and
budget use by channel. Figures are built without pyplot (thread-safe in the server)."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from kb.graph.render import cjk_font


def _font() -> dict:
    font = cjk_font()
    return {"fontfamily": font} if font else {}


def lift_figure(result) -> Figure:
    fig = Figure(figsize=(6.4, 4.0), dpi=100)
    ax = fig.add_subplot()
    xs = [0.0] + [x for x, _ in result.model.lift]
    ys = [0.0] + [y for _, y in result.model.lift]
    ax.plot(xs, ys, marker="o", label="模型排序")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="随机")
    ax.set_xlabel("触达比例", **_font())
    ax.set_ylabel("捕获的响应客户比例", **_font())
    ax.set_title(f"响应模型累计增益（前10%提升 {result.model.lift_top10:.1f} 倍）", **_font())
    ax.legend(prop={"family": cjk_font()} if cjk_font() else None)
    fig.tight_layout()
    return fig


def segment_figure(result, top: int = 12) -> Figure:
    fig = Figure(figsize=(6.4, 4.4), dpi=100)
    ax = fig.add_subplot()
    items = list(result.value_by_segment.items())[:top][::-1]
    ax.barh([k for k, _ in items], [v for _, v in items], color="#3b7dd8")
    ax.set_xlabel("预期价值（元）", **_font())
    ax.set_title("各细分行业预期价值", **_font())
    for label in ax.get_yticklabels():
        label.set(**_font())
    fig.tight_layout()
    return fig


def budget_figure(result) -> Figure:
    fig = Figure(figsize=(6.4, 3.6), dpi=100)
    ax = fig.add_subplot()
    names = [c.name for c in result.channels]
    ax.bar(names, [c.spend_yuan for c in result.channels], color="#e08a2e")
    s = result.summary
    ax.set_title(f"预算使用：{s.spend_yuan:,.0f} / {s.budget_yuan:,.0f} 元", **_font())
    ax.set_ylabel("投入（元）", **_font())
    for label in ax.get_xticklabels():
        label.set(**_font())
    fig.tight_layout()
    return fig


def save_charts(result, folder: Path) -> list[Path]:
    paths = []
    for name, build in (("lift", lift_figure), ("segments", segment_figure), ("budget", budget_figure)):
        path = folder / f"{name}.png"
        build(result).savefig(path)
        paths.append(path)
    return paths
