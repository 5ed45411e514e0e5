"""Account-specific look-ups for the customer-service bot, with ownership checks.

The bot never reads a customer id from a message: every function takes the session's customer id
(from the authenticated API key) and answers only from that customer's records. A reference in the
message (loan id, card tail) that belongs to someone else is refused as such, never looked up.

Records come from a JSON file (``{"customers": [{customer_id, accounts, loans, applications}]}``),
the adapter point for a core-banking connection; tools/data/cs_demo_accounts.json is a demo set.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from tools.cs.policy import DEFAULT_BANK_NAME


class Account(BaseModel):
    account_id: str
    kind: str  # 借记卡 / 对公基本户 …
    tail: str = Field(pattern=r"^\d{4}$")
    status: str
    balance: float


class Loan(BaseModel):
    loan_id: str
    product: str
    balance: float
    next_due_date: str
    next_due_amount: float
    status: str


class Application(BaseModel):
    application_id: str
    product: str
    submitted: str
    status: str


class CustomerRecords(BaseModel):
    customer_id: str
    accounts: list[Account] = Field(default_factory=list)
    loans: list[Loan] = Field(default_factory=list)
    applications: list[Application] = Field(default_factory=list)


class AccountAnswer(BaseModel):
    status: Literal["ok", "no_records", "not_found"]
    text: str = ""
    ref: str = ""


class AccountStore:
    """Read-only records by customer id (the whole file is small; loaded once)."""

    def __init__(self, customers: list[CustomerRecords]):
        self._by_id = {c.customer_id: c for c in customers}

    @classmethod
    def from_json(cls, path: Path) -> "AccountStore":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls([CustomerRecords.model_validate(c) for c in data.get("customers", [])])

    def records(self, customer_id: str) -> CustomerRecords | None:
        return self._by_id.get(customer_id)


def _money(v: float) -> str:
    return f"{v:,.2f}元"


def answer_account_query(store: AccountStore | None, customer_id: str, text: str,
                         slots: dict[str, str], bank: str = DEFAULT_BANK_NAME) -> AccountAnswer:
    """Answer from the caller's own records; refuse references to anyone else's. ``bank``: the bank
    whose App and statements are the reference (the bot's, cs_compliance ``bank_name``)."""
    recs = store.records(customer_id) if store is not None else None
    if recs is None:
        return AccountAnswer(status="no_records")
    loan_id = slots.get("loan_id")
    if loan_id:
        loan = next((l for l in recs.loans if l.loan_id == loan_id), None)
        if loan is None:  # someone else's or nonexistent: the same answer, never an existence oracle
            return AccountAnswer(status="not_found", ref="贷款")
        loans = [loan]
    else:
        loans = recs.loans
    tail = slots.get("card_tail")
    if tail and not any(a.tail == tail for a in recs.accounts):
        return AccountAnswer(status="not_found", ref="账户")
    lines: list[str] = []
    if any(k in text for k in ("进度", "审批", "批了", "批下来", "通过", "申请")) and recs.applications:
        lines += [f"您的{a.product}申请（{a.application_id}，{a.submitted}提交）当前状态：{a.status}。" for a in recs.applications]
    if any(k in text for k in ("余额", "多少钱")) and not any(k in text for k in ("贷款余额", "还剩", "欠")):
        accts = [a for a in recs.accounts if not tail or a.tail == tail]
        lines += [f"您尾号{a.tail}的{a.kind}（{a.status}）余额为{_money(a.balance)}。" for a in accts]
    if not lines or any(k in text for k in ("还", "欠", "到期", "贷款")):
        lines += [f"您的{l.product}（{l.loan_id}）剩余本金{_money(l.balance)}，下一期{l.next_due_date}应还{_money(l.next_due_amount)}，"
                  f"状态：{l.status}。" for l in loans]
    if not lines:
        return AccountAnswer(status="not_found", ref="相关账户或贷款")
    return AccountAnswer(status="ok", text="".join(dict.fromkeys(lines)) + f"以上信息以{bank}App和对账单为准。")
