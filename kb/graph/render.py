"""Draw a segment's chain picture, left to right: inputs → upstream industries → SEGMENT → downstream
industries → buyers, optionally with the enterprise being reviewed placed on it (「本企业」).

Uses matplotlib's object API with the Agg canvas (no pyplot state, safe in a server thread). Chinese
needs a CJK font: 'WenQuanYi Micro Hei' (Debian fonts-wqy-microhei) or another common CJK family is
used when installed; without one the picture still renders (characters may show as boxes) and a
warning is logged once.
"""

from __future__ import annotations

import io
import logging
import textwrap
from functools import lru_cache
from pathlib import Path

import networkx as nx
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kb.graph.neighbourhood import GraphItem, SegmentNeighbourhood, segment_neighbourhood

log = logging.getLogger(__name__)

CJK_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
             "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC")
COLUMNS = (("upstream_inputs", "上游原料/投入"), ("upstream_industries", "上游行业"), ("segment", "本行业"),
           ("downstream_industries", "下游行业"), ("buyers", "下游买方"))
COLOURS = {"upstream_inputs": "#e8f1fb", "upstream_industries": "#d3e4f7", "segment": "#ffe8b3",
           "downstream_industries": "#dff3e4", "buyers": "#eef8f0"}
STAGE_ZH = {"upstream": "上游", "midstream": "中游", "downstream": "下游", "support": "配套服务"}


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed CJK font family, or None (logged once)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    log.warning("no CJK font installed (apt-get install fonts-wqy-microhei); Chinese may render as boxes")
    return None


def _wrap(text: str, width: int = 9) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _items(nb: SegmentNeighbourhood, key: str, max_items: int) -> list[str]:
    items: list[GraphItem] = getattr(nb, key)
    names = [_wrap(i.name) for i in items[:max_items]]
    if len(items) > max_items:
        names.append(f"…等{len(items)}项")
    return names or ["（无）"]


def render_figure(nb: SegmentNeighbourhood, enterprise: str | None = None, max_items: int = 7,
                  enterprise_column: int = 2, enterprise_label: str = "本企业") -> Figure:
    """The picture as a matplotlib Figure (5 columns; the segment box lists its main products).

    ``enterprise_column`` puts the enterprise under the column of its own role (1 upstream of the
    segment, 2 the segment itself or a service beside it, 3 downstream of it), not always the segment.
    """
    font = cjk_font()
    columns = {key: _items(nb, key, max_items) for key, _ in COLUMNS if key != "segment"}
    rows = max([len(v) for v in columns.values()] + [3])
    height = max(4.5, 0.85 * rows + 2.2 + (1.3 if enterprise else 0))
    fig = Figure(figsize=(15, height), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.9))
    ax.set_xlim(-0.6, 4.6)
    top, bottom = rows - 0.5, -0.8 - (1.4 if enterprise else 0)
    ax.set_ylim(bottom, top + 0.4)
    ax.axis("off")
    kw = {"fontfamily": font} if font else {}
    seg = nb.segment
    title = f"{seg.name} · {seg.chain_name or '产业链'} · {STAGE_ZH.get(seg.chain_stage, seg.chain_stage)}"
    fig.suptitle(title, fontsize=15, **kw)
    centre_y = (rows - 1) / 2
    positions: dict[int, list[float]] = {}
    for col, (key, label) in enumerate(COLUMNS):
        ax.text(col, top + 0.15, label, ha="center", va="center", fontsize=11, color="#444444", **kw)
        if key == "segment":
            continue
        names = columns[key]
        ys = [centre_y + (len(names) - 1) / 2 - i for i in range(len(names))]
        positions[col] = ys
        for name, y in zip(names, ys):
            ax.text(col, y, name, ha="center", va="center", fontsize=9.5, zorder=3,
                    bbox={"boxstyle": "round,pad=0.35", "fc": COLOURS[key], "ec": "#8aa1b8", "lw": 0.8}, **kw)
    products = "、".join(p.name for p in nb.main_products[:4]) or "—"
    seg_text = f"{_wrap(seg.name, 8)}\n\n主营：{_wrap(products, 10)}"
    ax.text(2, centre_y, seg_text, ha="center", va="center", fontsize=11, zorder=3,
            bbox={"boxstyle": "round,pad=0.6", "fc": COLOURS["segment"], "ec": "#c98a00", "lw": 1.8}, **kw)
    arrow = {"arrowstyle": "-|>", "color": "#7f8c9a", "lw": 0.9, "shrinkA": 4, "shrinkB": 4}
    for left, right in ((0, 1), (1, 2), (2, 3), (3, 4)):
        for y0 in (positions.get(left) or [centre_y]):
            for y1 in (positions.get(right) or [centre_y]):
                if left != 2 and right != 2 and len(positions.get(left, [])) * len(positions.get(right, [])) > 1:
                    continue  # between outer columns one arrow per pair of columns keeps it readable
                ax.annotate("", xy=(right - 0.42, y1), xytext=(left + 0.42, y0), arrowprops=arrow, zorder=1)
    if len(positions.get(0, [])) > 1 and positions.get(1):
        ax.annotate("", xy=(0.58, centre_y), xytext=(0.42, centre_y), arrowprops=arrow, zorder=1)
    if len(positions.get(3, [])) > 1 and positions.get(4):
        ax.annotate("", xy=(3.58, centre_y), xytext=(3.42, centre_y), arrowprops=arrow, zorder=1)
    if enterprise:
        ey, ex = bottom + 0.7, min(max(enterprise_column, 0), 4)
        ax.text(ex, ey, f"{enterprise_label}\n{_wrap(enterprise, 12)}", ha="center", va="center", fontsize=10.5,
                color="#b00020", zorder=3, bbox={"boxstyle": "round,pad=0.45", "fc": "#fff0f0", "ec": "#b00020", "lw": 2},
                **kw)
        target = centre_y - 0.9 if ex == 2 else min(positions.get(ex) or [centre_y]) - 0.4
        ax.annotate("", xy=(ex, target), xytext=(ex, ey + 0.45), zorder=2,
                    arrowprops={"arrowstyle": "-|>", "color": "#b00020", "lw": 1.4, "linestyle": "--"})
    sources = sorted({i.source for key, _ in COLUMNS if key != "segment" for i in getattr(nb, key) if i.source})
    if sources:
        fig.text(0.01, 0.005, "来源：" + "；".join(sources[:4]) + ("…" if len(sources) > 4 else ""), fontsize=7,
                 color="#888888", **kw)
    return fig


def render_png(nb: SegmentNeighbourhood, enterprise: str | None = None, dpi: int = 110,
               enterprise_column: int = 2, enterprise_label: str = "本企业") -> bytes:
    """The picture as PNG bytes."""
    fig = render_figure(nb, enterprise, enterprise_column=enterprise_column, enterprise_label=enterprise_label)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def render_segment(graph: nx.MultiDiGraph, segment_id: str, path: Path | None = None,
                   enterprise: str | None = None) -> bytes | Path:
    """Render a segment straight from the graph; writes ``path`` and returns it when given, else the bytes."""
    png = render_png(segment_neighbourhood(graph, segment_id), enterprise)
    if path is None:
        return png
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    return path
