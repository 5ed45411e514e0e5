"""Typed models of the knowledge-base corpus front matter (kb/corpus/*).

These models are the contract between the people who write the corpus and every piece of code that
reads it (ingestion, the industry graph, the chain-map, loan and customer-service assistants).
The format is documented for writers in kb/corpus/README.md.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ChainStage = Literal["upstream", "midstream", "downstream", "support"]
AccessLevel = Literal["鼓励", "适度", "审慎", "禁止"]
RuleOp = Literal[">=", "<=", ">", "<", "==", "!=", "in", "not_in", "between", "is_true", "is_false"]

ID_PATTERN = r"^[a-z][a-z0-9_]{1,63}$"

#: Enterprise/application facts that product eligibility and policy rules may test. Every rule's
#: ``fact`` must be one of these names, so the tools that evaluate rules know every input up front.
FACTS: dict[str, str] = {
    "years_operating": "经营年限（年）",
    "annual_revenue_wan": "年营业收入（万元）",
    "annual_tax_paid_wan": "年纳税额（万元）",
    "tax_credit_grade": "纳税信用等级（A/B/M/C/D）",
    "invoice_months_12m": "近12个月有开票的月数",
    "annual_invoice_wan": "近12个月开票金额（万元）",
    "monthly_inflow_wan": "近12个月月均入账流水（万元）",
    "has_core_enterprise_orders": "有核心企业订单或应收账款",
    "is_agricultural": "从事种养殖/农业生产",
    "has_cross_border_sales": "有跨境电商销售收入",
    "has_collateral": "可提供房产等抵押物",
    "has_guarantee": "有政府性融资担保或保证人",
    "employee_count": "员工人数",
    "owner_age": "实际控制人年龄（周岁）",
    "overdue_count_24m": "近24个月信用报告逾期次数",
    "max_overdue_days_24m": "近24个月最长逾期天数",
    "current_overdue": "当前有逾期",
    "inquiries_3m": "近3个月贷款审批查询次数",
    "inquiries_6m": "近6个月贷款审批查询次数",
    "debt_to_revenue": "负债收入比（现有负债/年营业收入）",
    "industry_access": "行业准入类别（鼓励/适度/审慎/禁止）",
    "requested_amount_wan": "申请金额（万元）",
    "tenor_months": "申请期限（月）",
}


class Rule(BaseModel):
    """A machine-readable condition on one fact, with the plain-language text shown to people."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    fact: str
    op: RuleOp
    value: Any = None
    text: str = Field(min_length=2)

    @field_validator("fact")
    @classmethod
    def _known_fact(cls, v: str) -> str:
        if v not in FACTS:
            raise ValueError(f"unknown fact {v!r}; known: {', '.join(FACTS)}")
        return v


