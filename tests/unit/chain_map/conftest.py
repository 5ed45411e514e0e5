"""A tiny corpus (6 industries, 4 products) written to a temp folder, its graph and the run context."""

from __future__ import annotations

import pytest
import yaml

from agents.chain_map.context import build_context
from kb.corpus import load_corpus
from kb.graph import build_graph

BODY = """## 行业概况
{name}是测试用的细分行业，年产值约10亿元。

## 产业链
- 上游：原料；
- 下游：买方。

## 经营模式与资金特征
现金周期约60天。

## 典型融资需求
旺季前备货，额度10–100万元。

## 风险要点
- {name}价格波动大
- 环保整治

## 尽调要点
- {name}的订单是否真实？
- 前五大客户集中度如何？

## 适配产品
普惠经营贷。

## 贷后预警信号
- {name}开工率下降
- 主要客户流失
"""


def industry(id_, name, stage, aliases, scope, products, up=(), down=(), regions=("镇江市丹阳市",), gbt=("3587",),
             season=(0.9, 0.75, 0.95, 0.95, 1.0, 1.05, 1.2, 1.2, 1.05, 0.95, 0.95, 1.05), fitting=("prod_working_capital",)):
    return {"id": id_, "doc_type": "industry", "name": name, "aliases": list(aliases), "gbt_codes": list(gbt),
            "regions": list(regions), "clusters": [f"{name}集群"], "chain_name": f"{name}产业链", "chain_stage": stage,
            "main_products": list(products), "upstream_inputs": ["原料甲", "原料乙"], "downstream_buyers": ["经销商", "零售店"],
            "upstream_industries": list(up), "downstream_industries": list(down), "scope_keywords": list(scope),
            "seasonality": list(season), "peak_months": [7, 8], "cash_conversion_days": 60,
            "typical_revenue_wan": {"min": 200, "max": 800}, "gross_margin_pct": {"min": 15, "max": 30},
            "typical_loan": {"amount_wan": {"min": 10, "max": 100}, "tenor_months": {"min": 6, "max": 24}},
            "risk_grade": 2, "risk_tags": [f"{name}同质化", "汇率波动"], "watch_signals": ["订单骤减", "电费下降", "回款拖延"],
            "fitting_products": list(fitting)}


INDUSTRIES = [
    industry("danyang_eyewear", "丹阳眼镜制造", "midstream", ["丹阳眼镜", "树脂镜片加工"],
             ["眼镜制造", "眼镜销售", "光学玻璃制造", "第二类医疗器械销售", "货物进出口"], ["树脂镜片", "眼镜架"],
             up=["small_chemicals"], down=["optical_store"], fitting=("prod_working_capital", "prod_tax_loan")),
    industry("small_chemicals", "小型化工", "upstream", ["精细化工", "树脂单体"],
             ["化工产品销售", "专用化学产品制造", "合成材料制造", "涂料制造", "货物进出口"], ["树脂单体", "镀膜材料"],
             down=["danyang_eyewear"], regions=("泰州市",), gbt=("2661",)),
    industry("optical_store", "眼镜零售店", "downstream", ["眼镜店", "配镜中心"],
             ["眼镜零售", "验光配镜服务", "第二类医疗器械零售", "日用品销售", "互联网销售"], ["近视眼镜", "太阳镜"],
             up=["danyang_eyewear"], regions=("苏州市",), gbt=("5245",)),
    industry("yangchenghu_crab", "阳澄湖大闸蟹养殖", "upstream", ["阳澄湖大闸蟹", "中华绒螯蟹养殖"],
             ["淡水水产养殖", "水产品零售", "食用农产品批发", "水产苗种生产", "礼品卡券销售"], ["大闸蟹", "蟹券礼盒"],
             down=["seafood_wholesale"], regions=("苏州市相城区",), gbt=("0412",),
             season=(0.3, 0.3, 0.3, 0.4, 0.5, 0.6, 0.8, 1.2, 2.4, 2.6, 1.8, 0.8), fitting=("prod_farmer_breeding",)),
    industry("seafood_wholesale", "水产品批发", "downstream", ["水产批发", "海鲜批发"],
             ["水产品批发", "食用农产品批发", "水产品零售", "冷藏保鲜", "道路货物运输"], ["鲜活水产", "冻品"],
             up=["yangchenghu_crab"], regions=("南京市",), gbt=("5124",)),
    industry("logistics_fleet", "物流车队", "support", ["公路货运", "物流运输"],
             ["道路货物运输", "普通货物仓储服务", "国内货物运输代理", "装卸搬运", "运输设备租赁服务"], ["整车运输", "零担"],
             regions=("徐州市",), gbt=("5430",)),
]

