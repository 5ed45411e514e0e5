"""Deterministic copilot routing: keywords pick the assistant, regular expressions fill its arguments.

Used when no model is configured and whenever the model fails. Staff requests are short and
formulaic ("审查一下这笔贷款…", "帮我看看这家企业在产业链哪个环节", "客户问税务贷额度多少怎么回答"),
so weighted keywords route them well; anything unrecognised goes to the customer-service assistant,
which answers from the knowledge base or hands off.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from agents.copilot.schemas import ChainMapArgs, CustomerServiceArgs, LoanReviewArgs, ToolName

# (keyword, weight): strong signals weigh 3, supporting ones 1.
_KEYWORDS: dict[ToolName, tuple[tuple[str, int], ...]] = {
    "loan_review": (("审查", 3), ("审批", 3), ("贷款申请", 3), ("这笔贷款", 3), ("授信", 2), ("能不能批", 3),
                    ("能否通过", 3), ("评分卡", 3), ("违约概率", 3), ("准入", 2), ("申请编号", 3), ("征信", 1),
                    ("借款", 1), ("放款", 1), ("还款能力", 2), ("额度定价", 2)),
    "chain_map": (("产业链", 3), ("上下游", 3), ("上游", 2), ("下游", 2), ("细分行业", 3), ("哪个行业", 2),
                  ("产业集群", 3), ("集群", 1), ("营销策略", 3), ("营销", 1), ("风险策略", 3), ("预警信号", 2),
                  ("交易筛查", 3), ("可疑交易", 3), ("流水", 1), ("行业简报", 3), ("定位", 2), ("同行", 1),
                  ("经营范围", 2), ("推荐什么产品", 2)),
    "customer_service": (("客户问", 3), ("客户咨询", 3), ("怎么回答", 3), ("怎么答", 3), ("话术", 3),
                         ("客户说", 2), ("常见问题", 2), ("开户", 1), ("网点", 1), ("营业时间", 2), ("投诉", 1),
                         ("需要什么材料", 2), ("利率是多少", 1), ("额度多少", 1)),
}
_ORDER: tuple[ToolName, ...] = ("customer_service", "loan_review", "chain_map")  # tie-break

_AMOUNT_WAN = re.compile(r"(\d+(?:\.\d+)?)\s*万")
_AMOUNT_YUAN = re.compile(r"(\d{4,}(?:\.\d+)?)\s*元")
_MONTHS = re.compile(r"(?<!\d)(\d{1,3})\s*个月")
_YEARS = re.compile(r"(?<![\d.])(\d{1,2})\s*年(?:期|$|[，,。；;、\s])")
_APP_ID = re.compile(r"\b([A-Za-z]{1,6}[-_]?\d{3,}[-_\dA-Za-z]*)\b")
_COMPANY = re.compile(r"([\u4e00-\u9fffA-Za-z0-9（）()]{2,30}?(?:有限责任公司|有限公司|股份公司|公司|厂|商行|合作社|"
                      r"工作室|经营部|门市部|家庭农场|个体户|店))")
_PLACE = re.compile(r"((?:[\u4e00-\u9fff]{2,8}?(?:省|市|县|区|镇|乡))+)")
_PURPOSE = re.compile(r"(?:用于|用途[是为:：]?)\s*([^，,。；;\n]{2,40})")
_PRODUCTS = re.compile(r"(?:生产|销售|经营|做|卖)\s*([\u4e00-\u9fff、，,]{2,40}?)(?:[。；;\n]|的|$)")


def scores(text: str) -> dict[ToolName, int]:
    return {tool: sum(w for k, w in words if k in text) for tool, words in _KEYWORDS.items()}


def route(text: str) -> ToolName:
    """The assistant for a staff request; customer service when nothing matches."""
    s = scores(text)
    best = max(s.values())
    if best == 0:
        return "customer_service"
    return next(tool for tool in _ORDER if s[tool] == best)


def _amount_wan(text: str) -> float | None:
    if m := _AMOUNT_WAN.search(text):
        return float(m.group(1))
    if m := _AMOUNT_YUAN.search(text):
        return float(m.group(1)) / 10000
    return None


def _term_months(text: str) -> int | None:
    if m := _MONTHS.search(text):
        return int(m.group(1))
    if m := _YEARS.search(text):
        return int(m.group(1)) * 12
    return None


_NAME_CUT = re.compile(r".*(?:[：:，,。；;、\s]|的|一下|看看|帮我|请|审查|审批|评估|分析|这家|那家|企业|客户|申请人|位于|在)")


def _company(text: str) -> str | None:
    """The business name: the shortest run ending in a company suffix, minus leading verbs/places."""
    m = _COMPANY.search(text)
    if not m:
        return None
    name = _NAME_CUT.sub("", m.group(1))
    return name if len(name) >= 3 else m.group(1)


def _place(text: str) -> str | None:
    m = _PLACE.search(text)
    if not m:
        return None
    place = _NAME_CUT.sub("", m.group(1))
    return place if len(place) >= 2 else m.group(1)


def _first(pattern: re.Pattern, text: str) -> str | None:
    m = pattern.search(text)
    return m.group(1).strip() if m else None


def fallback_args(tool: ToolName, text: str) -> BaseModel:
    """Arguments for ``tool`` read from the request text (what a model would have filled in)."""
    text = text.strip()
    if tool == "loan_review":
        return LoanReviewArgs(request=text, application_id=_first(_APP_ID, text), business_name=_company(text),
                              amount_wan=_amount_wan(text), term_months=_term_months(text),
                              purpose=_first(_PURPOSE, text))
    if tool == "chain_map":
        products = _first(_PRODUCTS, text)
        items = [p for p in re.split(r"[、，,和及]", products or "") if p]
        return ChainMapArgs(description=text, name=_company(text), location=_place(text),
                            products=items[:10])
    return CustomerServiceArgs(question=_customer_question(text))


def _customer_question(text: str) -> str:
    """The customer's words when the staff member quotes them ("客户问：…怎么回答"), else the text."""
    m = re.search(r"客户(?:问|咨询|说)[:：]?\s*[“\"「]?(.+?)[”\"」]?\s*(?:[，,。]?\s*(?:该|应该|要)?怎么(?:回答|答|回复).*)?$", text)
    question = m.group(1).strip() if m else text
    return question or text
