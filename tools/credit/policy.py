"""Hard credit-policy rules, read from the credit policy document and evaluated on application facts.

The policy lives in ``kb/corpus/policies/credit_policy.md`` (front matter = machine-readable rules,
body = the same rules explained in Chinese), so the rule a reviewer reads and the rule the code runs
are one text. A ``Rule`` states the *requirement* (``owner_age between [18, 65]``); a hit is a rule
whose requirement is not met, reported with its id and a plain-language reason including the actual
value. Three rule sets:

- ``hard_rules``: any hit declines.
- ``prudent_rules``: extra hard rules for industries whose access level is 审慎.
- ``refer_rules``: a hit sends the application to a human reviewer (never a decline by itself).

Product eligibility (from the product's ``ProductDoc.eligibility``) and the product's tenor and
minimum amount are checked as hard rules too. A fact that is missing makes a product rule fail (the
applicant cannot show eligibility) but skips a policy rule (policy rules on optional data, such as the
tax grade, only bite when the data is there); skipped rules are listed as notes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kb.schema import FACTS, AccessLevel, PolicyDoc, ProductDoc, Rule

Severity = Literal["decline", "refer"]


class LimitGrid(BaseModel):
    model_config = ConfigDict(extra="forbid")
    flow_multiple_by_band: dict[str, float] = Field(description="limit ≤ monthly inflow × multiple")
    revenue_multiple_by_band: dict[str, float] = Field(description="total debt ≤ verified revenue × multiple")
    secured_uplift: float = Field(ge=1, description="capacity multiplier when collateral or a guarantee backs it")
    access_multiplier: dict[AccessLevel, float]
    industry_typical_multiple: float = Field(gt=0)
    single_borrower_cap_wan: float = Field(gt=0)
    collateral_ltv: dict[str, float]
    rounding_wan: float = Field(gt=0)
    min_offer_wan: float = Field(ge=0, description="below this the limit is not worth granting")


class PricingGrid(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_rate_pct: dict[str, list[float]] = Field(description="band -> rate for industry risk grade 1..5")
    adjustments_pct: dict[str, float]
    floor_pct: float
    cap_pct: float

    @field_validator("base_rate_pct")
    @classmethod
    def _five(cls, grid: dict[str, list[float]]) -> dict[str, list[float]]:
        for band, rates in grid.items():
            if len(rates) != 5:
                raise ValueError(f"band {band}: need 5 rates (risk grade 1..5)")
        return grid


class CreditPolicy(BaseModel):
    """The credit policy's machine-readable sections (validated beyond the PolicyDoc envelope)."""

    model_config = ConfigDict(extra="ignore")
    id: str
    name: str
    version: str
    industry_access: dict[str, AccessLevel]
    default_access: AccessLevel
    hard_rules: list[Rule]
    prudent_rules: list[Rule]
    refer_rules: list[Rule]
    score_bands: dict[str, float] = Field(description="band -> minimum score")
    decline_bands: list[str]
    refer_bands: list[str]
    limit_grid: LimitGrid
    pricing_grid: PricingGrid

    @model_validator(mode="after")
    def _ids(self) -> "CreditPolicy":
        ids = [r.id for r in self.hard_rules + self.prudent_rules + self.refer_rules]
        if any(not i for i in ids):
            raise ValueError("every credit policy rule needs an id")
        if len(set(ids)) != len(ids):
            raise ValueError("credit policy rule ids must be unique")
        bands = set(self.score_bands)
        for name, grid in (("limit_grid.flow_multiple_by_band", self.limit_grid.flow_multiple_by_band),
                           ("limit_grid.revenue_multiple_by_band", self.limit_grid.revenue_multiple_by_band),
                           ("pricing_grid", self.pricing_grid.base_rate_pct)):
            if set(grid) != bands:
                raise ValueError(f"{name} bands {sorted(grid)} != score_bands {sorted(bands)}")
        return self

    @classmethod
    def from_doc(cls, doc: PolicyDoc) -> "CreditPolicy":
        return cls.model_validate(doc.model_dump())

    def access_of(self, industry_id: str | None) -> AccessLevel:
        return self.industry_access.get(industry_id or "", self.default_access)

    def band_of(self, score: float) -> str:
        for band, minimum in sorted(self.score_bands.items(), key=lambda kv: -kv[1]):
            if score >= minimum:
                return band
        return min(self.score_bands, key=self.score_bands.get)


