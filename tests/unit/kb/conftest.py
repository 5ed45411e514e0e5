"""Fixtures for the kb tests: one e5 embedder per session (with a vector cache, so re-embedding the
same tiny corpus in many tests is free) and a writer for small, self-contained corpora."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from kb.retrieval.embeddings import E5Embedder


@pytest.fixture(scope="session")
def e5(tmp_path_factory: pytest.TempPathFactory) -> E5Embedder:
    return E5Embedder(threads=1, batch_size=32, cache_dir=tmp_path_factory.mktemp("e5cache"))


def industry_md(iid: str, name: str, aliases: list[str], region: str, body: str) -> str:
    return textwrap.dedent(f"""\
        ---
        id: {iid}
        doc_type: industry
        name: {name}
        aliases: [{", ".join(aliases)}]
        gbt_codes: ["3587"]
        regions: [{region}]
        clusters: [{region}{name}产业集群]
        chain_name: {name}产业链
        chain_stage: midstream
        main_products: [{aliases[0]}]
        upstream_inputs: [原材料, 包装]
        downstream_buyers: [批发商, 电商]
        scope_keywords: [{name}制造, {name}销售, 批发, 零售, 进出口]
        seasonality: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
        peak_months: [9, 10]
        cash_conversion_days: 90
        typical_revenue_wan: {{min: 100, max: 2000}}
        gross_margin_pct: {{min: 15, max: 30}}
        typical_loan: {{amount_wan: {{min: 30, max: 300}}, tenor_months: {{min: 6, max: 12}}}}
        risk_grade: 3
        risk_tags: [价格战, 应收账款]
        watch_signals: [订单下滑, 回款变慢, 库存积压]
        fitting_products: [prod_chain_loan]
        ---
        """) + textwrap.dedent(body)


PRODUCT = textwrap.dedent("""\
    ---
    id: prod_chain_loan
    doc_type: product
    name: 链e贷
    category: loan
    aliases: [供应链贷款]
    summary: 面向核心企业上下游小微企业的订单融资产品。
    target_customers: [核心企业供应商]
    amount_wan: {min: 10, max: 500}
    tenor_months: {min: 3, max: 12}
    rate_pct: {min: 3.6, max: 6.5}
    ---
    ## 产品说明
    凭核心企业订单或应收账款申请，线上审批，随借随还。
    """)

FAQ = textwrap.dedent("""\
    - id: faq_card_lost
      category: 银行卡
      question: 银行卡丢了怎么办？
      similar: [卡片遗失如何挂失, 我的卡找不到了, 借记卡丢失怎么处理]
      answer: 请立即拨打禾信银行客服热线办理口头挂失，并在五日内携带身份证到网点办理正式挂失和补卡。
    - id: faq_loan_rate
      category: 贷款
      question: 经营贷款的利率是多少？
      similar: [贷款利息怎么算, 经营贷年化利率, 借钱利息高不高]
      answer: 经营贷款年利率一般在3.6%至6.5%之间，具体以审批结果为准。
    - id: faq_open_account
      category: 账户
      question: 企业如何开立对公账户？
      similar: [公司开户需要什么材料, 怎么开对公户, 对公账户开户流程]
      answer: 请携带营业执照、法定代表人身份证和公章到网点办理，也可在线预约开户。
    """)

DANYANG_BODY = """\
    ## 行业概况
    丹阳是全国最大的眼镜镜片生产基地，年产镜片约1亿副，占全国产量的七成以上。司徒镇聚集了大量镜片厂和镜架厂。

    ## 风险要点
    镜片行业价格战激烈，中低端产品毛利率持续下滑。应收账款账期普遍在60到90天，需要关注回款情况。
    """

YIXING_BODY = """\
    ## 行业概况
    宜兴丁蜀镇是紫砂壶的主要产地，紫砂泥料资源稀缺，手工制壶艺人众多。

    ## 经营模式与资金特征
    紫砂壶经营以工作室和家庭作坊为主，泥料囤货占用大量资金，销售旺季在秋季茶博会期间。
    """


@pytest.fixture(scope="session")
def write_corpus() -> Callable[[Path], Path]:
    """Write a small valid corpus (2 industries, 1 product, 3 FAQ entries) under ``root``."""

    def _write(root: Path) -> Path:
        (root / "industries").mkdir(parents=True, exist_ok=True)
        (root / "products").mkdir(exist_ok=True)
        (root / "faq").mkdir(exist_ok=True)
        (root / "industries" / "danyang_eyewear.md").write_text(
            industry_md("danyang_eyewear", "丹阳眼镜", ["眼镜镜片", "镜架"], "镇江市丹阳市", DANYANG_BODY), encoding="utf-8")
        (root / "industries" / "yixing_teapot.md").write_text(
            industry_md("yixing_teapot", "宜兴紫砂", ["紫砂壶", "紫砂茶具"], "无锡市宜兴市", YIXING_BODY), encoding="utf-8")
        (root / "products" / "prod_chain_loan.md").write_text(PRODUCT, encoding="utf-8")
        (root / "faq" / "service.yaml").write_text(FAQ, encoding="utf-8")
        return root

    return _write
