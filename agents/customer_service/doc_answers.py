"""Answers from the product and industry documents when no FAQ entry answers verbatim (issue #17).

Customers ask about a product's features, compare two products, or ask whether there is a loan for
their trade far more often than they ask an FAQ's standard question. The corpus holds those answers
as structured front matter (amount, tenor and rate ranges, eligibility, documents, fees, repayment;
an industry's typical financing need and its fitting products) and as body sections (申请流程 …).
This module selects from them, deterministically, and cites each line with its [n]:

* a comparison ("A 跟 B 有啥区别") → a side-by-side table of both products, both documents cited;
* a product and an attribute ("税务贷最多贷多少") → that attribute's facts (several when asked);
* a product alone ("设备贷是啥") → its summary and key ranges;
* a trade with a financing question ("养螃蟹的有贷款吗") → the industry's typical need and the
  products its document lists as fitting, each product cited.

Every figure is copied from a document, each table row and each line from the one document it cites
(the grounding rule of agents/common/grounding.py holds sentence by sentence), so the answer can never
state a rate or a limit the knowledge base does not; the reply check appends the approval disclosure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agents.customer_service.schemas import Source
from kb.schema import ProductDoc

COMPARE = re.compile(r"区别|不同|差别|差异|不一样|哪个.{0,4}(好|划算|合适|更|低|高|便宜|快|多|少|省)|对比|比较|比一比|比比|比一下|"
                     r"还是.{1,8}(好|合适|划算)|有啥两样|异同")
#: the customer describes a business of their own (not "个人住房贷款": a trade word in passing)
_TRADE_CUE = re.compile(r"(做|开|养|种|卖|经营|搞|干|从事|跑|承包|加工|批发|生产)|(行业|生意|店|厂|场|公司|档口|摊|作坊|合作社|农场|门店|个体户)")
#: words of a business description that name no trade (the linker may still score them)
_GENERIC_TERMS = frozenset({"规模", "扩大", "周转", "资金", "经营", "生意", "公司", "门店", "个体", "小老板", "工厂", "设备",
                            "进货", "销售", "服务"})
_FINANCE = re.compile(r"贷|借|融资|资金|缺钱|周转|钱不够|用钱|金融|产品|适合|办什么|能办|支持|扶持|额度|利率")
#: attribute → words that ask for it (checked in order; several may be asked at once)
ATTRIBUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("rate", re.compile(r"利率|利息|年化|息多少|费率|几厘|多少息|贵不贵|成本")),
    ("amount", re.compile(r"额度|最多|最高|贷多少|借多少|能贷多|能借多|多少钱|上限|最少|起贷|多大")),
    ("tenor", re.compile(r"期限|几年|多少年|几个月|多长时间还|[贷借用]多久|[贷借用]多长时间|最长|多久还")),
    ("validity", re.compile(r"有效期|循环")),  # no front-matter fact: the passages answer it
    ("eligibility", re.compile(r"条件|要求|门槛|资格|谁能|准入|什么人|哪些人|符合|满足|能不能(申请|办|贷)|可以(申请|办)吗|我能办|能申请吗")),
    ("documents", re.compile(r"材料|资料|证件|需要准备|要准备|准备什么|准备啥|带什么|带啥|要啥|需要什么|需要哪些|提供什么|提供哪些")),
    ("fees", re.compile(r"手续费|费用|收费|收不收钱|要钱吗|免费|管理费|服务费")),
    ("repayment", re.compile(r"怎么还|如何还|还款方式|还款|提前还")),
    ("apply", re.compile(r"怎么申请|如何申请|怎么办理|如何办理|怎么开通|流程|步骤|在哪办|哪里办|怎么弄|咋弄|咋办理|咋申请|怎么贷|怎么开")),
    ("overview", re.compile(r"是什么|是啥|干嘛|什么产品|介绍|了解|有什么用|有啥用|适合谁|适合什么|什么意思|能干什么")),
)
_LABEL = {"rate": "年化利率", "amount": "额度", "tenor": "期限", "eligibility": "申请条件", "documents": "所需材料",
          "fees": "费用", "repayment": "还款方式"}
_SECTIONS = {"apply": "申请流程", "repayment": "还款方式", "overview": "产品概述"}


@dataclass
class DocAnswer:
    kind: str  # compare | product | industry
    text: str
    sources: list[Source]
    products: list[str] = field(default_factory=list)
    #: 1.0 when the customer named the product(s); the linker's score for a trade named in passing
    confidence: float = 1.0
    #: every attribute asked is a front-matter fact (rate, amount …): more exact than any sentence
    specific: bool = False


def _range(r: Any, unit: str, scale: str = "") -> str:
    if r is None:
        return "—"
    fmt = (lambda v: f"{v:g}")
    return f"{fmt(r.min)}{scale}至{fmt(r.max)}{scale}{unit}"


def product_facts(m: ProductDoc) -> dict[str, str]:
    """The product's citable facts, one line per attribute (only the ones its document has)."""
    facts: dict[str, str] = {}
    if m.rate_pct is not None and m.category != "wealth":  # a yield is never quoted as a figure to expect
        facts["rate"] = f"年化利率{m.rate_pct.min:g}%至{m.rate_pct.max:g}%"
    if m.amount_wan is not None:
        facts["amount"] = f"额度{_range(m.amount_wan, '元', '万')}"
    if m.tenor_months is not None:
        facts["tenor"] = f"期限{_range(m.tenor_months, '个月')}"
    if m.eligibility:
        facts["eligibility"] = "申请条件：" + "；".join(r.text for r in m.eligibility)
    if m.required_documents:
        facts["documents"] = "所需材料：" + "、".join(m.required_documents)
    if m.fees:
        facts["fees"] = "费用：" + "；".join(m.fees)
    if m.repayment_methods:
        facts["repayment"] = "还款方式：" + "；".join(m.repayment_methods)
    return facts