RULE = lambda fact, op, value, text: {"fact": fact, "op": op, "value": value, "text": text}  # noqa: E731
LOAN = {"amount_wan": {"min": 10, "max": 500}, "tenor_months": {"min": 6, "max": 36}, "rate_pct": {"min": 3.2, "max": 8.5}}
PRODUCTS = [
    {"id": "prod_working_capital", "doc_type": "product", "name": "禾信普惠经营贷", "category": "loan",
     "summary": "按经营流水核额的流动资金贷款。", "target_customers": ["小微企业"], **LOAN,
     "eligibility": [RULE("years_operating", ">=", 1, "持续经营满1年"),
                     RULE("monthly_inflow_wan", ">=", 10, "近12个月月均入账流水不低于10万元")]},
    {"id": "prod_tax_loan", "doc_type": "product", "name": "禾信税务贷", "category": "loan",
     "summary": "按纳税额核额的线上信用贷款。", "target_customers": ["纳税小微企业"], **LOAN,
     "eligibility": [RULE("tax_credit_grade", "in", ["A", "B", "M"], "纳税信用等级为A、B或M级"),
                     RULE("years_operating", ">=", 2, "持续经营满2年")]},
    {"id": "prod_farmer_breeding", "doc_type": "product", "name": "禾信种养贷", "category": "loan",
     "summary": "种植养殖户的季节性贷款。", "target_customers": ["农户"], **LOAN,
     "eligibility": [RULE("is_agricultural", "is_true", None, "从事种植、养殖等农业生产")]},
    {"id": "prod_settlement_account", "doc_type": "product", "name": "禾信对公结算账户", "category": "account",
     "summary": "对公基本户和一般户开立与网银服务。", "target_customers": ["企业"], "eligibility": []},
]


def write_corpus(root):
    for sub in ("industries", "products", "faq", "policies"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for ind in INDUSTRIES:
        front = yaml.safe_dump(ind, allow_unicode=True, sort_keys=False)
        (root / "industries" / f"{ind['id']}.md").write_text(f"---\n{front}---\n{BODY.format(name=ind['name'])}",
                                                             encoding="utf-8")
    for prod in PRODUCTS:
        front = yaml.safe_dump(prod, allow_unicode=True, sort_keys=False)
        (root / "products" / f"{prod['id']}.md").write_text(f"---\n{front}---\n## 产品说明\n测试。\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def mini_corpus(tmp_path_factory):
    corpus = load_corpus(write_corpus(tmp_path_factory.mktemp("corpus")))
    assert not corpus.errors, corpus.errors
    return corpus


@pytest.fixture(scope="session")
def ctx(mini_corpus):
    return build_context(mini_corpus, build_graph(mini_corpus), gbt_names={"3587": "眼镜制造"})


@pytest.fixture()
def eyewear_request():
    return {"enterprise": {"name": "丹阳市明瑞眼镜有限公司", "business_scope": "眼镜制造；眼镜销售；光学玻璃制造",
                           "main_products": "树脂镜片、眼镜架", "location": "镇江市丹阳市", "years_operating": 6,
                           "tax": {"annual_tax_paid_wan": 12, "tax_credit_grade": "b级"}}}
