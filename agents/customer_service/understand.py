"""Deterministic understanding: intent, slots and multi-turn context, without a model.

Intent comes from the compliance policy's phrase lists (hand-off request, complaint), a small set of
patterns for account-specific questions (they need the caller's own records) and chit-chat, and the
product lexicon built from the corpus. Follow-ups ("那利率呢", "它要多久") are resolved by carrying
the previous turn's topic (its product, else its matched standard question) into the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.customer_service.schemas import Understanding
from kb.textnorm import normalize, normalize_query
from tools.cs.phrases import contains_any
from tools.cs.policy import CsCompliance

_ACCOUNT = [re.compile(p) for p in (
    r"(查|看|告诉我|帮我查)(一下|下)?(我的?|本人|我名下的?)(账户|帐户|卡|贷款|借款)?(的)?(余额|还款计划|还款金额|剩余本金|欠款|贷款余额|审批进度|申请进度|进度|账单|状态)",
    r"我的?(贷款|申请|那笔贷款|借款|贷款申请)(批|审批|审核|通过)(了|下来)?(没|吗|没有|了吗)",
    r"我的?(贷款|借款)?(还剩|还欠|还差)(多少|几)",
    r"我(的)?(这个月|下个月|本月|下期|这期)(要|应该|需要)?还(多少|几)",
    r"我的?(贷款|借款)(什么时候|啥时候|哪天|几号)(到期|还款|扣款)",
    r"我(的)?(这个月|下个月|本月|这期|下期|上个月|上期)(的)?(月供|利息|还款|账单|本金)(是|要|有)?(多少|几)",
    r"我(的)?(账户|帐户|卡)(里)?(还有|还剩)?(多少钱|余额)",
    r"(我的?|本人)(贷款|借款|申请)(状态|进度|情况)(怎么样|如何|查询)?",
    r"(余额|贷款|还款|进度).{0,4}(尾号|账号)\*?\d{0,4}",
    r"(?i)(?<![a-z0-9])LN\d{4,}",  # a loan number: only its owner's records can answer
    # issue #17: the customer's own limit, repayments, balance or status, however colloquially asked
    r"我(的|这边|现在|目前)?(可用|剩余|授信|贷款|信用卡|卡)?(的)?额度(现在|还|目前)?(是|有|剩|还剩|还有)?(多少|几|多大)",
    r"(上个?月|这个?月|本月|上期|这期|本期|昨天|今天|前天|上次)(的)?(贷款|款|钱|月供|利息|那期)?(还|扣|交|划)(了|上|掉|款)?(没|吗|没有|了吗|成功)",
    r"我的?(贷款|借款|那笔贷款|这笔贷款|那笔钱|钱)?(还剩|还欠|还差|还有)(多少|几)(钱|期|没还)?",
    r"我(现在|目前|总共|一共)?(还)?欠(多少|你们|银行)",
    r"我的?(贷款|借款|钱|款)(放款|放下来|到账|下来)(了)?(没|吗|没有)",
    r"我(是不是|有没有|是否)(逾期|欠款|欠费|上了?征信|被拉黑)",
    r"我的?(月供|利息|还款日|账单日|每期|每个月)(要|应该|得)?(还|交|是)?(多少|几号|哪天|什么时候)",
    r"(帮我|给我|替我)(查|看|瞅)(一下|下|查|看)?.{0,6}(额度|余额|还款|贷款|账单|进度|明细|流水|欠款|利息|月供)",
    r"我的?(申请|贷款|借款).{0,4}(到哪一步|怎么样了|咋样了|有结果|批没批|审完)",
    r"(我|我的)(卡|账户|帐户)(里)?(还有|还剩)(多少|钱)",
)]
_CHITCHAT = re.compile(
    r"^(你好|您好|嗨|哈喽|hello|hi|hey|在吗|在不在|有人吗|早上好|下午好|晚上好|谢谢|谢谢你|多谢|感谢|好的|好|嗯|嗯嗯|ok|明白了|知道了|"
    r"再见|拜拜|bye|你是谁|你是机器人吗|你是真人吗|你叫什么|你能做什么|你会什么|没事了|没有了|没问题了)[啊呀呢吧哦喔~～!！。.,，?？\s]*$",
    re.I)
_FOLLOW_START = re.compile(r"^(那么|那它|那个|那款|这个|这款|该产品|这种|那种|还有|另外|再问一下|再问下|顺便问下|如果是|要是|那|它)")
_PRONOUN = re.compile(r"(它的|它|这个产品|这个|那个|这款|那款|该产品|这种|那种)")
_FOLLOW_TAIL = re.compile(r"呢[?？]?$")
_SUBJECT_CUT = re.compile(r"(怎么|怎样|如何|要不要|需要|需不需要|能不能|能否|可不可以|可以|是不是|是否|有没有|有什么|多少|多久|多长|什么|哪些|哪个|哪里|几|吗|呢|要|能|会|的话|收费|费用)")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|千|元|块)")
_TENOR = re.compile(r"(\d+)\s*(个月|年|期)")
_TAIL = re.compile(r"尾号\s*(\d{4})")
_LOAN_ID = re.compile(r"(?<![A-Za-z0-9])(LN\d{4,})(?![0-9])", re.I)
_CUSTOMER_ID = re.compile(r"(?:客户号|客户编号|customer[_ ]?id)\s*[:：]?\s*([A-Za-z0-9_]{3,})", re.I)


@dataclass(frozen=True)
class ProductLexicon:
    """Product names and aliases from the corpus, longest first (so 经营贷 beats 贷)."""

    names: list[tuple[str, str]]  # (alias, product id)
    short: dict[str, str]  # product id → the shortest common alias, for rewriting follow-ups

    @classmethod
    def from_corpus(cls, corpus) -> "ProductLexicon":
        pairs, short = [], {}
        for doc in corpus.products.values():
            m = doc.meta
            aliases = [a for a in {m.name, *m.aliases} if len(a) >= 2]
            pairs += [(normalize(a).lower(), m.id) for a in aliases]
            short[m.id] = min(m.aliases or [m.name], key=len)
        return cls(sorted(pairs, key=lambda p: -len(p[0])), short)

    def find(self, text: str) -> list[str]:
        return [pid for pid, _ in self.find_with_names(text)]

    def find_with_names(self, text: str) -> list[tuple[str, str]]:
        """(product id, the alias as the customer wrote it), in order of length-first matching."""
        low = normalize(text).lower()
        found: list[tuple[str, str]] = []
        for alias, pid in self.names:
            if alias in low and pid not in (f[0] for f in found):
                found.append((pid, alias))
                low = low.replace(alias, " ")
        return found


def is_handoff_request(text: str, compliance: CsCompliance) -> bool:
    stripped = re.sub(r"[\s。！!？?，,]+", "", text)
    return stripped in {"人工", "人工服务", "人工客服", "找人工"} or contains_any(text.lower(), [
        p.lower() for p in compliance.handoff.request_phrases])


def sensitive_topic(text: str, compliance: CsCompliance) -> str | None:
    return next((t.id for t in compliance.sensitive_topics if contains_any(text, t.keywords)), None)


def is_account_specific(text: str) -> bool:
    return any(p.search(text) for p in _ACCOUNT)


def slots_of(text: str) -> dict[str, str]:
    slots = {}
    if m := _AMOUNT.search(text):
        slots["amount"] = m.group(0)
    if m := _TENOR.search(text):
        slots["tenor"] = m.group(0)
    if m := _TAIL.search(text):
        slots["card_tail"] = m.group(1)
    if m := _LOAN_ID.search(text):
        slots["loan_id"] = m.group(1).upper()
    if m := _CUSTOMER_ID.search(text):
        slots["claimed_customer_id"] = m.group(1)
    return slots


def is_follow_up(text: str, topic: dict | None, products: list[str]) -> bool:
    if not topic or products:
        return False
    short = len(re.sub(r"\W", "", text)) <= 8
    return bool(_FOLLOW_START.search(text) or (short and (_FOLLOW_TAIL.search(text) or _PRONOUN.search(text))))


_QUESTION_WORD = re.compile(r"多少|多久|多长|怎么|怎样|如何|什么|啥|吗|能不能|可不可以|可以|哪|几|是否|有没有|要不要")
_ATTRIBUTE = re.compile(r"费率|利率|利息|额度|限额|期限|条件|材料|资料|费用|手续费|时间|流程|要求|门槛|风险|收益|到账")


def same_question(text: str) -> str | None:
    """For "X呢" follow-ups that swap a qualifier (跨行的呢, 企业呢), the qualifier X; None when the
    follow-up asks something new (那利率呢: an attribute; 那要多久: a question word)."""
    body = _FOLLOW_START.sub("", text.strip())
    if not _FOLLOW_TAIL.search(body):
        return None
    core = _FOLLOW_TAIL.sub("", body).strip(" ，,。的")
    if not core or len(core) > 8 or _QUESTION_WORD.search(core) or _ATTRIBUTE.search(core) or _PRONOUN.search(core):
        return None
    return core


def resolve_follow_up(text: str, topic: dict, lexicon: ProductLexicon) -> str:
    """The message with the previous topic made explicit: 那利率呢 → 税务贷利率 (same subject, new
    question); 跨行的呢 → <previous question> 跨行 (same question, new qualifier)."""
    qualifier = same_question(text)
    if qualifier and topic.get("query"):
        return f"{topic['query']} {qualifier}"
    body = _FOLLOW_START.sub("", text.strip())
    body = _PRONOUN.sub("", body)
    body = _FOLLOW_TAIL.sub("", body).strip(" ，,。") or text
    products = topic.get("products") or []
    named = topic.get("product_name") or (lexicon.short.get(products[0], "") if products else "")
    subject = named or topic.get("subject", "")
    return f"{subject}{body}" if subject else text


_LEADING = re.compile(r"^(请问|我想问一下|我想问下|想问一下|问一下|我想|我要|怎么|怎样|如何)+")


def subject_of(query: str) -> str:
    """The topic phrase of a question (对公账户开户需要哪些材料 → 对公账户开户; 怎么申请聚合收款码 →
    申请聚合收款码), for follow-ups that leave it out."""
    query = _LEADING.sub("", query.strip())
    m = _SUBJECT_CUT.search(query)
    subject = (query[:m.start()] if m else query).strip(" ，,。的了我")
    return subject if 2 <= len(subject) <= 12 else ""


_MASKED = re.compile(r"[0-9Xx]*\*{3,}[0-9Xx]*")
_PII_WORDS = re.compile(r"(我的)?(身份证号?码?|手机号码?|电话号码?|银行卡号?|卡号)(是|为)?[:：]?")


def strip_masked(text: str) -> str:
    """Masked numbers (and the words that introduced them) carry no meaning for matching."""
    if "***" not in text:
        return text
    return _PII_WORDS.sub("", _MASKED.sub("", text)).strip(" ，,。") or text


def message_text(message: str) -> str:
    """The text every matching step uses: normalised (traditional, typos, fillers), masked numbers removed.
    One function for the guard's embedding, understanding and retrieval, so their query vectors agree."""
    return strip_masked(normalize_query(message))


def understand(text: str, topic: dict | None, compliance: CsCompliance, lexicon: ProductLexicon) -> Understanding:
    """The deterministic understanding of one (masked) message in its conversation."""
    norm = message_text(text)
    products = lexicon.find(norm)
    follow = is_follow_up(norm, topic, products)
    query = resolve_follow_up(norm, topic or {}, lexicon) if follow else norm
    if follow and not products:
        products = list((topic or {}).get("products") or [])
    if is_handoff_request(norm, compliance):
        intent = "handoff_request"
    elif _CHITCHAT.match(norm):
        intent = "chitchat"
    elif is_account_specific(norm):
        intent = "account_specific"
    elif contains_any(norm, compliance.handoff.complaint_phrases):
        intent = "complaint"
    elif products:
        intent = "product_inquiry"
    else:
        intent = "faq"
    return Understanding(intent=intent, query=query[:500] or norm[:500] or "?", products=products,  # type: ignore[arg-type]
                         slots=slots_of(norm), follow_up=follow)