def body_sections(body: str) -> dict[str, str]:
    """A document body's ``## heading`` sections, heading → text (one line)."""
    out: dict[str, str] = {}
    for part in re.split(r"^## ", body, flags=re.M)[1:]:
        head, _, text = part.partition("\n")
        out[head.strip()] = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return out


_QUESTION = re.compile(r"多少|几|多高|多长|多久|哪些|什么|啥|怎么|咋|如何|高不高|贵不贵|收不收|要不要|吗|不|没")


def asked_attributes(query: str, asked: bool = False) -> list[str]:
    """The attributes the query mentions; with ``asked``, only those it asks about (a question word
    within a few characters: "POS机降费率是真的吗" mentions the rate but asks about a call)."""
    out = []
    for name, pattern in ATTRIBUTES:
        m = pattern.search(query)
        if m and (not asked or _QUESTION.search(query[max(0, m.start() - 4):m.end() + 5])):
            out.append(name)
    return out


class DocAnswerer:
    """Built once per process from the corpus (and an industry linker for trades)."""

    def __init__(self, corpus: Any, linker: Any = None, min_industry_score: float = 0.12):
        self.products = {pid: doc for pid, doc in corpus.products.items()}
        self.industries = dict(corpus.industries)
        self.linker = linker
        self.min_industry_score = min_industry_score

    # --- sources --------------------------------------------------------------------------------
    def _product_source(self, n: int, pid: str, keys: list[str]) -> tuple[Source, dict[str, str]]:
        doc = self.products[pid]
        m: ProductDoc = doc.meta  # type: ignore[assignment]
        facts = product_facts(m)
        sections = body_sections(doc.body)
        lines: dict[str, str] = {}
        for k in keys:  # in the order asked: a fact from the front matter, else the body's section
            if k in facts:
                lines[k] = facts[k]
            elif k in _SECTIONS and _SECTIONS[k] in sections:
                lines[k] = sections[_SECTIONS[k]] if k == "overview" else f"{_SECTIONS[k]}：{sections[_SECTIONS[k]]}"
        text = "；".join([m.summary.rstrip("。"), *lines.values()])
        return Source(n=n, kind="kb", id=pid, title=m.name, section="产品要素", source=doc.path, text=text[:600]), lines

    # --- answers --------------------------------------------------------------------------------
    def answer(self, query: str, products: list[str], industries: list[str] = ()) -> DocAnswer | None:
        """``industries``: industry documents the KB retrieval ranked for this query, best first — the
        trade when the linker's dictionary does not know the customer's word for it (修车铺, 养猪)."""
        products = [p for p in products if p in self.products]
        if len(products) >= 2 and COMPARE.search(query):
            return self.compare(products[:2])
        if products:
            return self.product(products[0], asked_attributes(query))
        if _FINANCE.search(query) and _TRADE_CUE.search(query):
            return self.industry(query, [i for i in industries if i in self.industries])
        return None

    def compare(self, pids: list[str]) -> DocAnswer:
        """One table row per product (so every figure in a row comes from the one document it cites)."""
        keys = ["rate", "amount", "tenor", "eligibility"]
        sources = [self._product_source(n, pid, keys)[0] for n, pid in enumerate(pids, start=1)]
        metas = [self.products[p].meta for p in pids]
        facts = [product_facts(m) for m in metas]  # type: ignore[arg-type]
        cols = [k for k in keys if any(k in f for f in facts)]
        rows = ["| 产品 | 适合 | " + " | ".join(_LABEL[k] for k in cols) + " |", "|---|---|" + "---|" * len(cols)]
        for m, f, src in zip(metas, facts, sources):
            cells = [f[k].split("：", 1)[-1].removeprefix(_LABEL[k]) if k in f else "—" for k in cols]
            rows.append(f"| {m.name}[{src.n}] | " + "、".join(m.target_customers[:3]) + " | " + " | ".join(cells) + " |")
        text = f"{metas[0].name}和{metas[1].name}的主要区别如下（均摘自产品说明）：\n" + "\n".join(rows)
        return DocAnswer("compare", text, sources, list(pids))

    def product(self, pid: str, attrs: list[str]) -> DocAnswer | None:
        m: ProductDoc = self.products[pid].meta  # type: ignore[assignment]
        keys = [a for a in attrs if a != "overview"] or ["overview", "amount", "tenor", "rate"]
        src, lines = self._product_source(1, pid, keys)
        if any(a != "overview" and a not in lines for a in attrs):
            return None  # the question asks something the document's facts do not hold (fully)
        body = [f"{m.summary.rstrip('。')}[1]。"] if "overview" in keys and "overview" not in lines else []
        body += [f"{line.rstrip('。')}[1]。" for line in lines.values()]
        specific = any(a not in ("overview", "apply") for a in attrs)
        return DocAnswer("product", f"关于{m.name}：" + "".join(body), [src], [pid], specific=specific)

    def _linked_trade(self, query: str):
        """The linker's candidate for the trade the customer names (by its trade words), or None."""
        result = self.linker.link(query, top_k=5) if self.linker is not None else None
        ranked = [c for c in (result.candidates if result else []) if c.score >= self.min_industry_score * 0.5]
        # the trade word decides, not a generic one the customer also used (扩大规模 is not 生猪规模养殖)
        ranked.sort(key=lambda c: -sum(e.weight for e in c.evidence if e.term not in _GENERIC_TERMS))
        return ranked[0] if ranked and any(e.term not in _GENERIC_TERMS for e in ranked[0].evidence) else None

    def trade_of(self, query: str, products: list[str] = ()) -> str | None:
        """The industry of a financing question about the customer's own trade (no product named)."""
        if products or not (_FINANCE.search(query) and _TRADE_CUE.search(query)):
            return None
        top = self._linked_trade(query)
        return top.segment if top is not None else None

    def industry(self, query: str, retrieved: list[str] = ()) -> DocAnswer | None:
        top = self._linked_trade(query)
        if top is not None:
            segment, confidence = top.segment, round(min(1.0, top.score), 4)
        elif retrieved:
            segment, confidence = retrieved[0], 0.5  # the retriever's pick: no dictionary evidence
        else:
            return None
        doc = self.industries[segment]
        meta = doc.meta
        need = re.sub(r"(^|\s)[-*]\s*", " ", body_sections(doc.body).get("典型融资需求", "")).strip()
        ind_text = f"{meta.name}：{need}" if need else meta.name
        sources = [Source(n=1, kind="kb", id=meta.id, title=meta.name, section="典型融资需求", source=doc.path,
                          text=ind_text[:600])]
        lines = [f"针对{meta.name}，" + (f"{need.rstrip('。')}[1]。" if need else "")]
        fitting = sorted((p for p in meta.fitting_products if p in self.products),  # loans first: the customer asks for money
                         key=lambda p: self.products[p].meta.category != "loan")[:3]
        for n, pid in enumerate(fitting, start=2):
            pm: ProductDoc = self.products[pid].meta  # type: ignore[assignment]
            src, facts = self._product_source(n, pid, ["amount", "tenor", "rate"])
            sources.append(src)
            figures = "，".join(facts.values())
            lines.append(f"- {pm.name}：{pm.summary.rstrip('。')}" + (f"（{figures}）" if figures else "") + f"[{n}]。")
        if len(lines) == 1:
            return None
        text = (lines[0] + "可以了解以下产品：\n" + "\n".join(lines[1:])
                + "\n可在App申请或到网点咨询客户经理。")
        return DocAnswer("industry", text, sources, fitting, confidence=confidence)