class Range(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> "Range":
        if self.min > self.max:
            raise ValueError(f"min {self.min} > max {self.max}")
        return self


class TypicalLoan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_wan: Range
    tenor_months: Range


class IndustryDoc(BaseModel):
    """Front matter of kb/corpus/industries/<id>.md."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ID_PATTERN)
    doc_type: Literal["industry"]
    name: str = Field(min_length=2)
    aliases: list[str] = Field(min_length=2)
    gbt_codes: list[str] = Field(min_length=1)
    regions: list[str] = Field(min_length=1)
    clusters: list[str] = Field(min_length=1)
    chain_name: str = Field(min_length=2)
    chain_stage: ChainStage
    main_products: list[str] = Field(min_length=1)
    upstream_inputs: list[str] = Field(min_length=2)
    downstream_buyers: list[str] = Field(min_length=2)
    upstream_industries: list[str] = Field(default_factory=list)
    downstream_industries: list[str] = Field(default_factory=list)
    scope_keywords: list[str] = Field(min_length=5)
    seasonality: list[float] = Field(min_length=12, max_length=12)
    peak_months: list[int] = Field(min_length=1)
    cash_conversion_days: int = Field(ge=0, le=720)
    typical_revenue_wan: Range
    gross_margin_pct: Range
    typical_loan: TypicalLoan
    risk_grade: int = Field(ge=1, le=5)
    risk_tags: list[str] = Field(min_length=2)
    watch_signals: list[str] = Field(min_length=3)
    fitting_products: list[str] = Field(min_length=1)

    @field_validator("gbt_codes")
    @classmethod
    def _code_shape(cls, codes: list[str]) -> list[str]:
        for c in codes:
            if not (c.isdigit() and len(c) in (2, 3, 4)):
                raise ValueError(f"GB/T 4754 code {c!r} must be 2-4 digits (大类/中类/小类)")
        return codes

    @field_validator("peak_months")
    @classmethod
    def _months(cls, months: list[int]) -> list[int]:
        if any(m < 1 or m > 12 for m in months):
            raise ValueError("peak_months must be 1..12")
        return months

    @field_validator("seasonality")
    @classmethod
    def _season(cls, s: list[float]) -> list[float]:
        if any(x < 0 for x in s) or not 0.8 <= sum(s) / 12 <= 1.2:
            raise ValueError("seasonality: 12 non-negative monthly indices averaging ~1.0")
        return s


class ProductDoc(BaseModel):
    """Front matter of kb/corpus/products/<id>.md."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^prod_[a-z0-9_]+$")
    doc_type: Literal["product"]
    name: str
    category: Literal["loan", "account", "settlement", "payroll", "wealth", "cross_border"]
    aliases: list[str] = Field(default_factory=list)
    summary: str = Field(min_length=10)
    target_customers: list[str] = Field(min_length=1)
    eligibility: list[Rule] = Field(default_factory=list)
    required_documents: list[str] = Field(default_factory=list)
    amount_wan: Range | None = None
    tenor_months: Range | None = None
    rate_pct: Range | None = Field(None, description="Annual rate range (loans) or yield range (wealth)")
    fees: list[str] = Field(default_factory=list)
    repayment_methods: list[str] = Field(default_factory=list)
    risk_disclosure: str | None = None

    @model_validator(mode="after")
    def _loans_priced(self) -> "ProductDoc":
        if self.category == "loan" and (self.amount_wan is None or self.rate_pct is None or self.tenor_months is None):
            raise ValueError("loan products need amount_wan, tenor_months and rate_pct")
        return self


#: an FAQ question or answer shorter than this is indexed, with a warning (real banks' FAQs have
#: short questions such as 「抽奖」「营业部」 and code-only answers such as menu codes: issue #20)
SHORT_QUESTION = 4
SHORT_ANSWER = 10


class FaqEntry(BaseModel):
    """One customer-service FAQ entry (kb/corpus/faq/*.yaml holds a list of these).

    Only ``question`` and ``answer`` are required, so a bank's plain question/answer FAQ loads as
    it is: ``similar`` questions are optional (0..n, used by retrieval when present), ``id`` and
    ``category`` are derived by the loader from the file when absent (``kb.corpus``). Whitespace is
    trimmed before any rule, so a trailing space or newline never makes a length rule fail.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: str | None = Field(None, pattern=r"^faq_[a-z0-9_]+$")
    category: str | None = Field(None, min_length=1)
    question: str = Field(min_length=1)
    similar: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=1)
    products: list[str] = Field(default_factory=list)
    disclosure: str | None = Field(None, description="id of a required disclosure in cs_compliance")
    handoff: bool = False
    channel: str | None = Field(None, description="where the entry applies (手机银行, 网点 …), from an import")
    origin: str | None = Field(None, description="file:row of the source the entry was imported from (issue #13)")

    @field_validator("similar", mode="before")
    @classmethod
    def _similar_list(cls, v: Any) -> Any:
        """None or a single string are accepted; blank items are dropped (after trimming)."""
        if v is None:
            return []
        if isinstance(v, str):
            v = [v]
        if isinstance(v, list):
            return [s.strip() if isinstance(s, str) else s for s in v if not (isinstance(s, str) and not s.strip())]
        return v

    @field_validator("id", "category", mode="before")
    @classmethod
    def _blank_is_absent(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else v

    def warnings(self) -> list[str]:
        """Readable notes on entries that are valid but probably worth a look (very short text)."""
        out = []
        if len(self.question) < SHORT_QUESTION:
            out.append(f"question {self.question!r} is very short ({len(self.question)} characters)")
        if len(self.answer) < SHORT_ANSWER:
            out.append(f"answer {self.answer!r} is very short ({len(self.answer)} characters)")
        return out


class PolicyDoc(BaseModel):
    """Front matter of kb/corpus/policies/*.md: id, type, and a free structure per policy kind.

    Each policy kind (credit, cs_compliance, qa_rubric) is parsed further by the tool that owns it,
    which validates its own sections; here only the envelope is checked.
    """

    model_config = ConfigDict(extra="allow")
    id: str = Field(pattern=ID_PATTERN)
    doc_type: Literal["policy"]
    name: str
    policy_kind: Literal["credit", "cs_compliance", "qa_rubric"]
