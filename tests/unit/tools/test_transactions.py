import datetime as dt
import json

import pytest
from pydantic import ValidationError

from tools.txn.io import read_transactions_file, rows_from_text
from tools.txn.transactions import (
    Transaction,
    TxnRef,
    chronological,
    normalize_channel,
    parse_amount,
    parse_transactions,
)


def test_transaction_normalises_common_bank_conventions():
    t = Transaction.model_validate({"date": "2024年3月5日", "amount": "1,234.50", "direction": "贷",
                                    "counterparty": " 丹阳明瑞眼镜 ", "channel": "企业网银转账", "memo": ""})
    assert t.date == dt.date(2024, 3, 5) and t.amount == 1234.5 and t.direction == "in"
    assert t.counterparty == "丹阳明瑞眼镜" and t.channel == "transfer" and t.memo is None


@pytest.mark.parametrize("raw,channel", [("现金存入", "cash"), ("POS刷卡", "pos"), ("微信支付", "online"),
                                         ("银行承兑汇票", "bill"), ("网银", "transfer"), ("神秘通道", "other")])
def test_channel_keywords(raw, channel):
    assert normalize_channel(raw) == channel


def test_amount_forms():
    assert parse_amount("¥12,000元") == 12000
    assert parse_amount("1.5万") == 15000
    with pytest.raises(ValueError):
        parse_amount("十二块")


def test_amount_must_be_positive_and_direction_known():
    with pytest.raises(ValidationError) as err:
        Transaction(date="2024-01-01", amount=0, direction="sideways", counterparty="x")
    fields = {e["loc"][0] for e in err.value.errors()}
    assert fields == {"amount", "direction"}


def test_parse_reports_every_bad_field_by_row_and_keeps_good_rows():
    rows = [
        {"date": "2024-01-02", "amount": 100, "direction": "in", "counterparty": "a"},
        {"date": "2024-13-40", "amount": "abc", "direction": "in", "counterparty": "b"},
        {"date": "2024-01-03", "amount": 5, "direction": "out"},
        "not a row",
    ]
    good, errors = parse_transactions(rows)
    assert len(good) == 1
    locs = {e.loc for e in errors}
    assert {"transactions[1].date", "transactions[1].amount", "transactions[2].counterparty", "transactions[3]"} <= locs
    assert all(e.msg for e in errors)


def test_signed_amount_without_direction_sets_direction():
    good, errors = parse_transactions([{"date": "2024-01-02", "amount": "-3,000", "counterparty": "房东"},
                                       {"date": "2024-01-02", "amount": 800, "counterparty": "客户"}])
    assert not errors
    assert [(t.direction, t.amount) for t in good] == [("out", 3000.0), ("in", 800.0)]


def test_datetime_string_splits_time_and_orders_chronologically():
    good, _ = parse_transactions([
        {"date": "2024-01-02 15:00:00", "amount": 1, "direction": "in", "counterparty": "b"},
        {"date": "2024-01-02T09:30:00", "time": "09:30", "amount": 1, "direction": "in", "counterparty": "a"},
        {"date": "2024-01-01", "amount": 1, "direction": "in", "counterparty": "c"},
    ])
    assert [good[i].counterparty for i in chronological(good)] == ["c", "a", "b"]
    ref = TxnRef.of(2, good[2])
    assert ref.index == 2 and ref.counterparty == "c"


def test_csv_with_chinese_headers_and_gbk(tmp_path):
    text = "交易日期,金额,收支,对方户名,对方行业,交易渠道,摘要\n2024-02-01,5000,收入,甲商行,眼镜零售,转账,货款\n"
    path = tmp_path / "s.csv"
    path.write_bytes(text.encode("gb18030"))
    good, errors = read_transactions_file(path)
    assert not errors
    assert good[0].counterparty_industry == "眼镜零售" and good[0].direction == "in" and good[0].memo == "货款"


def test_json_file_and_unreadable_file(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"transactions": [{"日期": "2024-02-01", "金额": 10, "方向": "支出", "对方户名": "x"}]}),
                    encoding="utf-8")
    good, errors = read_transactions_file(path)
    assert not errors and good[0].direction == "out"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    good, errors = read_transactions_file(bad)
    assert not good and errors[0].loc == "transactions" and "bad.json" in errors[0].msg
    with pytest.raises(ValueError):
        rows_from_text('"just a string"', "json")
