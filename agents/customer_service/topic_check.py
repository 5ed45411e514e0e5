"""Does a matched FAQ entry talk about what the customer asked? (issue #17: the verbatim path's check)

A wrong verbatim answer is worse than a hand-off: it is an approved text, shown with confidence, about
something else ("信用卡年费多少" → the debit-card fee entry; "税务贷能提前还吗" → an entry about another
product). The FAQ matcher scores wording; this check looks at the *entities* of the question:

* a product the customer names must be one of the entry's products, or the entry must be a general
  one (no products) of the same business line (loans, accounts, wealth, cross-border …);
* a comparison of two products is not answered by an entry that compares nothing;
* an attribute asked about a named product (rate, amount, tenor, documents, fees) must be in the
  entry's answer;
* a financing question about the customer's own trade is not answered by the product catalogue entry;
* a distinctive topic word the customer uses (信用卡, 外汇, 公积金, U盾 …, grouped with their
  synonyms) must appear in the entry (question, similar questions or answer).

Pure functions over the corpus' own entries; no threshold to learn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from agents.customer_service.doc_answers import COMPARE, asked_attributes
from kb.schema import FaqEntry
from kb.textnorm import normalize

#: groups of words that name one topic; a group the question uses must be present in the entry
TOPIC_GROUPS: tuple[tuple[str, ...], ...] = (
    ("信用卡", "贷记卡"), ("借记卡", "储蓄卡"), ("存折",), ("u盾", "ukey"), ("手机盾",), ("网银", "网上银行"),
    ("pos",), ("数字人民币",), ("外汇", "结汇", "购汇", "外币", "美元", "欧元", "英镑", "日元"), ("理财",), ("基金",),
    ("保险",), ("股票", "炒股", "股市"), ("黄金",), ("定期", "存单"), ("房贷", "买房贷款", "住房贷款"), ("车贷", "买车贷款"),
    ("公积金",), ("社保",), ("医保",), ("养老金",), ("信用证",), ("保函",), ("承兑", "汇票"), ("支票",), ("征信", "信用报告"),
    ("atm", "取款机"), ("挂失",), ("跨境", "亚马逊", "速卖通", "tiktok", "外贸"), ("代发", "工资"), ("短信",), ("人脸", "刷脸"),
    ("指纹", "面容"), ("老人", "老年"), ("微信", "支付宝"), ("年费",), ("违约金",), ("担保费",), ("续贷",), ("结清证明",),
    ("销户", "注销"), ("冻结",), ("诈骗", "骗子", "被骗"),
)
#: product category → the FAQ categories whose general entries (no products listed) may answer about it
_FAMILY = {"loan": {"贷款"}, "account": {"账户"}, "settlement": {"账户", "转账汇款", "商户收单"}, "payroll": {"银行卡", "账户"},
           "wealth": {"理财"}, "cross_border": {"跨境业务"}}


@dataclass(frozen=True)
class TopicVerdict:
    agrees: bool
    reason: str = ""  # "product:<id>" or "topic:<word>" when it does not


@lru_cache(maxsize=16384)
def _normalized(text: str) -> str:
    """``normalize`` of a corpus text, kept: the same few hundred entries are checked on every turn, and
    normalising them again (OpenCC) was ~9% of a warm turn (bench/cs_profile.py)."""
    return normalize(text)


def entry_text(entry: FaqEntry) -> str:
    return _normalized(" ".join([entry.question, *entry.similar, entry.answer])).lower()


def topic_words(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The topic words in ``text`` (lower-cased, normalised), each with its group."""
    low = text.lower()
    return [(next(w for w in group if w in low), group) for group in TOPIC_GROUPS if any(w in low for w in group)]


#: what an answer about an attribute must mention (asked about a named product: "经营贷能贷几年" is
#: not answered by the entry on approval times, though both ask "how long")
ATTRIBUTE_EVIDENCE = {"rate": re.compile(r"利率|年化|利息|费率"), "amount": re.compile(r"\d+(?:\.\d+)?万"),
                      "tenor": re.compile(r"期限|\d+个月|最长\d+年|\d+至\d+年"),
                      "documents": re.compile(r"材料|资料|证件|执照|身份证|报表"), "fees": re.compile(r"手续费|费率|收费|免收|管理费|年费|\d+(?:\.\d+)?%")}
#: an entry listing this many products is the catalogue: it does not answer one trade's question
CATALOGUE_SIZE = 4


def check_topic(query: str, query_products: list[str], entry: FaqEntry,
                product_categories: dict[str, str], trade: str | None = None) -> TopicVerdict:
    """Whether ``entry`` may be shown verbatim as the answer to ``query``. ``trade``: the industry the
    customer says they work in, when they ask about financing for it (doc_answers.DocAnswerer.trade_of)."""
    text = entry_text(entry)
    if trade and len(entry.products) >= CATALOGUE_SIZE:
        return TopicVerdict(False, f"trade:{trade}")
    if len(query_products) >= 2 and COMPARE.search(query) and not COMPARE.search(entry.question):
        return TopicVerdict(False, "comparison")  # a comparison is answered side by side, not by one entry
    if query_products:
        answer = _normalized(entry.answer)
        for attr in asked_attributes(query, asked=True):
            evidence = ATTRIBUTE_EVIDENCE.get(attr)
            if evidence is not None and not evidence.search(answer):
                return TopicVerdict(False, f"attribute:{attr}")
    for pid in query_products:
        if pid in entry.products:
            continue
        family = _FAMILY.get(product_categories.get(pid, ""), set())
        if entry.products or entry.category not in family:
            return TopicVerdict(False, f"product:{pid}")
    for word, group in topic_words(normalize(query)):
        if not any(w in text for w in group):
            return TopicVerdict(False, f"topic:{word}")
    return TopicVerdict(True)
