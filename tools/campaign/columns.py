"""The columns of a customer base (the bank's own or the generator's) and of a campaign history.

One table contract for the generator, the CSV/Parquet loader and every scoring step. Fact columns use
the names of ``kb.schema.FACTS`` so the products' eligibility rules and the credit policy's rules run on
them unchanged; the 12 monthly inflow columns are the flow summaries the propensity model reads.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["id", "text", "num", "int", "bool", "grade", "list"]

FLOW_COLUMNS: tuple[str, ...] = tuple(f"inflow_m{m:02d}" for m in range(1, 13))
GRADES = ("A", "B", "M", "C", "D")

#: column -> kind; every column is required in a loaded base (an unknown value may be empty only
#: where the kind allows it: text, grade and list columns).
POPULATION_COLUMNS: dict[str, Kind] = {
    "ent_id": "id",
    "name": "text",
    "scope": "text",
    "location": "text",
    "employee_count": "int",
    "years_operating": "num",
    "annual_revenue_wan": "num",
    "annual_tax_paid_wan": "num",
    "tax_credit_grade": "grade",
    "invoice_months_12m": "int",
    "annual_invoice_wan": "num",
    "monthly_inflow_wan": "num",
    "has_core_enterprise_orders": "bool",
    "is_agricultural": "bool",
    "has_cross_border_sales": "bool",
    "has_collateral": "bool",
    "has_guarantee": "bool",
    "owner_age": "int",
    "overdue_count_24m": "int",
    "max_overdue_days_24m": "int",
    "current_overdue": "bool",
    "inquiries_3m": "int",
    "inquiries_6m": "int",
    "debt_to_revenue": "num",
    "existing_products": "list",  # product ids held with us, "|"-separated
    **{c: "num" for c in FLOW_COLUMNS},
}
#: numeric columns that may not be negative
NON_NEGATIVE = tuple(c for c, k in POPULATION_COLUMNS.items() if k in ("num", "int"))

CHANNEL_NONE = "none"  # the no-contact control group in a history
HISTORY_COLUMNS: dict[str, Kind] = {
    "campaign_id": "text",
    "ent_id": "id",
    "product": "text",
    "channel": "text",  # a channel id, or "none" for the control group
    "contacted": "bool",
    "responded": "bool",
    "took": "bool",
    "defaulted": "bool",
}