class RuleHit(BaseModel):
    rule_id: str
    source: str  # policy | prudent | product:<id>
    severity: Severity
    fact: str
    fact_label: str
    requirement: str
    actual: Any
    reason: str


class PolicyResult(BaseModel):
    access: AccessLevel
    hits: list[RuleHit] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    rules_checked: int = 0

    @property
    def declines(self) -> list[RuleHit]:
        return [h for h in self.hits if h.severity == "decline"]

    @property
    def refers(self) -> list[RuleHit]:
        return [h for h in self.hits if h.severity == "refer"]


def check(rule: Rule, actual: Any) -> bool:
    """True when the fact meets the rule's requirement."""
    op, v = rule.op, rule.value
    if op == "is_true":
        return bool(actual) is True
    if op == "is_false":
        return bool(actual) is False
    if op == "in":
        return actual in v
    if op == "not_in":
        return actual not in v
    if op == "between":
        lo, hi = v
        return lo <= actual <= hi
    return {">=": actual >= v, "<=": actual <= v, ">": actual > v, "<": actual < v,
            "==": actual == v, "!=": actual != v}[op]


def _shown(actual: Any) -> str:
    if isinstance(actual, bool):
        return "是" if actual else "否"
    if isinstance(actual, float):
        return f"{actual:.2f}".rstrip("0").rstrip(".")
    return str(actual)


def _evaluate(rules: list[Rule], facts: dict[str, Any], source: str, severity: Severity,
              missing_fails: bool, result: PolicyResult) -> None:
    for rule in rules:
        # product rules carry no ids in the product documents: name them product.fact (PRD_ prefix)
        rid = rule.id or f"PRD_{source.removeprefix('product:')}.{rule.fact}"
        result.rules_checked += 1
        actual = facts.get(rule.fact)
        label = FACTS[rule.fact]
        if actual is None:
            if missing_fails:
                result.hits.append(RuleHit(rule_id=rid, source=source, severity=severity, fact=rule.fact,
                                           fact_label=label, requirement=rule.text, actual=None,
                                           reason=f"未提供“{label}”，无法确认：{rule.text}"))
            else:
                result.notes.append(f"{rid}：未提供“{label}”，本条未校验（{rule.text}）")
            continue
        if not check(rule, actual):
            result.hits.append(RuleHit(rule_id=rid, source=source, severity=severity, fact=rule.fact,
                                       fact_label=label, requirement=rule.text, actual=actual,
                                       reason=f"{rule.text}（实际：{label}{_shown(actual)}）"))


def evaluate(policy: CreditPolicy, facts: dict[str, Any], product: ProductDoc | None = None) -> PolicyResult:
    """Evaluate every policy and product rule on the facts; return the hits with their reasons."""
    access = facts.get("industry_access") or policy.default_access
    result = PolicyResult(access=access)
    _evaluate(policy.hard_rules, facts, "policy", "decline", False, result)
    if access == "审慎":
        _evaluate(policy.prudent_rules, facts, "prudent", "decline", False, result)
    _evaluate(policy.refer_rules, facts, "policy", "refer", False, result)
    if product is not None:
        src = f"product:{product.id}"
        _evaluate(product.eligibility, facts, src, "decline", True, result)
        tenor, amount = facts.get("tenor_months"), facts.get("requested_amount_wan")
        if product.tenor_months and tenor is not None and not (
                product.tenor_months.min <= tenor <= product.tenor_months.max):
            result.hits.append(RuleHit(
                rule_id=f"PRD_TENOR_{product.id}", source=src, severity="decline", fact="tenor_months",
                fact_label=FACTS["tenor_months"], actual=tenor,
                requirement=f"{product.name}期限{product.tenor_months.min:g}-{product.tenor_months.max:g}个月",
                reason=f"申请期限{tenor}个月超出{product.name}的期限范围"
                       f"（{product.tenor_months.min:g}-{product.tenor_months.max:g}个月）"))
        if product.amount_wan and amount is not None and amount < product.amount_wan.min:
            result.hits.append(RuleHit(
                rule_id=f"PRD_AMOUNT_MIN_{product.id}", source=src, severity="decline",
                fact="requested_amount_wan", fact_label=FACTS["requested_amount_wan"], actual=amount,
                requirement=f"{product.name}起贷金额{product.amount_wan.min:g}万元",
                reason=f"申请金额{_shown(amount)}万元低于{product.name}起贷金额{product.amount_wan.min:g}万元"))
    return result
