from tests.unit.tools.txn_helpers import regular_trade, tx
from tools.txn.tools import statement_tools


def _rows(txns):
    return [t.model_dump(mode="json") for t in txns]


def test_tools_wrap_profile_and_screening():
    profile, screen = statement_tools()
    rows = _rows(regular_trade(60) + [tx(30, 48_000, "in", "张三", "cash"), tx(31, 49_000, "in", "张三", "cash"),
                                      tx(32, 47_500, "in", "张三", "cash")])
    out = screen.invoke({"transactions": rows})
    assert [f["typology"] for f in out["flags"]] == ["structuring"] and set(out["rules_skipped"]) == {"TS01", "TS09"}
    prof = profile.invoke({"transactions": rows, "industry_seasonality": [1.0] * 12})
    assert prof["n_txn"] == len(rows) and prof["months"][0] == "2024-01"


def test_tools_return_field_errors():
    _, screen = statement_tools()
    out = screen.invoke({"transactions": [{"date": "x", "amount": 1, "direction": "in", "counterparty": "a"}]})
    assert out["errors"][0]["loc"] == "transactions[0].date"
