"""M06 from real transaction screening: the book's statements, the column-wise pass that finds the
loans where the chain map's rules can fire, the rules' flags as alert evidence, one audit entry per alert."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tools.monitoring import backtest, book as book_mod, signals, statements, txn_screen
from tools.txn.flags import ScreeningParams


@pytest.fixture(scope="module")
def season(corpus):
    return {k: d.meta.seasonality for k, d in corpus.industries.items()}


def test_column_wise_screening_equals_the_rules_on_every_loan(season):
    book = book_mod.synthetic_book(400, season, seed=11)
    month = book.months[-1]
    found = txn_screen.screen_book(book.statements, book.loans["loan_id"].to_numpy(), month)
    p = ScreeningParams()
    by_loan = {lid: rows for lid, rows in book.statements.groupby("loan_id")}
    every = {lid: txn_screen.screen_loan(txn_screen.to_transactions(rows), p) for lid, rows in by_loan.items()}
    expected = {lid: f for lid, f in every.items() if f}
    assert set(found.flags) == set(expected) and expected  # the pre-pass loses no loan the rules would flag
    for lid, flags in expected.items():
        assert [(f.rule_id, f.explanation) for f in found.flags[lid]] == [(f.rule_id, f.explanation) for f in flags]
    ids = book.loans["loan_id"].to_numpy()
    assert found.counts.tolist() == [len(expected.get(lid, [])) for lid in ids]
    assert found.candidates < len(ids) / 2  # the rules ran on the candidates only


def test_screening_finds_the_injected_patterns_with_their_transactions(season):
    book = book_mod.synthetic_book(2000, season, seed=3)
    assert not book.chain_flags.any()  # the flag is no longer written into the book
    screened, found = txn_screen.screen_into(book, book.months[-1])
    assert not book.chain_flags.any()  # the caller's book is untouched
    res = signals.compute(screened, season, set())
    pr = backtest.per_signal(res, book.truth)["chain_flag"]
    assert pr.precision >= 0.9 and pr.recall >= 0.9, pr
    lid = next(iter(found.flags))
    ev = found.evidence(lid)
    assert ev[0]["rule_id"] in ("TS05", "TS06") and ev[0]["transactions"]
    txn = ev[0]["transactions"][0]
    mine = book.statements[book.statements["loan_id"] == lid]
    assert txn["id"] in set(mine["txn_id"]) and {"date", "amount", "counterparty", "channel"} <= set(txn)


def test_a_structuring_pattern_in_a_hand_written_statement():
    rows = [("A1", f"t{i}", f"2026-11-0{i + 1}", 48_000 + i, "in", "cash", f"张{i}", "现金存入") for i in range(4)]
    rows += [("A2", "u1", "2026-11-02", 48_000, "in", "cash", "李", "现金存入"),
             ("A2", "u2", "2026-11-20", 48_500, "in", "cash", "李", "现金存入"),
             ("A2", "u3", "2026-11-28", 49_000, "in", "cash", "李", "现金存入"),  # 3 in 26 days: not within 7
             ("A2", "u4", "2026-11-05", 30_000, "out", "transfer", "房东", "房租")]
    st = statements.from_csv(pd.DataFrame(rows, columns=statements.COLUMNS).to_csv(index=False))
    found = txn_screen.screen_book(st, np.array(["A1", "A2", "A3"]), "2026-11")
    assert found.counts.tolist() == [1, 0, 0]
    assert found.flags["A1"][0].rule_id == "TS05" and len(found.evidence("A1")[0]["transactions"]) == 4
    assert txn_screen.screen_book(st, np.array(["A1"]), "2026-10").counts.tolist() == [0]  # another month
    clean = st[st["loan_id"] == "A2"]  # statements where no rule can fire: no candidate, no flag
    assert txn_screen.screen_book(clean, np.array(["A2"]), "2026-11").counts.tolist() == [0]


def test_a_month_the_statements_do_not_cover_keeps_the_imported_column(season):
    book = book_mod.synthetic_book(50, season, seed=2)
    book.chain_flags[0, -2] = 2  # imported for the month before the statements
    earlier = book_mod.LoanBook(**{**vars(book), "months": book.months[:-1], "chain_flags": book.chain_flags[:, :-1]})
    same, found = txn_screen.screen_into(earlier, book.months[-2])
    assert found is None and same.chain_flags[0, -1] == 2


def test_statement_file_errors_name_the_field(season):
    book = book_mod.synthetic_book(20, season, seed=1)
    text = statements.to_csv(book.statements)
    again = statements.from_csv(text, set(book.loans["loan_id"]))
    assert len(again) == len(book.statements) and np.allclose(again["amount"], book.statements["amount"])
    lines = text.splitlines()
    with pytest.raises(statements.StatementFileError, match="amount: 第 2 行"):
        statements.from_csv("\n".join([lines[0], lines[1].replace(lines[1].split(",")[3], "abc", 1)]))
    with pytest.raises(statements.StatementFileError, match="columns"):
        statements.from_csv("loan_id,date\nx,2026-11-01\n")
    with pytest.raises(statements.StatementFileError, match="loan_id"):
        statements.from_csv(text, {"L000000"})


def test_run_audits_every_alert_with_its_screening_evidence(svc):
    book = svc.synthetic_book(600, "2026-11", seed=5)
    svc.save_book(book)
    assert svc.context.statements_path.exists()
    res = svc.run("2026-11")
    alerts = svc.warnings(month="2026-11", limit=1000)
    flagged = [w for w in alerts if "M06" in w.reasons]
    assert flagged and res.summary.loans == 600  # (a stored book has no ground truth: P/R is tested above)
    m06 = next(e for e in flagged[0].evidence if e["code"] == "M06")
    assert m06["flags"][0]["transactions"] and m06["flags"][0]["rule_id"] in m06["evidence"]
    audit = svc.context.audit
    rows = audit.records("monitor-2026-11")
    per_alert = [r for r in rows if r["event"] == "monitor_alert"]
    assert len(per_alert) == len(alerts) and rows[-1]["event"] == "monitored"
    entry = next(r for r in per_alert if r["application_id"] == flagged[0].loan_id)
    assert entry["decision"] == flagged[0].action and entry["rule_hits"] == flagged[0].reasons
    assert entry["reasons"][0] == f"等级：{flagged[0].level}" and entry["score"] == flagged[0].points
    assert audit.verify().ok
    tl = svc.timeline(flagged[0].loan_id)
    assert tl["months"][-1]["chain_flags"] == len(m06["flags"]) >= 1  # the screened month shows what was found
    svc.save_book(book_mod.from_csv(book_mod.to_csv(book)))  # a book without statements drops the old ones
    assert not svc.context.statements_path.exists()
