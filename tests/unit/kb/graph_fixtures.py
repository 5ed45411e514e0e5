"""A tiny corpus (4 industries, 2 bank products) and a tiny chain_kg folder for the graph/linking tests.

The chain: 小型化工 → 丹阳眼镜制造 → 眼镜零售店 (眼镜产业链), plus an unrelated 餐饮连锁.
The chain_kg folder uses exactly the upstream file formats (JSON lines + two CSVs).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml

BODY = "## 行业概况\n测试行业，年产值约10亿元。\n"


def industry(id_: str, name: str, stage: str, chain: str, aliases: list[str], scope: list[str], products: list[str],
             inputs: list[str], buyers: list[str], regions: list[str], clusters: list[str], gbt: list[str],
             up: tuple = (), down: tuple = (), fitting: tuple = ("prod_working_capital",)) -> dict:
    return {"id": id_, "doc_type": "industry", "name": name, "aliases": aliases, "gbt_codes": gbt,
            "regions": regions, "clusters": clusters, "chain_name": chain, "chain_stage": stage,
            "main_products": products, "upstream_inputs": inputs, "downstream_buyers": buyers,
            "upstream_industries": list(up), "downstream_industries": list(down), "scope_keywords": scope,
            "seasonality": [1.0] * 12, "peak_months": [7, 8], "cash_conversion_days": 60,
            "typical_revenue_wan": {"min": 200, "max": 800}, "gross_margin_pct": {"min": 15, "max": 30},
            "typical_loan": {"amount_wan": {"min": 10, "max": 100}, "tenor_months": {"min": 6, "max": 24}},
            "risk_grade": 2, "risk_tags": ["价格战", "回款慢"], "watch_signals": ["订单骤减", "电费下降", "回款拖延"],
            "fitting_products": list(fitting)}


INDUSTRIES = [
    industry("small_chemicals", "小型化工", "upstream", "眼镜产业链", ["精细化工", "树脂单体生产"],
             ["化工产品销售", "专用化学产品制造", "合成材料制造", "涂料制造", "货物进出口"], ["树脂单体", "镀膜材料"],
             ["石油化工原料", "催化剂"], ["镜片厂", "涂料厂"], ["泰州市泰兴市"], ["泰兴化工园区"], ["2614"],
             down=("danyang_eyewear",)),
    industry("danyang_eyewear", "丹阳眼镜制造", "midstream", "眼镜产业链", ["丹阳眼镜", "树脂镜片加工"],
             ["眼镜制造", "眼镜销售（不含隐形眼镜）", "光学玻璃制造", "第二类医疗器械销售", "货物进出口"], ["树脂镜片", "眼镜架"],
             ["树脂单体", "镀膜材料", "模具"], ["眼镜零售店", "电商平台店铺"], ["镇江市丹阳市"], ["丹阳眼镜产业集群"],
             ["3587"], up=("small_chemicals",), down=("optical_store",),
             fitting=("prod_working_capital", "prod_tax_loan")),
    industry("optical_store", "眼镜零售店", "downstream", "眼镜产业链", ["眼镜店", "验光配镜"],
             ["眼镜零售", "验光配镜服务", "第二类医疗器械零售", "日用百货销售", "眼镜维修"], ["配镜服务", "隐形眼镜"],
             ["树脂镜片", "眼镜架", "验光设备"], ["个人消费者", "学生家长"], ["镇江市丹阳市", "南京市"],
             ["丹阳眼镜产业集群"], ["5245"], up=("danyang_eyewear",)),
    industry("restaurant_chain", "餐饮连锁", "downstream", "餐饮产业链", ["连锁餐厅", "快餐店"],
             ["餐饮服务", "食品经营", "外卖递送服务", "餐饮管理", "小吃服务"], ["堂食正餐", "外卖套餐"],
             ["生鲜肉禽", "粮油调料"], ["个人消费者", "企业团餐客户"], ["南京市"], ["新街口商圈"], ["6210"]),
]

PRODUCTS = {
    "prod_working_capital": {"id": "prod_working_capital", "doc_type": "product", "name": "禾信普惠经营贷",
                             "category": "loan", "summary": "按经营流水核定额度的流动资金贷款。",
                             "target_customers": ["小微企业"], "amount_wan": {"min": 10, "max": 300},
                             "tenor_months": {"min": 6, "max": 36}, "rate_pct": {"min": 3.5, "max": 8.0}},
    "prod_tax_loan": {"id": "prod_tax_loan", "doc_type": "product", "name": "禾信税务贷", "category": "loan",
                      "summary": "按纳税额核定额度的线上信用贷款。", "target_customers": ["纳税信用A/B级企业"],
                      "amount_wan": {"min": 5, "max": 200}, "tenor_months": {"min": 3, "max": 12},
                      "rate_pct": {"min": 3.8, "max": 7.0}},
}


def _md(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + BODY


def write_tiny_corpus(root: Path) -> Path:
    (root / "industries").mkdir(parents=True, exist_ok=True)
    (root / "products").mkdir(exist_ok=True)
    for meta in INDUSTRIES:
        (root / "industries" / f"{meta['id']}.md").write_text(_md(meta), encoding="utf-8")
    for pid, meta in PRODUCTS.items():
        (root / "products" / f"{pid}.md").write_text(_md(meta), encoding="utf-8")
    return root


def _jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def write_tiny_chainkg(folder: Path) -> Path:
    """Same files and formats as ../shared/data/chain_kg, a dozen rows each."""
    folder.mkdir(parents=True, exist_ok=True)
    _jsonl(folder / "industry.json", [
        {"code": "220000", "name": "基础化工"}, {"code": "220300", "name": "化学制品"},
        {"code": "220301", "name": "涂料油墨"}, {"code": "370000", "name": "医药生物"},
        {"code": "370500", "name": "医疗器械"}, {"code": "370502", "name": "医疗耗材"},
        {"code": "460000", "name": "社会服务"}, {"code": "460600", "name": "餐饮"}, {"code": "460601", "name": "餐饮Ⅲ"}])
    _jsonl(folder / "industry_industry.json", [
        {"from_code": c, "from_industry": n, "rel": "上级行业", "to_industry": pn, "to_code": pc}
        for c, n, pc, pn in [("220300", "化学制品", "220000", "基础化工"), ("220301", "涂料油墨", "220300", "化学制品"),
                             ("370500", "医疗器械", "370000", "医药生物"), ("370502", "医疗耗材", "370500", "医疗器械"),
                             ("460600", "餐饮", "460000", "社会服务"), ("460601", "餐饮Ⅲ", "460600", "餐饮")]])
    _jsonl(folder / "industry_up.json", [
        {"industry": "医疗耗材", "ups": {"涂料油墨": 3, "不存在的行业Ⅲ": 1}}, {"industry": "餐饮Ⅲ", "ups": {}}])
    _jsonl(folder / "product.json", [{"name": n} for n in [
        "镜片", "玻璃镜片", "树脂", "眼镜", "玻璃", "树脂单体", "紫外线吸收剂", "鏡架", "涂料", "快餐", "大米", "香菇鸭粥"]])
    _csv(folder / "product_product.csv", ["from_product", "to_product", "rel"], [
        ["眼镜", "玻璃", "上游材料"], ["眼镜", "树脂", "上游材料"], ["镜片", "玻璃镜片", "产品小类"],
        ["树脂单体", "紫外线吸收剂", "下游产品"], ["香菇鸭粥", "大米", "上游材料"], ["眼镜", "眼镜", "上游材料"],
        ["镜片", "树脂", "上游材料"], ["眼镜", "镜架", "上游材料"]])
    _jsonl(folder / "company.json", [
        {"name": "明月镜片", "fullname": "明月镜片股份有限公司", "code": "301101", "location": "深圳证券交易所", "time": "2021-12-16"},
        {"name": "全聚德", "fullname": "中国全聚德（集团）股份有限公司", "code": "002186.SZ", "location": "深圳证券交易所",
         "time": "2007-11-20"}])
    _jsonl(folder / "company_industry.json", [
        {"company_code": "301101.SZ", "industry_code": "370502", "industry_name": "医疗耗材", "company_name": "明月镜片", "rel": "所属行业"},
        {"company_code": "002186.SZ", "industry_code": "460601", "industry_name": "餐饮Ⅲ", "company_name": "全聚德", "rel": "所属行业"}])
    _csv(folder / "company_product.csv", ["company_code", "product", "rel", "weight"], [
        ["301101.SZ", "镜片", "主营产品", "0.72"], ["301101.SZ", "树脂单体", "主营产品", "0.1"],
        ["301101.SZ", "眼镜", "主营产品", "0.18"], ["002186.SZ", "快餐", "主营产品", "0.9"]])
    return folder
