"""Input validation with field-level errors: every bad field is named, nothing is computed on bad input.

Accepts ``{"enterprise": {...}, "transactions": [...]}`` or a flat enterprise object (optionally with
a ``transactions`` list), as people write it in a JSON file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from agents.chain_map.places import find_places
from agents.chain_map.schemas import ChainMapRequest
from tools.txn.transactions import FieldError, Transaction, parse_transactions


def _errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        out.append(FieldError(loc=f"{prefix}{loc}" if loc else prefix.rstrip(".") or "(request)", msg=msg))
    return out


def normalise_shape(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise TypeError("request must be a JSON object")
    if "enterprise" in raw:
        return dict(raw)
    data = dict(raw)
    txns = data.pop("transactions", None)
    return {"enterprise": data, "transactions": txns}


def validate_request(raw: Any, places: list[str]) -> tuple[ChainMapRequest | None, list[Transaction], list[FieldError]]:
    """(request, parsed transactions, errors). With any error the request is None."""
    try:
        shaped = normalise_shape(raw)
    except TypeError as exc:
        return None, [], [FieldError(loc="(request)", msg=str(exc))]
    txn_rows = shaped.get("transactions")
    errors: list[FieldError] = []
    request = None
    try:
        request = ChainMapRequest.model_validate({**shaped, "transactions": None})
    except ValidationError as exc:
        errors += _errors(exc)
    if txn_rows is not None and not isinstance(txn_rows, list):
        errors.append(FieldError(loc="transactions", msg="transactions must be a list of objects"))
        txn_rows = None
    txns, txn_errors = parse_transactions(txn_rows or [])
    errors += txn_errors
    ent = shaped.get("enterprise")
    loc = ent.get("location") if isinstance(ent, Mapping) else None
    if isinstance(loc, str) and loc.strip() and not find_places(loc, places):
        errors.append(FieldError(loc="enterprise.location",
                                 msg=f"无法识别的地区「{loc.strip()}」：请写省/市/县名称，如「镇江市丹阳市」"))
    if errors:
        return None, [], errors
    return request, txns, []
