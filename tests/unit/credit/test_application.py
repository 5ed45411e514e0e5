import pytest
from pydantic import ValidationError

from tools.credit.application import Application, field_errors


def _errors(raw) -> dict[str, str]:
    with pytest.raises(ValidationError) as exc:
        Application.model_validate(raw)
    return {e.field: e.msg for e in field_errors(exc.value)}


def test_valid_application_derives_age(raw_app):
    app = Application.model_validate(raw_app)
    assert app.owner_age == 45  # born 1980-04-12, applied 2025-06-20


def test_field_errors_name_each_field_without_echoing_values(raw_app):
    good = raw_app["owner"]["id_number"]
    raw_app["owner"]["id_number"] = good[:17] + ("1" if good[17] == "0" else "0")  # wrong check digit
    raw_app["owner"]["phone"] = "12345"
    raw_app["loan"]["requested_amount_wan"] = -1
    errs = _errors(raw_app)
    assert set(errs) == {"owner.id_number", "owner.phone", "loan.requested_amount_wan"}
    assert "12345" not in " ".join(errs.values())


def test_cross_field_checks(raw_app):
    raw_app["owner"]["credit_report"]["inquiries_6m"] = 0
    assert "owner.credit_report" in _errors(raw_app)
    raw_app["owner"]["credit_report"]["inquiries_6m"] = 2
    raw_app.pop("bank_flow")
    assert "bank_flow" in " ".join(_errors(raw_app).values())


def test_age_must_match_id(raw_app):
    raw_app["owner"]["age"] = 30
    assert any("出生日期" in m for m in _errors(raw_app).values())


def test_masked_copy_and_repr_hide_personal_data(raw_app):
    raw_app["loan"]["purpose"] = "联系人手机13812345678"
    app = Application.model_validate(raw_app)
    masked = str(app.masked())
    for secret in (app.owner.id_number, app.owner.phone, "13812345678", "王建国"):
        assert secret not in masked
    for secret in (app.owner.id_number, app.owner.phone, "王建国"):
        assert secret not in repr(app)  # the owner's fields are repr=False
    assert app.masked()["owner"]["id_number"].endswith(app.owner.id_number[-4:])


def test_input_hash_is_stable_and_sensitive(raw_app):
    a = Application.model_validate(raw_app)
    assert a.input_hash() == Application.model_validate(raw_app).input_hash()
    raw_app["loan"]["requested_amount_wan"] += 1
    assert Application.model_validate(raw_app).input_hash() != a.input_hash()


def test_raw_transactions_use_the_statement_model(eval_case):
    app = Application.model_validate(eval_case("approve_raw_transactions")["input"])
    assert app.bank_flow is None and len(app.transactions) == 48
    assert app.transactions[0].amount == 180000.0 and app.transactions[0].direction == "in"
