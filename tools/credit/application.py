"""The loan application as received (Pydantic): every field checked, every error naming its field.

Amounts are in 万元 (10,000 yuan) except raw transactions, which are in yuan as bank statements are
(``tools.txn.transactions.Transaction``, shared with the chain-map assistant's flow profile).
Personal data (owner name, ID number, phone) is validated here and masked by ``masked()`` — the only
form that may reach a log, the audit store, a memo or the persisted review state.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tools.credit.identity import (
    age_on,
    id_birth_date,
    mask_id,
    mask_name,
    mask_phone,
    validate_id_number,
    validate_mobile,
)
from tools.pii import mask_pii
from tools.txn.transactions import Transaction  # the chain-map statement model (amounts in 元)

Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CreditReport(BaseModel):
    """Summary of the owner's personal credit report (人行征信)."""

    model_config = Strict
    overdue_count_24m: int = Field(ge=0, le=240, description="近24个月逾期次数")
    max_overdue_days_24m: int = Field(0, ge=0, le=3650, description="近24个月最长逾期天数")
    current_overdue: bool = Field(False, description="当前是否有逾期")
    inquiries_3m: int = Field(ge=0, le=200, description="近3个月贷款审批查询次数")
    inquiries_6m: int = Field(ge=0, le=400, description="近6个月贷款审批查询次数")
    existing_debt_wan: float = Field(ge=0, le=1_000_000, description="现有负债余额（万元，含经营性与个人经营用途）")

    @model_validator(mode="after")
    def _windows(self) -> "CreditReport":
        if self.inquiries_6m < self.inquiries_3m:
            raise ValueError("inquiries_6m 不能小于 inquiries_3m（6个月窗口包含3个月窗口）")
        if self.overdue_count_24m == 0 and self.max_overdue_days_24m > 0:
            raise ValueError("max_overdue_days_24m > 0 但 overdue_count_24m 为 0")
        return self


class Owner(BaseModel):
    """The actual controller (实际控制人)."""

    model_config = Strict
    # repr=False: printing or logging the object never shows personal data
    name: str = Field(min_length=1, max_length=30, repr=False)
    id_number: str = Field(description="18位居民身份证号（校验位检查）", repr=False)
    phone: str = Field(description="11位手机号", repr=False)
    age: int | None = Field(None, ge=0, le=120, description="年龄（周岁）；缺省时由身份证号推算")
    credit_report: CreditReport

    @field_validator("id_number")
    @classmethod
    def _id(cls, v: str) -> str:
        return validate_id_number(v)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        return validate_mobile(v)


class Enterprise(BaseModel):
    model_config = Strict
    name: str = Field(min_length=2, max_length=100)
    business_scope: str = Field(min_length=4, max_length=2000, description="经营范围")
    main_products: list[str] = Field(default_factory=list, max_length=50)
    location: str = Field(min_length=2, max_length=100, description="所在地，如 无锡市宜兴市")
    industry_id: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]{1,63}$", description="细分行业id（可选）")
    years_operating: float = Field(ge=0, le=100)
    employee_count: int | None = Field(None, ge=0, le=100_000)
    annual_revenue_wan: float = Field(gt=0, le=10_000_000, description="年营业收入（万元）")
    is_agricultural: bool = False
    has_cross_border_sales: bool = False
    has_core_enterprise_orders: bool = False


class TaxSummary(BaseModel):
    model_config = Strict
    annual_tax_paid_wan: float = Field(ge=0, le=1_000_000)
    tax_credit_grade: Literal["A", "B", "M", "C", "D"]
    declared_revenue_wan: float | None = Field(None, ge=0, le=10_000_000)


class InvoiceSummary(BaseModel):
    model_config = Strict
    invoice_months_12m: int = Field(ge=0, le=12)
    annual_invoice_wan: float = Field(ge=0, le=10_000_000)


