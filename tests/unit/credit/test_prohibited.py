"""The prohibited-business list (issue #19): file, recognition by lexicon/patterns, negation, override."""

from __future__ import annotations

import pytest

from tools.credit.prohibited import (DEFAULT_FILE, OVERRIDE_NAME, ExemplarIndex, application_texts, load_policy,
                                     resolve_file, screen)


@pytest.fixture(scope="module")
def policy():
    return load_policy()


def _rules(policy, **texts) -> set[str]:
    return {h.rule_id for h in screen(policy, {"name": "", "business_scope": "", "main_products": "", "purpose": "",
                                               **texts})}


def test_the_shipped_list_has_every_category_and_a_hash(policy):
    assert {c.id for c in policy.categories} == {"PB01_GAMBLING", "PB02_PYRAMID_SELLING", "PB03_ILLEGAL_FUNDRAISING",
                                                "PB04_VIRTUAL_CURRENCY", "PB05_UNLICENSED_LENDING", "PB06_BANK_LIST"}
    assert policy.source == str(DEFAULT_FILE) and len(policy.sha256) == 64
    assert policy.audit_tag == f"prohibited_business@{policy.version}#{policy.sha256[:12]}"


@pytest.mark.parametrize("field,text,rule", [
    ("business_scope", "网络推广；线上博彩代理", "PB01_GAMBLING"),
    ("purpose", "菠菜站引流投放", "PB01_GAMBLING"),
    ("business_scope", "海外娱乐平台推广与充值结算", "PB01_GAMBLING"),
    ("purpose", "招募代理发展下线，按业绩返佣", "PB02_PYRAMID_SELLING"),
    ("business_scope", "无限级分销平台", "PB02_PYRAMID_SELLING"),
    ("purpose", "面向社会公众募集资金用于项目", "PB03_ILLEGAL_FUNDRAISING"),
    ("business_scope", "投资入股每月返本付息", "PB03_ILLEGAL_FUNDRAISING"),
    ("main_products", "USDT、场外承兑", "PB04_VIRTUAL_CURRENCY"),
    ("business_scope", "数字币兑换服务", "PB04_VIRTUAL_CURRENCY"),
    ("purpose", "向个人放款赚取利息", "PB05_UNLICENSED_LENDING"),
    ("business_scope", "电镀作坊加工", "PB06_BANK_LIST"),
    ("business_scope", "危险化学品分装", "PB06_BANK_LIST"),
])
def test_each_category_is_recognised_in_plain_and_disguised_wording(policy, field, text, rule):
    assert _rules(policy, **{field: text}) == {rule}


@pytest.mark.parametrize("text", [
    "眼镜制造；化工产品销售（不含危险化学品）", "防范非法集资宣传培训", "棋牌室经营（不含赌博）", "福利彩票代销",
    "区块链技术软件开发", "外币结算进口设备", "会员积分活动", "供应链管理服务", "ICONIC眼镜品牌代理",
    "不从事虚拟货币交易的软件外包", "机械零件加工（电镀工序除外）",
])
def test_lawful_lookalikes_and_negated_words_do_not_count(policy, text):
    assert _rules(policy, business_scope=text) == set()


def test_a_hit_explains_itself(policy):
    hits = screen(policy, application_texts({"enterprise": {"name": "某某科技", "business_scope": "境外博彩网站推广",
                                                           "main_products": []}, "loan": {"purpose": "周转"}}))
    assert len(hits) == 1
    h = hits[0]
    assert (h.rule_id, h.field, h.method) == ("PB01_GAMBLING", "business_scope", "lexicon")
    assert "博彩" in h.matched and "经营范围" in h.reason and "“博彩”" in h.reason


def test_a_broken_list_is_refused_with_the_file_named(tmp_path):
    bad = tmp_path / "x.rules.yaml"
    bad.write_text("id: x\nname: x\nversion: '1'\ncategories:\n  - {id: PB_X, name: x, patterns: ['(']}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="x.rules.yaml.*does not compile"):
        load_policy(bad)
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mapping"):
        load_policy(bad)


def test_a_data_dir_copy_overrides_the_shipped_list(tmp_path):
    assert resolve_file(tmp_path) == DEFAULT_FILE
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / OVERRIDE_NAME).write_text(DEFAULT_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert resolve_file(tmp_path) == tmp_path / "policies" / OVERRIDE_NAME
    assert resolve_file(tmp_path, DEFAULT_FILE) == DEFAULT_FILE


def test_similarity_to_exemplars_adds_what_the_lexicon_misses(policy):
    class Embedder:  # every clause about "资金盘" is close to the fund-raising exemplars, nothing else is
        def _v(self, t):
            return [1.0, 0.0] if ("资金盘" in t or "村民" in t) else [0.0, 1.0]

        def embed(self, texts, role="passage"):
            return [self._v(t) for t in texts]

        def embed_one(self, text, role="query"):
            return self._v(text)

    index = ExemplarIndex(policy, Embedder(), threshold=0.95)
    texts = {"name": "", "business_scope": "运营一个资金盘项目", "main_products": "", "purpose": ""}
    assert screen(policy, texts) == []
    hits = screen(policy, texts, index)
    assert [(h.rule_id, h.method) for h in hits] == [("PB03_ILLEGAL_FUNDRAISING", "similarity")]
    assert "语义相近" in hits[0].reason
