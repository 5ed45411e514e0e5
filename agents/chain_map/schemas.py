"""Typed input and output of the industry-chain map assistant (the API, CLI and UI all speak these).

Input: an enterprise (name, 经营范围, products, location, years, optional tax/invoice summaries and any
other known facts) and optionally its transactions. Output: the placement (segment + GB/T code +
confidence, or *unknown* with the nearest candidates), chain position, customer profile, marketing and
risk strategies, screening flags and a rendered Markdown report.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kb.schema import FACTS, ChainStage
from tools.products import ProductMatch
from tools.txn.flags import Flag
from tools.txn.profile import FlowProfile
from tools.txn.transactions import FieldError

STAGE_ZH = {"upstream": "上游（种养殖/原材料）", "midstream": "中游（加工制造）",
            "downstream": "下游（批发零售/终端服务）", "support": "配套服务（物流等）"}


def _split_list(v: Any) -> Any:
    if isinstance(v, str):
        for sep in ("，", ",", "；", ";", "/"):
            v = v.replace(sep, "、")
        return [p.strip() for p in v.split("、") if p.strip()]
    return v


class TaxSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")
    annual_tax_paid_wan: float | None = Field(None, ge=0, le=1e6, description="近12个月纳税额（万元）")
    tax_credit_grade: Literal["A", "B", "M", "C", "D"] | None = Field(None, description="纳税信用等级")
    declared_revenue_wan: float | None = Field(None, ge=0, le=1e7, description="申报营业收入（万元）")

    @field_validator("tax_credit_grade", mode="before")
    @classmethod
    def _grade(cls, v: Any) -> Any:
        return v.strip().upper().removesuffix("级") if isinstance(v, str) and v.strip() else (v or None)


class InvoiceSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invoice_months_12m: int | None = Field(None, ge=0, le=12, description="近12个月有开票的月数")
    annual_invoice_wan: float | None = Field(None, ge=0, le=1e7, description="近12个月开票金额（万元）")


class EnterpriseInput(BaseModel):
    """A small business as a relationship manager would describe it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=200, description="企业名称/字号")
    business_scope: str = Field(max_length=4000, description="经营范围")
    main_products: list[str] = Field(default_factory=list, max_length=50, description="主营产品")
    location: str | None = Field(None, max_length=200, description="所在地，如 镇江市丹阳市")
    years_operating: float | None = Field(None, ge=0, le=100, description="经营年限（年）")
    annual_revenue_wan: float | None = Field(None, ge=0, le=1e7, description="年营业收入（万元）")
    employee_count: int | None = Field(None, ge=0, le=100000)
    account_type: Literal["corporate", "personal"] | None = Field(
        None, description="结算账户类型：corporate 对公 / personal 个人（个体户常用），决定大额报告阈值")
    tax: TaxSummary | None = None
    invoices: InvoiceSummary | None = None
    facts: dict[str, Any] = Field(default_factory=dict, description="其他已知事实（键名见 kb.schema.FACTS）")

    @field_validator("main_products", mode="before")
    @classmethod
    def _products(cls, v: Any) -> Any:
        return _split_list(v) if v is not None else []

    @field_validator("location", mode="before")
    @classmethod
    def _location(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("business_scope")
    @classmethod
    def _scope(cls, v: str) -> str:
        if len(v.replace("；", "").replace(";", "").strip()) < 2:
            raise ValueError("经营范围不能为空（至少写明一项经营活动）")
        return v

    @field_validator("facts")
    @classmethod
    def _facts(cls, v: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(v) - set(FACTS))
        if unknown:
            raise ValueError(f"unknown fact(s) {', '.join(unknown)}; known: {', '.join(FACTS)}")
        return v


class ChainMapRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enterprise: EnterpriseInput
    transactions: list[dict[str, Any]] | None = Field(
        None, max_length=20000, description="date, amount, direction, counterparty, counterparty_scope, "
                                            "counterparty_industry, channel, memo")


class Extracted(BaseModel):
    """What the understanding step read out of the free text (LLM or deterministic, same type)."""

    products: list[str] = Field(default_factory=list, description="主营产品/服务")
    activities: list[str] = Field(default_factory=list, description="经营活动关键词，如 眼镜制造、水产养殖")
    industry_hint: str | None = Field(None, description="一句话概括所属细分行业")


class GbtCode(BaseModel):
    code: str
    name: str = ""


class SegmentCandidate(BaseModel):
    segment_id: str
    name: str
    score: float
    evidence: list[str] = Field(default_factory=list)


class Placement(BaseModel):
    verdict: Literal["linked", "unknown"]
    segment_id: str | None = None
    name: str | None = None
    gbt_codes: list[GbtCode] = Field(default_factory=list)
    confidence: float = Field(0.0, ge=0, le=1)
    candidates: list[SegmentCandidate] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    note: str = ""


class ChainLink(BaseModel):
    """A typical supplier or buyer, with the graph path that makes it one."""

    node_id: str
    name: str
    kind: Literal["industry", "input", "buyer"]
    path: list[str] = Field(default_factory=list, description="node names along the chain path")
    source: str = Field("", description="corpus file that states the link")


class PeerInfo(BaseModel):
    segment_id: str
    name: str
    score: float
    reasons: list[str] = Field(default_factory=list)


class RoleEvidence(BaseModel):
    """The business's own role (agents/chain_map/role.py): what it does, hence where it sits in the chain."""

    role: ChainStage = Field(description="what the words say it does: upstream 种养殖/采掘, midstream 加工制造, "
                                         "downstream 批发零售/电商/直播, support 运输/维修/设计等服务")
    stage: ChainStage = Field(description="its stage in the segment's chain (an input trader is upstream)")
    segment_stage: ChainStage = Field(description="the segment's usual stage")
    differs: bool = Field(description="stage differs from the segment's usual stage")
    words: list[str] = Field(default_factory=list, description="the matched words of the deciding role")
    evidence: list[str] = Field(default_factory=list, description="every role's matched words, e.g. 下游：网上销售、直播")
    basis: str = ""
    input_supplied: str | None = Field(None, description="the segment input it trades in, when that made it upstream")
    own_node_id: str | None = Field(None, description="the neighbouring segment that is its own node, when one fits")
    own_node_name: str | None = None


class ChainPosition(BaseModel):
    stage: ChainStage | None = None
    stage_zh: str = ""
    segment_stage: ChainStage | None = Field(None, description="the segment's usual stage (stage is the business's own)")
    role: RoleEvidence | None = None
    chain_name: str = ""
    upstream: list[ChainLink] = Field(default_factory=list)
    downstream: list[ChainLink] = Field(default_factory=list)
    peers: list[PeerInfo] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    in_home_region: bool | None = Field(None, description="the enterprise is in one of the segment's regions")


class CustomerProfile(BaseModel):
    flow: FlowProfile | None = None
    industry_seasonality: list[float] | None = None
    fund_features: list[str] = Field(default_factory=list)
    operating_behaviour: list[str] = Field(default_factory=list)
    risk_features: list[str] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict, description="FACTS known or derived, for product rules")
    fact_sources: dict[str, str] = Field(default_factory=dict)