class Collateral(BaseModel):
    model_config = Strict
    type: Literal["property", "equipment", "deposit", "receivable", "other"]
    value_wan: float = Field(gt=0, le=10_000_000)
    description: str = Field("", max_length=200)


class Guarantee(BaseModel):
    model_config = Strict
    type: Literal["government_guarantee", "personal", "enterprise"]
    guarantor: str = Field("", max_length=100)


class LoanRequest(BaseModel):
    model_config = Strict
    requested_amount_wan: float = Field(gt=0, le=100_000)
    tenor_months: int = Field(ge=1, le=360)
    purpose: str = Field(min_length=2, max_length=500)
    product: str = Field(pattern=r"^prod_[a-z0-9_]+$")
    collateral: Collateral | None = None
    guarantee: Guarantee | None = None


class MonthlyFlow(BaseModel):
    model_config = Strict
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    inflow_wan: float = Field(ge=0, le=10_000_000)
    outflow_wan: float | None = Field(None, ge=0, le=10_000_000)


class BankFlowSummary(BaseModel):
    model_config = Strict
    months: list[MonthlyFlow] = Field(min_length=3, max_length=36)

    @field_validator("months")
    @classmethod
    def _distinct(cls, months: list[MonthlyFlow]) -> list[MonthlyFlow]:
        if len({m.month for m in months}) != len(months):
            raise ValueError("月份重复")
        return sorted(months, key=lambda m: m.month)


class Application(BaseModel):
    """A small-business loan application."""

    model_config = Strict
    application_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    application_date: date | None = Field(None, description="申请日期；缺省为今天（用于年龄推算）")
    enterprise: Enterprise
    owner: Owner
    loan: LoanRequest
    tax: TaxSummary | None = None
    invoice: InvoiceSummary | None = None
    bank_flow: BankFlowSummary | None = None
    transactions: list[Transaction] | None = Field(None, max_length=100_000)

    @model_validator(mode="after")
    def _consistent(self) -> "Application":
        if self.bank_flow is None and not self.transactions:
            raise ValueError("bank_flow 与 transactions 至少提供一项（用于核定经营现金流）")
        on = self.application_date or date.today()
        derived = age_on(id_birth_date(self.owner.id_number), on)
        if self.owner.age is not None and abs(self.owner.age - derived) > 1:
            raise ValueError("owner.age 与身份证号中的出生日期不符")
        return self

    @property
    def owner_age(self) -> int:
        return age_on(id_birth_date(self.owner.id_number), self.application_date or date.today())

    def input_hash(self) -> str:
        """SHA-256 of the canonical JSON of the full (unmasked) input: ties an audit record to it."""
        canon = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canon.encode("utf-8")).hexdigest()

    def masked(self) -> dict:
        """The application as a dict with personal data masked (safe for logs, state and memos).

        Besides the owner's fields, any ID-card, mobile or bank-card number typed into free text
        (scope, purpose, transaction memos) is masked too.
        """
        data = _mask_text(self.model_dump(mode="json"))
        data["owner"]["name"] = mask_name(self.owner.name)
        data["owner"]["id_number"] = mask_id(self.owner.id_number)
        data["owner"]["phone"] = mask_phone(self.owner.phone)
        data["owner"]["age"] = self.owner_age
        return data


def _mask_text(value: Any) -> Any:
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):
        return {k: _mask_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_text(v) for v in value]
    return value


class FieldError(BaseModel):
    loc: list[str | int]
    field: str
    msg: str
    type: str


def field_errors(exc: ValidationError) -> list[FieldError]:
    """Pydantic errors as field-level messages, without echoing any input value (IDs, phones)."""
    out = []
    for e in exc.errors(include_input=False, include_url=False):
        loc = [p for p in e["loc"]]
        out.append(FieldError(loc=loc, field=".".join(str(p) for p in loc) or "(body)",
                              msg=str(e["msg"]).removeprefix("Value error, "), type=e["type"]))
    return out
