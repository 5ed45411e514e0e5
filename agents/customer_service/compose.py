"""Writing the bot's replies without a model: fixed wording, extractive grounded answers with
numbered citations, risk disclosures and the hand-off summary.

The extractive answer quotes whole sentences from retrieved passages, so it can never state a rate
or a limit the knowledge base does not: that is what makes the no-LLM mode safe, and it is the
fallback whenever a generated answer fails the grounding check.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import yaml

from agents.customer_service.schemas import Source
from prompts.loader import read
from tools.cs.policy import DEFAULT_BANK_NAME, CsCompliance

_SENT = re.compile(r"[^。！？；\n]+[。！？；]?")
_CJK_OR_ALNUM = re.compile(r"[\u4e00-\u9fff0-9a-zA-Z]")
#: bigrams that carry no topic (question words, particles): they never make a passage relevant
_STOP = {"怎么", "什么", "多少", "可以", "能不", "不能", "是不", "不是", "吗?", "的吗", "一下", "请问", "我想", "想问",
         "问一", "如何", "哪些", "有没", "没有", "需要", "要什", "么时", "时候", "这个", "那个", "我的", "你们", "们的",
         "银行", "禾信", "信银", "办理", "吗", "的", "了"}
_KIND_ZH = {"id_card": "身份证号", "mobile": "手机号", "bank_card": "银行卡号"}


@lru_cache(maxsize=1)
def replies() -> dict[str, Any]:
    return yaml.safe_load(read("customer_service/replies.yaml"))


def reply_text(path: str, bank: str = DEFAULT_BANK_NAME, **values: str) -> str:
    """The fixed wording at ``path`` with its placeholders filled. The bot itself goes through
    ``CsDeps.reply``, which passes the policy's (or the replace-mode scope's) bank and hotline."""
    node: Any = replies()
    for part in path.split("."):
        node = node[part]
    return str(node).format(bank=bank, **values)


def pii_notice(kinds: Sequence[str], bank: str = DEFAULT_BANK_NAME) -> str:
    return reply_text("pii_notice", bank=bank, masked_kinds="、".join(_KIND_ZH.get(k, k) for k in kinds))


def content_bigrams(text: str) -> set[str]:
    chars = [c for c in text if _CJK_OR_ALNUM.match(c)]
    return {a + b for a, b in zip(chars, chars[1:])} - _STOP


def overlap(query: str, text: str) -> float:
    q = content_bigrams(query)
    return len(q & content_bigrams(text)) / len(q) if q else 0.0


def relevant(query: str, passages: Sequence[Any], min_overlap: float) -> list[Any]:
    """Passages that share enough of the query's content words (whatever the retriever's score)."""
    return [p for p in passages if overlap(query, f"{p.title} {p.section or ''} {p.text}") >= min_overlap]


def passage_sources(passages: Sequence[Any]) -> list[Source]:
    return [Source(n=i, kind="faq" if p.doc_type == "faq" else "kb", id=p.faq_id or p.doc_id, title=p.title,
                   section=p.section, source=p.source, text=(p.answer or p.text)[:600])
            for i, p in enumerate(passages, start=1)]


def extractive_answer(query: str, sources: Sequence[Source], max_sentences: int = 2,
                      min_overlap: float = 0.5, bank: str = DEFAULT_BANK_NAME) -> str:
    """The best-matching whole sentences from the cited passages, each with its [n]. A sentence must
    itself contain at least ``min_overlap`` of the question's content bigrams (and two of them):
    a relevant passage can still hold sentences about something else."""
    q = content_bigrams(query)
    scored = []
    for src in sources:
        for m in _SENT.finditer(src.text):
            sent = m.group(0).strip()
            if len(sent) >= 8 and not sent.startswith(("#", "-")):
                shared = len(q & content_bigrams(sent))
                if shared >= 2 and shared / max(1, len(q)) >= min_overlap:
                    scored.append((shared / len(q), -src.n, sent, src.n))
    scored.sort(reverse=True)
    picked = scored[:max_sentences]
    if not picked:
        return ""
    body = "".join(f"{sent.rstrip('。；;')}[{n}]。" for _, _, sent, n in picked)
    return reply_text("grounded_intro", bank=bank) + body


def disclosures_for(compliance: CsCompliance, text: str, query: str, categories: Sequence[str],
                    products: Sequence[str], explicit: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(id, text) of every disclosure the policy requires for this answer and that it lacks."""
    out = []
    for d in compliance.required_disclosures:
        triggered = (d.id in explicit or any(c in d.trigger_categories for c in categories)
                     or any(p in d.trigger_products for p in products)
                     or any(k in text or k in query for k in d.trigger_keywords))
        if triggered and not d.present_in(text):
            out.append((d.id, d.text))
    return out


def ticket_id(session_id: str, turn: int) -> str:
    digest = hashlib.sha1(f"{session_id}:{turn}".encode()).hexdigest()[:6].upper()
    return f"CS{time.strftime('%Y%m%d')}-{digest}"


_REASON_ZH = {"customer_request": "客户要求人工", "complaint": "投诉", "sensitive_topic": "敏感话题",
              "repeated_failure": "多轮未解决", "faq_policy": "标准问答要求转人工", "account_verification": "账户查询需核实身份"}


def handoff_summary(customer_id: str, reason: str, detail: str, transcript: Sequence[dict], message: str,
                    unresolved: int) -> str:
    """What the human agent reads first (all text already masked)."""
    asked = [t["text"] for t in transcript if t.get("role") == "customer"][-3:]
    outcomes = [t.get("meta", {}).get("outcome", "") for t in transcript if t.get("role") == "bot"][-3:]
    lines = [f"客户：{customer_id}", f"转接原因：{_REASON_ZH.get(reason, reason)}{('（' + detail + '）') if detail else ''}",
             f"当前诉求：{message}"]
    if asked:
        lines.append("此前问题：" + "｜".join(asked))
    if outcomes:
        lines.append("此前答复结果：" + "、".join(o for o in outcomes if o))
    lines.append(f"连续未解决轮数：{unresolved}")
    return "\n".join(lines)
