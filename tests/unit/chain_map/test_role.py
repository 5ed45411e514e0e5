"""The business's own role decides its stage in the segment's chain (issue 17 part 2)."""

import pytest

from agents.chain_map.role import decide_role, find_role_words, load_lexicon
from agents.chain_map.service import ChainMapService
from kb.graph import segment_neighbourhood
from kb.graph.render import render_png
from server.ui.chain_tab import picture_slot


@pytest.fixture(scope="module")
def docs(ctx):
    return ctx.industries


@pytest.mark.parametrize("name, scope, want_stage, want_word", [
    ("蟹鲜生网店", "大闸蟹网上销售；直播带货", "downstream", "直播"),
    ("老张", "在抖音上卖大闸蟹", "downstream", "卖"),
    ("阳澄湖蟹运", "大闸蟹冷链运输；鲜活水产配送", "support", "运输"),
    ("蟹黄酱厂", "大闸蟹蟹黄酱加工；速冻蟹生产", "midstream", "加工"),
    ("巴城蟹农合作社", "淡水养殖；水产品收购、销售", "upstream", "养殖"),  # farms and sells: still a farm
])
def test_crab_chain_roles(docs, name, scope, want_stage, want_word):
    role = decide_role(name, scope, [], docs["yangchenghu_crab"])
    assert role.stage == want_stage and want_word in role.words
    assert role.segment_stage == "upstream" and role.differs == (want_stage != "upstream")
    assert role.basis and role.evidence


def test_head_verb_of_a_registered_item_decides(docs):
    # 注塑/镀膜 only name the object; the item's verb is at its end
    role = decide_role("丹阳模具维修部", "注塑模具维修、保养；镀膜设备修理", [], docs["danyang_eyewear"])
    assert role.stage == "support" and "维修" in role.words and "注塑" not in role.words
    maker = decide_role("明瑞眼镜", "眼镜、眼镜架的制造与销售", [], docs["danyang_eyewear"])
    assert maker.stage == "midstream" and not maker.differs  # makers sell what they make


def test_trader_of_the_segments_inputs_is_upstream(docs):
    role = decide_role("原料行", "原料甲销售；原料乙批发", [], docs["danyang_eyewear"])
    assert role.stage == "upstream" and role.role == "downstream" and role.input_supplied == "原料甲"
    # a product merely made of an input is not the input
    assert decide_role("镜店", "原料甲眼镜零售", [], docs["danyang_eyewear"]).stage == "downstream"


def test_shops_and_services_keep_their_segment_stage_and_silence_keeps_default(docs):
    assert decide_role("眼镜店", "眼镜零售；验光配镜；眼镜加工", [], docs["optical_store"]).stage == "downstream"
    silent = decide_role("丹阳某某", "眼镜、镜片", [], docs["danyang_eyewear"])
    assert silent.stage == "midstream" and not silent.differs and not silent.words
    named = decide_role("丹阳镜架批发部", "眼镜、镜架", [], docs["danyang_eyewear"])  # the scope is silent: the name speaks
    assert named.stage == "downstream" and named.words == ["批发部"]
    factory = decide_role("丹阳明光眼镜厂", "眼镜销售；货物进出口", [], docs["danyang_eyewear"])  # a 厂 that lists only sales
    assert factory.stage == "midstream" and "厂" in factory.words
    repair = decide_role("丹阳镀膜设备维修厂", "设备", [], docs["danyang_eyewear"])  # 维修厂 is a repair shop
    assert repair.stage == "support" and repair.words == ["维修"]


def test_single_character_verbs_count_only_as_jieba_words():
    lex = load_lexicon()
    assert ("downstream", "卖", 0.8) in find_role_words("在菜场卖蔬菜", lex)
    assert not find_role_words("各种类别养生知识", lex)


def test_result_follows_the_business_own_node(ctx):
    res = ChainMapService(ctx).run({"enterprise": {"name": "蟹鲜生网店", "business_scope": "大闸蟹水产批发、网上销售",
                                                   "location": "苏州市相城区"}})
    pos = res.position
    assert res.placement.segment_id == "yangchenghu_crab"
    assert pos.stage == "downstream" and pos.segment_stage == "upstream"
    assert pos.role.own_node_id == "seafood_wholesale"
    assert pos.upstream[0].node_id == "seg:yangchenghu_crab"  # it buys from the farms
    assert res.profile.facts["is_agricultural"] is False  # a shop is not a farm: no 种养贷
    assert all(m.name != "禾信种养贷" or m.status != "fits" for m in res.marketing.products)
    assert "货源" in res.risk.due_diligence[0]  # the role's own questions come first
    assert "环节依据" in res.report_markdown and "水产品批发" in res.report_markdown
    assert picture_slot(res) == (3, "本企业（下游）")
    png = render_png(segment_neighbourhood(ctx.graph, "yangchenghu_crab"), enterprise="蟹鲜生网店", dpi=40,
                     enterprise_column=3, enterprise_label="本企业（下游）")
    assert png.startswith(b"\x89PNG")
    farm = ChainMapService(ctx).run({"enterprise": {"name": "巴城蟹塘", "business_scope": "大闸蟹养殖、销售"}})
    assert farm.position.stage == "upstream" and not farm.position.role.differs and picture_slot(farm) == (2, "本企业")
