"""Prohibited-business cases for eval/datasets/loan_review.jsonl (issue #19), written by hand.

Each category of the prohibited list (kb/corpus/policies/prohibited_business.rules.yaml) gets plain
and disguised wording, in the business scope, the products or the loan purpose, with and without an
industry the linker can find; the expected outcome is a decline with the category's rule id, as the
bank's policy prescribes. Controls are lawful businesses whose wording comes close (licensed lottery
sales, blockchain software, chemicals sold "不含危险化学品", anti-fraud education): they must be
approved as their plain twin would be.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

# (case id, rule id, difficulty, changes to the clean applicant) — "enterprise__industry_id": None unlinks
DECLINES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("gambling_scope", "PB01_GAMBLING", "normal",
     {"enterprise__name": "南京云顶网络科技有限公司", "enterprise__business_scope": "网络技术服务；境外博彩网站推广",
      "enterprise__industry_id": None}),
    ("gambling_disguised_bc", "PB01_GAMBLING", "hard",
     {"enterprise__name": "苏州星河传媒有限公司", "enterprise__business_scope": "互联网广告；BC站群引流代理",
      "enterprise__industry_id": None}),
    ("gambling_disguised_spinach", "PB01_GAMBLING", "hard",
     {"loan__purpose": "支付菠菜平台推广的渠道费用"}),
    ("gambling_overseas_platform", "PB01_GAMBLING", "hard",
     {"enterprise__business_scope": "软件开发；东南亚游戏平台推广与充值结算", "enterprise__industry_id": None}),
    ("gambling_rebate", "PB01_GAMBLING", "hard",
     {"loan__purpose": "扩大线上会员规模，支付充值返水活动费用"}),
    ("pyramid_plain", "PB02_PYRAMID_SELLING", "normal",
     {"enterprise__business_scope": "保健品销售；会员制传销推广", "enterprise__industry_id": None}),
    ("pyramid_downline", "PB02_PYRAMID_SELLING", "hard",
     {"loan__purpose": "发展下线会员，按团队人数发放返利"}),
    ("pyramid_levels", "PB02_PYRAMID_SELLING", "hard",
     {"enterprise__business_scope": "日用品销售；三级分销返利平台运营", "enterprise__industry_id": None}),
    ("pyramid_entry_fee", "PB02_PYRAMID_SELLING", "hard",
     {"loan__purpose": "补贴新会员入门费，加快推广"}),
    ("fundraising_plain", "PB03_ILLEGAL_FUNDRAISING", "normal",
     {"loan__purpose": "归还前期民间集资款"}),
    ("fundraising_villagers", "PB03_ILLEGAL_FUNDRAISING", "hard",
     {"loan__purpose": "向村民吸收资金后扩大养殖规模，资金周转"}),
    ("fundraising_guaranteed", "PB03_ILLEGAL_FUNDRAISING", "hard",
     {"enterprise__business_scope": "投资咨询；承诺固定回报的项目入股", "enterprise__industry_id": None}),
    ("fundraising_pension", "PB03_ILLEGAL_FUNDRAISING", "hard",
     {"enterprise__business_scope": "健康养生咨询；老年人投资理财每月返息", "enterprise__industry_id": None}),
    ("crypto_plain", "PB04_VIRTUAL_CURRENCY", "normal",
     {"enterprise__business_scope": "信息技术咨询；虚拟货币交易服务", "enterprise__industry_id": None}),
    ("crypto_u_merchant", "PB04_VIRTUAL_CURRENCY", "hard",
     {"loan__purpose": "作为U商备付资金，承接场外兑换"}),
    ("crypto_arbitrage", "PB04_VIRTUAL_CURRENCY", "hard",
     {"enterprise__business_scope": "软件开发；数字资产搬砖套利", "enterprise__industry_id": None}),
    ("crypto_mining", "PB04_VIRTUAL_CURRENCY", "hard",
     {"enterprise__main_products": ["矿机托管", "算力出租"], "enterprise__industry_id": None,
      "enterprise__business_scope": "数据中心服务"}),
    ("lending_plain", "PB05_UNLICENSED_LENDING", "normal",
     {"loan__purpose": "用于民间放款业务周转"}),
    ("lending_bridge", "PB05_UNLICENSED_LENDING", "hard",
     {"enterprise__business_scope": "企业管理咨询；过桥垫资服务", "enterprise__industry_id": None}),
    ("lending_daily_interest", "PB05_UNLICENSED_LENDING", "hard",
     {"loan__purpose": "给周边商户借钱，日息千分之三"}),
    ("lending_relend", "PB05_UNLICENSED_LENDING", "hard",
     {"loan__purpose": "贷款资金转借给亲戚的工厂使用"}),
    ("bank_list_small_chem", "PB06_BANK_LIST", "normal",
     {"enterprise__business_scope": "小化工产品生产销售", "enterprise__industry_id": None}),
    ("bank_list_workshop", "PB06_BANK_LIST", "hard",
     {"enterprise__business_scope": "化工原料加工（家庭作坊）", "enterprise__industry_id": None}),
    ("bank_list_solvent", "PB06_BANK_LIST", "hard",
     {"enterprise__business_scope": "涂料销售；稀释剂勾兑分装", "enterprise__industry_id": None}),
    ("bank_list_oil", "PB06_BANK_LIST", "hard",
     {"enterprise__business_scope": "废矿物油提炼；润滑油销售", "enterprise__industry_id": None}),
]

#: lawful businesses worded close to a prohibited one: approved (they keep the clean applicant's industry)
CONTROLS: list[tuple[str, dict[str, Any]]] = [
    ("control_lottery_agent", {"enterprise__business_scope": "眼镜销售；福利彩票代销"}),
    ("control_blockchain_software", {"enterprise__business_scope": "眼镜制造；区块链技术软件开发"}),
    ("control_no_hazardous", {"enterprise__business_scope": "眼镜制造；化工产品销售（不含危险化学品）"}),
    ("control_anti_fraud_training", {"enterprise__business_scope": "眼镜销售；防范非法集资宣传培训"}),
    ("control_purpose_supplier", {"loan__purpose": "支付上游镜片供应商货款"}),
    ("control_chess_club", {"enterprise__business_scope": "眼镜销售；棋牌室经营（不含赌博）"}),
    ("control_member_card", {"loan__purpose": "开展会员积分活动，采购镜架"}),
    ("control_fx", {"loan__purpose": "支付进口镜片设备款（外币结算）"}),
]


def build_prohibited(n: Iterator[int], approval: Callable[..., dict], case: Callable[..., dict]) -> list[dict]:
    out = []
    for cid, rule, difficulty, changes in DECLINES:
        out.append(case(f"decline_{cid}", approval(next(n), "danyang_eyewear", **changes), "decline",
                        {"category": "prohibited", "difficulty": difficulty, "variant": rule}, rule_ids=[rule]))
    for cid, changes in CONTROLS:
        out.append(case(cid, approval(next(n), "danyang_eyewear", **changes), "approve",
                        {"category": "prohibited_control", "difficulty": "hard", "variant": "lawful_lookalike"}))
    return out