class MarketingStrategy(BaseModel):
    products: list[ProductMatch] = Field(default_factory=list)
    pitch: str = ""


class RiskStrategy(BaseModel):
    risk_grade: int | None = None
    industry_risks: list[str] = Field(default_factory=list)
    enterprise_risks: list[str] = Field(default_factory=list)
    due_diligence: list[str] = Field(default_factory=list)
    watch_signals: list[str] = Field(default_factory=list)
    summary: str = ""
    # issue #15: industry tracking — the segment's indicator signals and the stance they set
    stance: str = Field("维持", description="收紧 / 放宽 / 维持, from the segment's indicator signals")
    industry_signals: list[str] = Field(default_factory=list, description="dated series evidence of the stance")


class StrategyProse(BaseModel):
    """The two paragraphs a writer (LLM or template) adds; facts and rankings stay with the tools."""

    marketing_pitch: str = Field(min_length=10, max_length=1500)
    risk_summary: str = Field(min_length=10, max_length=1500)


class Screening(BaseModel):
    flags: list[Flag] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)
    rules_skipped: dict[str, str] = Field(default_factory=dict)
    thresholds: dict[str, Any] = Field(default_factory=dict)


class ChainMapResult(BaseModel):
    enterprise: EnterpriseInput
    placement: Placement
    position: ChainPosition | None = None
    profile: CustomerProfile
    marketing: MarketingStrategy
    risk: RiskStrategy
    screening: Screening | None = None
    report_markdown: str = ""
    llm: dict[str, str] = Field(default_factory=dict, description="node → none / llm / fallback")
    llm_reasons: dict[str, str] = Field(default_factory=dict, description="node → why it fell back (timeout, "
                                        "http_500, invalid_output, ungrounded …); fallback nodes only")
    warnings: list[str] = Field(default_factory=list)
    profile_version: str | None = Field(None, description="industry profile version used (issue #15 tracking)")


class ChainMapErrors(BaseModel):
    """Bad input: one entry per field, nothing else computed."""

    errors: list[FieldError]
