"""The synthetic statement generator: deterministic, labelled, and its labels are what it injected."""

import pytest

from kb.schema import IndustryDoc
from tools.txn.chain import ChainPlausibility, corpus_distance, corpus_resolver
from tools.txn.flags import TYPOLOGIES
from tools.txn.screening import screen_transactions
from tools.txn.synth.generate import generate_batch, generate_history


def _ind(id_, name, stage, up=(), down=(), season=None, words=("一", "二", "三", "四", "五")):
    return IndustryDoc.model_validate({
        "id": id_, "doc_type": "industry", "name": name, "aliases": [name + "业", name + "户"], "gbt_codes": ["3587"],
        "regions": ["镇江市丹阳市"], "clusters": [name + "集群"], "chain_name": name + "链", "chain_stage": stage,
        "main_products": [name + "产品"], "upstream_inputs": ["原料甲", "原料乙"], "downstream_buyers": ["买家甲", "买家乙"],
        "upstream_industries": list(up), "downstream_industries": list(down),
        "scope_keywords": [f"{name}{w}" for w in words], "seasonality": season or [0.3, 0.4, 0.6, 1, 1.2, 1.4, 1.5, 1.4, 1.3, 1.2, 0.9, 0.8],
        "peak_months": [7], "cash_conversion_days": 60, "typical_revenue_wan": {"min": 300, "max": 800},
        "gross_margin_pct": {"min": 15, "max": 30}, "typical_loan": {"amount_wan": {"min": 10, "max": 100},
                                                                      "tenor_months": {"min": 6, "max": 12}},
        "risk_grade": 2, "risk_tags": ["甲", "乙"], "watch_signals": ["a", "b", "c"], "fitting_products": ["prod_x"]})


@pytest.fixture(scope="module")
def industries():
    docs = [_ind("mirror", "镜片制造", "midstream", up=["resin"], down=["shop"]),
            _ind("resin", "树脂化工", "upstream", down=["mirror"]), _ind("shop", "眼镜门店", "downstream", up=["mirror"]),
            _ind("laver", "紫菜养殖", "upstream", down=["fishmarket"]), _ind("fishmarket", "水产批发", "downstream", up=["laver"]),
            _ind("tea", "茶叶种植", "upstream", down=["teashop"]), _ind("teashop", "茶叶零售", "downstream", up=["tea"])]
    return {d.id: d for d in docs}


def test_generator_is_deterministic_and_labels_point_at_existing_rows(industries):
    a = generate_history(industries["mirror"], industries, 7, ["fan_in", "round_amount"])
    b = generate_history(industries["mirror"], industries, 7, ["fan_in", "round_amount"])
    assert [t.model_dump() for t in a.transactions] == [t.model_dump() for t in b.transactions]
    ids = {t.id for t in a.transactions}
    assert len(ids) == len(a.transactions)
    assert {lab.typology for lab in a.labels} == {"fan_in", "round_amount"}
    for lab in a.labels:
        assert lab.txn_ids and set(lab.txn_ids) <= ids
    fan = next(lab for lab in a.labels if lab.typology == "fan_in")
    rows = [t for t in a.transactions if t.id in set(fan.txn_ids)]
    assert all(t.direction == "in" for t in rows) and len({t.counterparty for t in rows}) >= 10


def test_clean_history_has_no_labels_and_realistic_shape(industries):
    h = generate_history(industries["mirror"], industries, 3, [])
    assert h.labels == [] and 150 <= len(h.transactions) <= 700
    assert {t.direction for t in h.transactions} == {"in", "out"}
    assert any(t.memo == "代发工资" for t in h.transactions) and any("税" in (t.memo or "") for t in h.transactions)


@pytest.mark.parametrize("typology", TYPOLOGIES)
def test_each_injected_typology_is_labelled_and_found(industries, typology):
    dist = corpus_distance(industries)
    h = generate_history(industries["mirror"], industries, 11, [typology], distance=dist, universal=frozenset())
    assert [lab.typology for lab in h.labels][:1] == [typology]
    judge = ChainPlausibility("mirror", corpus_resolver(industries), dist)
    res = screen_transactions(h.transactions, judge=judge, industry_index=industries["mirror"].seasonality)
    label_ids = set(h.labels[0].txn_ids)
    hits = [f for f in res.flags if f.typology == typology and {e.id for e in f.evidence} & label_ids]
    assert hits, f"{typology} injected but not flagged: {[f.typology for f in res.flags]}"


def test_batch_mixes_clean_and_injected_histories(industries):
    batch = generate_batch(industries, 0, n=8, clean_rate=0.5)
    assert len(batch) == 8
    assert any(not h.labels for h in batch)
