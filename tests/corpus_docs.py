"""Corpus documents the corpus tests write: one valid industry file, in one place, so the loader's and
the workbench upload's tests validate the same front matter."""


def industry_doc(iid: str = "danyang_eyewear", product: str = "prod_tax_loan", body: str = "",
                 name: str = "丹阳眼镜制造") -> str:
    return f"""\
---
id: {iid}
doc_type: industry
name: {name}
aliases: [丹阳眼镜, 眼镜厂]
gbt_codes: ["3587"]
regions: [镇江市丹阳市]
clusters: [丹阳眼镜产业集群]
chain_name: 眼镜产业链
chain_stage: midstream
main_products: [镜架, 镜片]
upstream_inputs: [树脂单体, 钛材]
downstream_buyers: [眼镜零售店, 电商平台]
scope_keywords: [眼镜制造, 眼镜销售, 光学玻璃制造, 镜片制造, 镜架制造]
seasonality: [0.8, 0.7, 1.0, 1.0, 1.0, 1.1, 1.2, 1.2, 1.0, 1.0, 1.0, 1.0]
peak_months: [7, 8]
cash_conversion_days: 75
typical_revenue_wan: {{min: 300, max: 3000}}
gross_margin_pct: {{min: 15, max: 30}}
typical_loan: {{amount_wan: {{min: 30, max: 300}}, tenor_months: {{min: 6, max: 12}}}}
risk_grade: 2
risk_tags: [价格竞争, 应收账款]
watch_signals: [开票下降, 库存上升, 回款延迟]
fitting_products: [{product}]
---
{body}"""
