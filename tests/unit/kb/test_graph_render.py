"""The chain picture: a PNG from a segment's neighbourhood, with the enterprise highlighted."""

from __future__ import annotations

import io

import pytest
from matplotlib.figure import Figure

from kb.corpus import load_corpus
from kb.graph import build_graph, segment_neighbourhood
from kb.graph.render import cjk_font, render_figure, render_png, render_segment
from tests.unit.kb.graph_fixtures import write_tiny_corpus

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return build_graph(load_corpus(write_tiny_corpus(tmp_path_factory.mktemp("corpus"))))


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def test_figure_has_every_column_and_the_enterprise(graph):
    fig = render_figure(segment_neighbourhood(graph, "danyang_eyewear"), enterprise="丹阳市明视光学有限公司")
    texts = "\n".join(_texts(fig))
    for label in ("上游原料/投入", "上游行业", "本行业", "下游行业", "下游买方"):
        assert label in texts
    for name in ("树脂单体", "小型化工", "眼镜零售店", "电商平台店铺"):
        assert name in texts
    assert "本企业\n丹阳市明视光学有限公司" in texts
    assert "丹阳眼镜制造" in fig._suptitle.get_text()


def test_png_bytes_and_file(graph, tmp_path):
    png = render_png(segment_neighbourhood(graph, "restaurant_chain"))
    assert png.startswith(PNG) and len(png) > 10_000
    from matplotlib import image

    height, width = image.imread(io.BytesIO(png)).shape[:2]
    assert width > height > 300  # a wide left-to-right picture
    out = render_segment(graph, "optical_store", path=tmp_path / "pics" / "chain.png", enterprise="明亮眼镜店")
    assert out == tmp_path / "pics" / "chain.png" and out.read_bytes().startswith(PNG)
    assert render_segment(graph, "optical_store").startswith(PNG)


def test_empty_columns_render(graph):
    texts = _texts(render_figure(segment_neighbourhood(graph, "restaurant_chain")))
    assert "（无）" in texts  # no upstream/downstream industries in the tiny corpus


def test_cjk_font_is_used_when_installed():
    from matplotlib import font_manager

    if "WenQuanYi Micro Hei" not in {f.name for f in font_manager.fontManager.ttflist}:
        pytest.skip("fonts-wqy-microhei not installed")
    assert cjk_font() == "WenQuanYi Micro Hei"
