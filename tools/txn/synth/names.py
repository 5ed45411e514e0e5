"""Fictional Chinese names for synthetic counterparties (companies, people, service providers).

Names are assembled from neutral parts so they never name a real firm; industry words appear only
where a real name would carry them (e.g. 「丹阳明瑞眼镜有限公司」).
"""

from __future__ import annotations

import random

PLACES = ["苏州", "无锡", "常州", "南通", "扬州", "徐州", "宿迁", "盐城", "泰州", "淮安", "连云港", "镇江",
          "南京", "杭州", "宁波", "合肥", "上海", "义乌", "昆山", "江阴", "张家港", "丹阳", "宜兴", "溧阳"]
ZIHAO = list("鑫盛华恒达源丰顺泰隆金宏瑞康佳明新永福旺祥荣诚信德嘉和益广昌汇通宇博锦辰润泽")
KINDS = ["实业", "商贸", "贸易", "科技", "工贸", "供应链", "商行", "经营部"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红波辉鹏宇浩")
SHELL_KINDS = ["商贸", "贸易", "咨询", "信息科技", "供应链管理", "企业管理"]


def zihao(rng: random.Random) -> str:
    a, b = rng.sample(ZIHAO, 2)
    return a + b


def company(rng: random.Random, industry_word: str | None = None, place: str | None = None) -> str:
    place = place or rng.choice(PLACES)
    kind = industry_word if industry_word else rng.choice(KINDS)
    suffix = "有限公司" if not kind.endswith(("商行", "经营部")) else ""
    return f"{place}{zihao(rng)}{kind}{suffix}"


def shell_company(rng: random.Random) -> str:
    """A name with no industry content, typical of accounts used to move money."""
    return f"{rng.choice(PLACES)}{zihao(rng)}{rng.choice(SHELL_KINDS)}有限公司"


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))


def tax_bureau(place: str) -> str:
    return f"国家税务总局{place}市税务局"


def power_company(place: str) -> str:
    return f"国网江苏省电力有限公司{place}供电分公司"


ACQUIRERS = ["聚合收单清算账户（银联商务）", "聚合收单清算账户（拉卡拉）", "微信支付结算户", "支付宝结算户"]
LOGISTICS = ["顺达物流有限公司", "通运快递服务部", "安迅货运代理有限公司", "宏捷冷链运输有限公司"]
