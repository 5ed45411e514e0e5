"""Entity linking: business scope / products / name → segment ids, with evidence and an unknown verdict."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kb.corpus import load_corpus
from kb.linking.buyers import split_buyer_phrases
from kb.linking.fuzzy import homophone_slip, one_insertion, sounds_alike
from kb.linking.linker import EntityLinker, LinkerConfig, LinkQuery, profile_text
from kb.linking.terms import core, segment_terms, split_phrase
from tests.unit.kb.graph_fixtures import write_tiny_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return load_corpus(write_tiny_corpus(tmp_path_factory.mktemp("corpus")))


@pytest.fixture(scope="module")
def linker(corpus):
    return EntityLinker.from_corpus(corpus)


class FakeEmbedder:
    """Deterministic 'semantics': one dimension per topic, counted from cue characters."""

    TOPICS = (("餐", "饭", "面馆", "厨"), ("镜", "光学"), ("化工", "树脂", "单体"), ("零售", "店"))

    def __init__(self) -> None:
        self.document_calls = 0

    def _vec(self, text: str) -> list[float]:
        return [float(sum(text.count(c) for c in cues)) for cues in self.TOPICS] + [0.05]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.document_calls += 1
        return [self._vec(t) for t in texts]


def test_scope_links_with_evidence(linker):
    res = linker.link(LinkQuery(scope="眼镜制造；光学玻璃制造；货物进出口"))
    assert res.verdict == "linked" and res.segment == "danyang_eyewear"
    best = res.candidates[0]
    assert best.embedding is None and best.score == res.score
    assert {(e.input_field, e.term, e.kind) for e in best.evidence} >= {("scope", "眼镜制造", "exact")}
    assert [c.score for c in res.candidates] == sorted((c.score for c in res.candidates), reverse=True)


def test_plain_string_is_a_scope(linker):
    assert linker.link("餐饮服务；外卖递送服务").segment == "restaurant_chain"


def test_traditional_characters(linker):
    assert linker.link(LinkQuery(scope="眼鏡製造、鏡片銷售")).segment == "danyang_eyewear"
    assert linker.link(LinkQuery(scope="餐飲服務，外賣遞送")).segment == "restaurant_chain"


def test_homophone_typos(linker):
    res = linker.link(LinkQuery(scope="餐饮服物；小吃"))  # 务 → 物 (wu)
    assert res.segment == "restaurant_chain"
    assert any(e.term == "餐饮服务" and e.kind == "fuzzy" for e in res.candidates[0].evidence)
    assert linker.link(LinkQuery(scope="数脂镜片加工")).segment == "danyang_eyewear"  # 树 → 数 (shu)


def test_scope_beats_a_misleading_name(linker):
    res = linker.link(LinkQuery(name="丹阳眼镜城餐饮店", scope="餐饮服务；小吃制售"))
    assert res.segment == "restaurant_chain"
    names = {c.segment: c for c in res.candidates}
    assert "danyang_eyewear" in names  # the name still counts, just less than the scope
    assert any(e.input_field == "name" for e in names["danyang_eyewear"].evidence)


def test_name_alone_counts_fully(linker):
    assert linker.link(LinkQuery(name="丹阳眼镜制造厂")).segment == "danyang_eyewear"


def test_customers_are_not_the_business(linker):
    res = linker.link(LinkQuery(scope="自家加工树脂镜片，批发给眼镜零售店"))
    assert res.segment == "danyang_eyewear"
    assert split_buyer_phrases("碾成大米卖给超市，也给饭店供货") == ("碾成大米，，也，", ["饭店", "超市"])


def test_unknown_verdict_keeps_nearest(linker):
    res = linker.link(LinkQuery(scope="软件开发；信息技术咨询服务"))
    assert res.verdict == "unknown" and res.segment is None
    nothing = linker.link(LinkQuery(scope="镜"), top_k=3)  # no term is a single character
    assert nothing.verdict == "unknown" and nothing.candidates == [] and nothing.score == 0.0
    strict = EntityLinker(linker.industries.values(), config=LinkerConfig(lexical_threshold=0.99))
    res = strict.link(LinkQuery(scope="眼镜制造"))
    assert res.verdict == "unknown" and res.segment is None and res.candidates[0].segment == "danyang_eyewear"


def test_embedding_component(corpus, linker):
    fake = FakeEmbedder()
    with_emb = EntityLinker.from_corpus(corpus, embedder=fake)
    text = "开了两家面馆，中央厨房配送"  # no corpus term at all
    assert linker.link(text).verdict == "unknown"
    res = with_emb.link(text)
    assert res.verdict == "linked" and res.segment == "restaurant_chain"
    assert res.candidates[0].embedding is not None and res.candidates[0].lexical == 0
    with_emb.link("眼镜制造")
    assert fake.document_calls == 1  # segment profiles embedded once


def test_query_validation():
    with pytest.raises(ValidationError, match="at least one of name, scope or products"):
        LinkQuery(name=" ", scope="", products=[])
    assert LinkQuery(products="树脂镜片、眼镜架,太阳镜").products == ["树脂镜片", "眼镜架", "太阳镜"]
    with pytest.raises(ValueError, match="no industries"):
        EntityLinker([])


def test_terms_and_fuzzy_helpers(corpus):
    terms = segment_terms(corpus.industry("danyang_eyewear"))
    assert terms["丹阳眼镜制造"].field == "name" and not terms["丹阳眼镜制造"].derived
    assert terms["眼镜"].derived  # the core of 丹阳眼镜制造 / 眼镜制造
    assert "货物进出口" not in terms  # boilerplate every scope carries
    assert split_phrase("眼镜销售（不含隐形眼镜）") == [("眼镜销售", False)]
    assert core("丹阳眼镜制造", ["丹阳"]) == "眼镜"
    assert sounds_alike("砂", "沙") and not sounds_alike("砂", "镜")
    assert homophone_slip("紫砂壶", "手工紫沙壶") and not homophone_slip("紫砂壶", "手工紫金壶")
    assert one_insertion("强化地板", "强化木地板生产") and not one_insertion("强化地板", "强化木质地板")
    assert "餐饮连锁" in profile_text(corpus.industry("restaurant_chain"))
