"""Build eval/datasets/loan_review.jsonl: ``python -m eval.loan_review_cases``.

Every case is written down here as a variation of one clean applicant, with the outcome the credit
policy (kb/corpus/policies/credit_policy.md) prescribes — not the outcome the system happens to give.
Groups: clear approvals across products and industries; declines for every hard rule, prudent-industry
rule and product condition (expected rule id listed); score declines; refers (each refer trigger);
malformed applications (expected: field-level rejection, with the field named).
All applicants are fictional; ID numbers are synthetic with valid check digits.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from eval.loan_prohibited_cases import build_prohibited
from kb.corpus import load_corpus
from tools.credit.identity import make_id_number

OUT = Path(__file__).resolve().parent / "datasets" / "loan_review.jsonl"
APP_DATE = "2025-06-20"
MONTHS = ["2024-06", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02",
          "2025-03", "2025-04", "2025-05"]


def flows(monthly: float, wobble: tuple[float, ...] = (0.96, 0.92, 0.98, 1.05, 1.02, 1.08, 1.12, 0.93, 0.85,
                                                           1.0, 1.03, 1.06)) -> dict:
    return {"months": [{"month": m, "inflow_wan": round(monthly * w, 1), "outflow_wan": round(monthly * w * 0.92, 1)}
                       for m, w in zip(MONTHS, wobble)]}


def base(seq: int, industry: str = "danyang_eyewear", born: date = date(1980, 4, 12)) -> dict:
    return {
        "application_id": f"EV{seq:04d}", "application_date": APP_DATE,
        "enterprise": {"name": "丹阳市明视眼镜有限公司", "business_scope": "眼镜制造；眼镜销售（不含隐形眼镜）；光学玻璃制造",
                       "main_products": ["树脂镜片", "金属眼镜架"], "location": "镇江市丹阳市", "industry_id": industry,
                       "years_operating": 8, "employee_count": 30, "annual_revenue_wan": 1200},
        "owner": {"name": "王建国", "id_number": make_id_number("321181", born, seq), "phone": "13912345678",
                  "credit_report": {"overdue_count_24m": 0, "max_overdue_days_24m": 0, "current_overdue": False,
                                    "inquiries_3m": 1, "inquiries_6m": 2, "existing_debt_wan": 150}},
        "loan": {"requested_amount_wan": 200, "tenor_months": 12, "purpose": "采购原材料及日常经营周转",
                 "product": "prod_working_capital"},
        "tax": {"annual_tax_paid_wan": 36, "tax_credit_grade": "A", "declared_revenue_wan": 1200},
        "invoice": {"invoice_months_12m": 12, "annual_invoice_wan": 1050},
        "bank_flow": flows(100),
    }


def put(app: dict, path: str, value: Any) -> dict:
    """Set a dotted path; value None deletes the key."""
    node = app
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[k]
    if value is None:
        node.pop(keys[-1], None)
    else:
        node[keys[-1]] = value
    return app


# (industry, name, scope, products, location, revenue, monthly inflow) — clean approvals in 鼓励/适度 segments
PROFILES = {
    "danyang_eyewear": ("丹阳市明视眼镜有限公司", "眼镜制造；眼镜销售", ["树脂镜片"], "镇江市丹阳市", 1200, 100),
    "precision_machining": ("苏州精工机械有限公司", "通用零部件制造；机械零件加工", ["数控加工件"], "苏州市吴江区", 2000, 165),
    "pharmacy": ("无锡康宁大药房有限公司", "药品零售；医疗器械经营", ["处方药", "保健品"], "无锡市梁溪区", 600, 50),
    "supermarket": ("南京邻里社区超市有限公司", "日用百货销售；食品销售", ["生鲜", "日用品"], "南京市鼓楼区", 800, 66),
    "zhenjiang_vinegar": ("镇江恒顺源醋业有限公司", "调味品生产；食醋酿造", ["香醋"], "镇江市丹徒区", 1500, 125),
    "auto_repair": ("常州车安汽车维修有限公司", "机动车维修；汽车零配件销售", ["维修保养"], "常州市新北区", 500, 42),
    "packaging_printing": ("昆山华彩包装有限公司", "纸制品制造；包装装潢印刷", ["瓦楞纸箱"], "苏州市昆山市", 1800, 150),
    "yixing_zisha": ("宜兴紫韵陶艺有限公司", "陶瓷制品制造；工艺美术品销售", ["紫砂壶"], "无锡市宜兴市", 300, 25),
}


def approval(seq: int, industry: str, **changes: Any) -> dict:
    name, scope, products, loc, revenue, monthly = PROFILES[industry]
    app = base(seq, industry)
    app["enterprise"].update(name=name, business_scope=scope, main_products=products, location=loc,
                             annual_revenue_wan=revenue)
    app["tax"].update(declared_revenue_wan=revenue, annual_tax_paid_wan=round(revenue * 0.03, 1))
    app["invoice"]["annual_invoice_wan"] = round(revenue * 0.85)
    app["owner"]["credit_report"]["existing_debt_wan"] = round(revenue * 0.12)
    app["bank_flow"] = flows(monthly)
    app["loan"]["requested_amount_wan"] = round(min(revenue * 0.15, 400))
    for path, value in changes.items():
        put(app, path.replace("__", "."), value)
    return app


def case(cid: str, app: dict, decision: str, tags: dict, rule_ids: list[str] | None = None,
         fields: list[str] | None = None) -> dict:
    expected: dict[str, Any] = {"decision": decision}
    if rule_ids:
        expected["rule_ids"] = rule_ids
    if fields:
        expected["fields"] = fields
    return {"id": cid, "input": app, "expected": expected, "tags": tags}


def build() -> list[dict]:
    cases: list[dict] = []
    n = iter(range(1, 10_000))

    def add(cid, app, decision, category, difficulty="normal", **kw):
        cases.append(case(cid, app, decision, {"category": category, "difficulty": difficulty,
                                                "variant": kw.pop("variant", "standard")}, **kw))

    # ---- clear approvals ------------------------------------------------------------------
    for ind in PROFILES:
        add(f"approve_{ind}", approval(next(n), ind), "approve", "approve")
    add("approve_tax_loan", approval(next(n), "danyang_eyewear", loan__product="prod_tax_loan",
                                     loan__requested_amount_wan=150), "approve", "approve")
    add("approve_invoice_loan", approval(next(n), "packaging_printing", loan__product="prod_invoice_loan",
                                         loan__requested_amount_wan=150), "approve", "approve")
    mort = approval(next(n), "zhenjiang_vinegar", loan__product="prod_mortgage_loan", loan__tenor_months=60,
                    loan__requested_amount_wan=300)
    mort["loan"]["collateral"] = {"type": "property", "value_wan": 800, "description": "厂房"}
    add("approve_mortgage", mort, "approve", "approve")
    guar = approval(next(n), "auto_repair", loan__product="prod_guarantee_loan", loan__tenor_months=24,
                    loan__requested_amount_wan=60)
    guar["loan"]["guarantee"] = {"type": "government_guarantee", "guarantor": "江苏省信用再担保"}
    add("approve_guarantee", guar, "approve", "approve")
    add("approve_supply_chain", approval(next(n), "precision_machining", loan__product="prod_supply_chain",
                                         enterprise__has_core_enterprise_orders=True, loan__tenor_months=6,
                                         loan__requested_amount_wan=250), "approve", "approve")
    add("approve_equipment", approval(next(n), "packaging_printing", loan__product="prod_equipment_loan",
                                      loan__tenor_months=36, loan__requested_amount_wan=200), "approve", "approve")
    crab = approval(next(n), "danyang_eyewear")
    crab["enterprise"].update(name="苏州阳澄湖金湖蟹业专业合作社", business_scope="水产养殖；水产品销售",
                              main_products=["大闸蟹"], location="苏州市相城区", industry_id="yangchenghu_crab",
                              annual_revenue_wan=300, is_agricultural=True)
    crab["loan"].update(product="prod_farmer_breeding", tenor_months=12, requested_amount_wan=40)
    crab["bank_flow"] = flows(25)
    crab["owner"]["credit_report"]["existing_debt_wan"] = 30
    crab["tax"].update(declared_revenue_wan=300, annual_tax_paid_wan=3)
    crab["invoice"]["annual_invoice_wan"] = 240
    add("approve_farmer_breeding", crab, "approve", "approve")
    txn = approval(next(n), "pharmacy")
    txn.pop("bank_flow")
    txn["transactions"] = [{"date": f"{m}-{d:02d}", "amount": amt, "direction": "in", "counterparty": cp, "channel": "pos"}
                           for m in MONTHS for d, amt, cp in ((5, 180000, "医保基金"), (15, 160000, "聚合收款"),
                                                              (25, 160000, "门店收款"))]
    txn["transactions"] += [{"date": f"{m}-20", "amount": 420000, "direction": "out", "counterparty": "医药配送公司",
                             "memo": "货款"} for m in MONTHS]
    add("approve_raw_transactions", txn, "approve", "approve", variant="transactions")
    scoped = approval(next(n), "danyang_eyewear", enterprise__industry_id=None)
    add("approve_scope_linked", scoped, "approve", "approve", variant="scope_linking")
    return (cases + build_declines(n) + build_refers(n) + build_malformed(n)
            + build_prohibited(n, approval, case))  # issue #19


def _describe(app: dict, industry_id: str) -> None:
    """Make name, scope, products and location fit a segment taken from the corpus."""
    doc = _corpus().industry(industry_id)
    app["enterprise"].update(name=f"{doc.regions[0][:2]}恒泰{doc.main_products[0]}有限公司",
                             business_scope="；".join(doc.scope_keywords[:3]), main_products=doc.main_products[:2],
                             location=doc.regions[0])


_CORPUS = None


def _corpus():
    global _CORPUS
    if _CORPUS is None:
        _CORPUS = load_corpus(Path(__file__).resolve().parents[1] / "kb" / "corpus")
    return _CORPUS


def decline(seq: int, industry: str = "danyang_eyewear", **changes: Any) -> dict:
    app = approval(seq, industry, **changes)
    other = changes.get("enterprise__industry_id")
    if other and other in _corpus().industries and "enterprise__name" not in changes:
        _describe(app, other)
    return app


def build_declines(n) -> list[dict]:
    out: list[dict] = []

    def add(cid, app, rule, category="hard_rule", difficulty="normal"):
        out.append(case(cid, app, "decline", {"category": category, "difficulty": difficulty, "variant": rule},
                        rule_ids=[rule]))

    chem = decline(next(n), enterprise__industry_id="small_chemicals", enterprise__name="泰兴市华通化工有限公司",
                   enterprise__business_scope="化工产品生产（不含许可类化工产品）；化工产品销售")
    add("decline_cr01_small_chemicals", chem, "CR01_INDUSTRY_FORBIDDEN")
    add("decline_cr01_sand_gravel", decline(next(n), enterprise__industry_id="sand_gravel",
                                            enterprise__business_scope="砂石料销售；建筑材料销售"), "CR01_INDUSTRY_FORBIDDEN")
    add("decline_cr01_chemicals_big_ask", decline(next(n), enterprise__industry_id="small_chemicals",
                                                  loan__requested_amount_wan=50), "CR01_INDUSTRY_FORBIDDEN")
    for cid, born in (("decline_cr02_age_17", date(2008, 1, 5)), ("decline_cr02_age_66", date(1958, 12, 1)),
                      ("decline_cr02_age_71", date(1954, 3, 3))):
        app = decline(next(n))
        app["owner"]["id_number"] = make_id_number("320282", born, 7)
        add(cid, app, "CR02_OWNER_AGE")
    for cid, cr in (("decline_cr03_current_overdue", {"current_overdue": True, "overdue_count_24m": 1, "max_overdue_days_24m": 20}),
                    ("decline_cr03_current_overdue_clean_history", {"current_overdue": True, "overdue_count_24m": 1,
                                                                    "max_overdue_days_24m": 5}),
                    ("decline_cr04_overdue_7", {"overdue_count_24m": 7, "max_overdue_days_24m": 25}),
                    ("decline_cr04_overdue_12", {"overdue_count_24m": 12, "max_overdue_days_24m": 28}),
                    ("decline_cr05_overdue_95_days", {"overdue_count_24m": 1, "max_overdue_days_24m": 95}),
                    ("decline_cr05_overdue_180_days", {"overdue_count_24m": 2, "max_overdue_days_24m": 180}),
                    ("decline_cr06_inquiries_3m_7", {"inquiries_3m": 7, "inquiries_6m": 8}),
                    ("decline_cr06_inquiries_3m_10", {"inquiries_3m": 10, "inquiries_6m": 10}),
                    ("decline_cr07_inquiries_6m_11", {"inquiries_3m": 3, "inquiries_6m": 11}),
                    ("decline_cr07_inquiries_6m_15", {"inquiries_3m": 2, "inquiries_6m": 15}),
                    ("decline_cr08_debt_ratio_90", {"existing_debt_wan": 1080}),
                    ("decline_cr08_debt_ratio_150", {"existing_debt_wan": 1800})):
        app = decline(next(n))
        app["owner"]["credit_report"].update(cr)
        add(cid, app, cid.split("_")[1].upper() + {"cr03": "_CURRENT_OVERDUE", "cr04": "_OVERDUE_COUNT",
                                                   "cr05": "_OVERDUE_DAYS", "cr06": "_INQUIRIES_3M",
                                                   "cr07": "_INQUIRIES_6M", "cr08": "_DEBT_RATIO"}[cid.split("_")[1]])
    add("decline_cr09_years_0_5", decline(next(n), enterprise__years_operating=0.5), "CR09_YEARS_OPERATING")
    add("decline_cr09_years_0_9", decline(next(n), enterprise__years_operating=0.9), "CR09_YEARS_OPERATING")
    big = decline(next(n), loan__product="prod_mortgage_loan", loan__requested_amount_wan=1200, loan__tenor_months=60)
    big["loan"]["collateral"] = {"type": "property", "value_wan": 3000}
    add("decline_cr10_amount_1200", big, "CR10_AMOUNT_CAP")
    add("decline_cr10_amount_2000", decline(next(n), loan__requested_amount_wan=2000), "CR10_AMOUNT_CAP")
    long = decline(next(n), loan__product="prod_mortgage_loan", loan__requested_amount_wan=300, loan__tenor_months=180)
    long["loan"]["collateral"] = {"type": "property", "value_wan": 900}
    add("decline_cr11_tenor_180", long, "CR11_TENOR_CAP")
    add("decline_cr11_tenor_240", decline(next(n), loan__tenor_months=240), "CR11_TENOR_CAP")
    add("decline_cr12_tax_d", decline(next(n), tax__tax_credit_grade="D"), "CR12_TAX_GRADE_D")
    tax_d = decline(next(n), "auto_repair", tax__tax_credit_grade="D", loan__product="prod_guarantee_loan",
                    loan__tenor_months=24, loan__requested_amount_wan=60)
    tax_d["loan"]["guarantee"] = {"type": "government_guarantee", "guarantor": "江苏省信用再担保"}
    add("decline_cr12_tax_d_guarantee_loan", tax_d, "CR12_TAX_GRADE_D")
    # prudent industries (审慎): extra hard rules
    for cid, ind, changes, rule in (
            ("decline_cp01_steel_debt", "steel_trading", {"owner__credit_report__existing_debt_wan": 660}, "CP01_PRUDENT_DEBT_RATIO"),
            ("decline_cp01_dyeing_debt", "textile_dyeing", {"owner__credit_report__existing_debt_wan": 700}, "CP01_PRUDENT_DEBT_RATIO"),
            ("decline_cp02_education_young", "education_training", {"enterprise__years_operating": 2}, "CP02_PRUDENT_YEARS"),
            ("decline_cp02_fitness_young", "fitness_studio", {"enterprise__years_operating": 1.5}, "CP02_PRUDENT_YEARS"),
            ("decline_cp03_used_cars_overdue", "used_car_dealer",
             {"owner__credit_report__overdue_count_24m": 3, "owner__credit_report__max_overdue_days_24m": 20}, "CP03_PRUDENT_OVERDUE_COUNT"),
            ("decline_cp03_hog_overdue", "hog_farming",
             {"owner__credit_report__overdue_count_24m": 4, "owner__credit_report__max_overdue_days_24m": 15}, "CP03_PRUDENT_OVERDUE_COUNT"),
            ("decline_cp04_scrap_days", "scrap_metal_recycling",
             {"owner__credit_report__overdue_count_24m": 1, "owner__credit_report__max_overdue_days_24m": 45}, "CP04_PRUDENT_OVERDUE_DAYS"),
            ("decline_cp04_pv_days", "pv_components",
             {"owner__credit_report__overdue_count_24m": 1, "owner__credit_report__max_overdue_days_24m": 60}, "CP04_PRUDENT_OVERDUE_DAYS")):
        add(cid, decline(next(n), enterprise__industry_id=ind, **changes), rule, category="prudent_rule")
    # product conditions
    for cid, changes, rule in (
            ("decline_prd_tax_loan_grade_c", {"loan__product": "prod_tax_loan", "tax__tax_credit_grade": "C"},
             "PRD_prod_tax_loan.tax_credit_grade"),
            ("decline_prd_tax_loan_no_tax", {"loan__product": "prod_tax_loan", "tax": None}, "PRD_prod_tax_loan.tax_credit_grade"),
            ("decline_prd_invoice_few_months", {"loan__product": "prod_invoice_loan", "invoice__invoice_months_12m": 6},
             "PRD_prod_invoice_loan.invoice_months_12m"),
            ("decline_prd_farmer_not_agri", {"loan__product": "prod_farmer_breeding", "loan__requested_amount_wan": 100},
             "PRD_prod_farmer_breeding.is_agricultural"),
            ("decline_prd_mortgage_no_collateral", {"loan__product": "prod_mortgage_loan", "loan__tenor_months": 36},
             "PRD_prod_mortgage_loan.has_collateral"),
            ("decline_prd_guarantee_none", {"loan__product": "prod_guarantee_loan", "loan__tenor_months": 24},
             "PRD_prod_guarantee_loan.has_guarantee"),
            ("decline_prd_supply_chain_no_orders", {"loan__product": "prod_supply_chain", "loan__tenor_months": 6},
             "PRD_prod_supply_chain.has_core_enterprise_orders"),
            ("decline_prd_tenor_out_of_range", {"loan__tenor_months": 48}, "PRD_TENOR_prod_working_capital"),
            ("decline_prd_amount_below_min", {"loan__requested_amount_wan": 5}, "PRD_AMOUNT_MIN_prod_working_capital"),
            ("decline_prd_working_capital_days_45", {"owner__credit_report__overdue_count_24m": 1,
                                                     "owner__credit_report__max_overdue_days_24m": 45},
             "PRD_prod_working_capital.max_overdue_days_24m")):
        add(cid, decline(next(n), **changes), rule, category="product_rule")
    # score declines (band E): passes every rule, but the file is weak on many characteristics
    for cid, ind in (("decline_score_weak_file", "changshu_garment"), ("decline_score_weak_file_2", "clothing_store")):
        app = decline(next(n), enterprise__industry_id=ind, enterprise__years_operating=1.5,
                      tax__tax_credit_grade="C", invoice__invoice_months_12m=3, owner__credit_report__inquiries_3m=3,
                      owner__credit_report__inquiries_6m=6, owner__credit_report__overdue_count_24m=2,
                      owner__credit_report__max_overdue_days_24m=25, owner__credit_report__existing_debt_wan=500,
                      enterprise__annual_revenue_wan=1200, loan__requested_amount_wan=60)
        app["bank_flow"] = flows(55, (0.5, 1.4, 0.6, 1.5, 0.7, 1.3, 1.2, 0.6, 0.5, 0.5, 0.45, 0.4))
        add(cid, app, "SCORE_E", category="score_decline", difficulty="hard")
    return out


def build_refers(n) -> list[dict]:
    out: list[dict] = []

    def add(cid, app, rule, difficulty="normal"):
        out.append(case(cid, app, "refer", {"category": "refer", "difficulty": difficulty, "variant": rule}, rule_ids=[rule]))

    add("refer_rf01_inquiries_4", decline(next(n), owner__credit_report__inquiries_3m=4, owner__credit_report__inquiries_6m=5),
        "RF01_INQUIRIES_3M")
    add("refer_rf01_inquiries_5", decline(next(n), owner__credit_report__inquiries_3m=5, owner__credit_report__inquiries_6m=6),
        "RF01_INQUIRIES_3M")
    add("refer_rf02_overdue_3", decline(next(n), owner__credit_report__overdue_count_24m=3,
                                        owner__credit_report__max_overdue_days_24m=10), "RF02_OVERDUE_COUNT")
    add("refer_rf02_overdue_4", decline(next(n), owner__credit_report__overdue_count_24m=4,
                                        owner__credit_report__max_overdue_days_24m=15), "RF02_OVERDUE_COUNT")
    add("refer_rf03_debt_65", decline(next(n), owner__credit_report__existing_debt_wan=780), "RF03_DEBT_RATIO")
    add("refer_rf03_debt_72", decline(next(n), owner__credit_report__existing_debt_wan=860), "RF03_DEBT_RATIO")
    add("refer_rf04_prudent_kindergarten", decline(next(n), enterprise__industry_id="kindergarten_private"),
        "RF04_PRUDENT_INDUSTRY")
    add("refer_rf04_prudent_steel", decline(next(n), enterprise__industry_id="steel_trading"), "RF04_PRUDENT_INDUSTRY")
    add("refer_rf04_prudent_laver", decline(next(n), enterprise__industry_id="lianyungang_laver"), "RF04_PRUDENT_INDUSTRY")
    big = approval(next(n), "precision_machining", loan__product="prod_mortgage_loan", loan__tenor_months=60,
                   loan__requested_amount_wan=600, enterprise__annual_revenue_wan=4000)
    big["loan"]["collateral"] = {"type": "property", "value_wan": 1500}
    big["bank_flow"] = flows(330)
    big["tax"]["declared_revenue_wan"] = 4000
    add("refer_rf05_large_amount", big, "RF05_LARGE_AMOUNT")
    big2 = copy.deepcopy(big)
    big2["application_id"] = "EV0900"
    big2["loan"]["requested_amount_wan"] = 800
    big2["loan"]["collateral"]["value_wan"] = 2000
    add("refer_rf05_large_amount_800", big2, "RF05_LARGE_AMOUNT")
    unknown = decline(next(n), enterprise__industry_id=None, enterprise__name="苏州某某贸易有限公司",
                      enterprise__business_scope="一般项目：技术服务、技术开发、技术咨询", enterprise__main_products=[])
    add("refer_unknown_industry", unknown, "IND_UNKNOWN", difficulty="hard")
    short = decline(next(n), loan__requested_amount_wan=480, loan__product="prod_working_capital")
    short["bank_flow"] = flows(12)
    short["enterprise"]["annual_revenue_wan"] = 150
    short["tax"]["declared_revenue_wan"] = 150
    short["owner"]["credit_report"]["existing_debt_wan"] = 20
    short["invoice"]["annual_invoice_wan"] = 130
    add("refer_limit_short", short, "LIMIT_SHORT")
    for cid, ind in (("refer_score_band_d", "changshu_garment"), ("refer_score_band_d_2", "clothing_store")):
        app = decline(next(n), enterprise__industry_id=ind, tax__tax_credit_grade="M", invoice__invoice_months_12m=10,
                      enterprise__years_operating=3, owner__credit_report__inquiries_3m=2,
                      owner__credit_report__inquiries_6m=3, owner__credit_report__existing_debt_wan=200,
                      loan__requested_amount_wan=80)
        app["bank_flow"] = flows(85, (0.8, 1.2, 0.85, 1.25, 0.9, 1.2, 1.15, 0.85, 0.8, 0.85, 0.8, 0.8))
        add(cid, app, "SCORE_D", difficulty="hard")
    return out


def build_malformed(n) -> list[dict]:
    out: list[dict] = []

    def add(cid, app, fields):
        out.append(case(cid, app, "invalid", {"category": "malformed", "difficulty": "normal", "variant": fields[0]},
                        fields=fields))

    a = base(next(n))
    a["owner"]["id_number"] = a["owner"]["id_number"][:17] + ("0" if a["owner"]["id_number"][17] != "0" else "1")
    add("invalid_id_checksum", a, ["owner.id_number"])
    add("invalid_id_length", put(base(next(n)), "owner.id_number", "32118119800412"), ["owner.id_number"])
    add("invalid_phone", put(base(next(n)), "owner.phone", "0512-6688"), ["owner.phone"])
    add("invalid_missing_owner", put(base(next(n)), "owner", None), ["owner"])
    add("invalid_negative_amount", put(base(next(n)), "loan.requested_amount_wan", -50), ["loan.requested_amount_wan"])
    add("invalid_inquiry_windows", put(base(next(n)), "owner.credit_report.inquiries_6m", 0), ["owner.credit_report"])
    add("invalid_no_flows", put(base(next(n)), "bank_flow", None), ["(body)"])
    add("invalid_unknown_product", put(base(next(n)), "loan.product", "prod_space_loan"), ["loan.product"])
    add("invalid_unknown_industry", put(base(next(n)), "enterprise.industry_id", "moon_mining"), ["enterprise.industry_id"])
    bad_month = base(next(n))
    bad_month["bank_flow"]["months"][0]["month"] = "2024-13"
    add("invalid_flow_month", bad_month, ["bank_flow.months.0.month"])
    add("invalid_age_mismatch", put(base(next(n)), "owner.age", 30), ["(body)"])
    add("invalid_tenor_zero", put(base(next(n)), "loan.tenor_months", 0), ["loan.tenor_months"])
    return out


def main() -> int:
    cases = build()
    OUT.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")

    print(f"wrote {len(cases)} cases to {OUT}: {dict(Counter(c['tags']['category'] for c in cases))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
