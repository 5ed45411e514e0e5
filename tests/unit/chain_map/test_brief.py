import re

import pytest

from agents.chain_map.brief import UnknownSegment, build_brief

SECTIONS = ["一、行业概况", "二、产业链结构", "三、区域与集群", "四、经营模式与资金特征", "五、季节性",
            "六、融资需求与适配产品", "七、风险要点", "八、尽调要点", "九、贷后预警信号", "十、资料来源"]


@pytest.mark.parametrize("segment", ["danyang_eyewear", "yangchenghu_crab", "logistics_fleet"])
def test_brief_has_the_same_sections_every_time(ctx, segment):
    brief = build_brief(ctx, segment)
    headings = re.findall(r"^## (.+)$", brief.markdown, re.M)
    assert headings == SECTIONS
    assert brief.markdown == build_brief(ctx, segment).markdown  # deterministic
    assert f"kb/corpus/industries/{segment}.md" in brief.sources


def test_brief_is_filled_from_kb_and_graph(ctx):
    md = build_brief(ctx, "danyang_eyewear").markdown
    assert "3587 眼镜制造" in md  # GB/T name
    assert "小型化工" in md and "眼镜零售店" in md  # graph up/downstream
    assert "禾信普惠经营贷" in md and "禾信税务贷" in md  # fitting products from the KB
    assert "丹阳眼镜制造的订单是否真实" in md  # 尽调要点 section of the document
    assert "1.20★" in md  # seasonality with peak marks


class _FakeKb:
    def is_built(self):
        return True

    def search(self, query, k=3):
        class Hit:
            doc_id, title, section, text, source = "faq_loan", "经营贷常见问题", "", "经营贷按流水核额。", "faq/loans.yaml"

        class Own(Hit):
            doc_id = "danyang_eyewear"
        return [Own(), Hit()]


def test_brief_adds_related_kb_passages(ctx):
    md = build_brief(ctx, "danyang_eyewear", kb=_FakeKb()).markdown
    assert "相关知识：经营贷常见问题（`faq/loans.yaml`）" in md


def test_unknown_segment_names_nearest(ctx):
    with pytest.raises(UnknownSegment) as err:
        build_brief(ctx, "danyang_eyeware")
    assert "danyang_eyewear" in err.value.nearest
