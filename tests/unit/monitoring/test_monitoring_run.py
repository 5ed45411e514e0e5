"""Post-loan monitoring: the book, vectorised signals, levels, disposal, the run, decisions, backtests."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cli.monitor_cmds import booked_loan
from tools.monitoring import backtest, book as book_mod, disposal, signals, txn_screen
from tools.monitoring.book import LoanBook


def _flat_book(inflow_rows, segment="yangchenghu_crab", dpd_last=0, months=None):
    n, m = len(inflow_rows), len(inflow_rows[0])
    months = months or book_mod.month_range("2026-11", m)
    inflow = np.array(inflow_rows, dtype=float)
    return LoanBook(loans=pd.DataFrame({"loan_id": [f"T{i}" for i in range(n)], "segment": segment,
                                        "amount_wan": 50.0, "source": "test"}),
                    months=months, inflow=inflow, tax_revenue=inflow * 0.8,
                    dpd=np.zeros((n, m), dtype=np.int32) + np.eye(1, m, m - 1, dtype=np.int32) * dpd_last,
                    top_share=np.full((n, m), 0.2), chain_flags=np.zeros((n, m), dtype=np.int32))


def test_a_seasonal_trough_is_not_a_flow_drop_but_a_real_drop_is(corpus):
    season = {"yangchenghu_crab": corpus.industries["yangchenghu_crab"].meta.seasonality}
    factors = season["yangchenghu_crab"]
    months = book_mod.month_range("2027-02", 13)  # ends in the crab's off-season
    seasonal = [100 * factors[int(mo[5:]) - 1] for mo in months]
    dropped = seasonal[:-2] + [v * 0.3 for v in seasonal[-2:]]
    res = signals.compute(_flat_book([seasonal, dropped], months=months), season, set())
    assert res.flags["flow_drop"].tolist() == [False, True]
    assert res.level.tolist() == [0, 1]


def test_levels_points_and_disposal_overrides(corpus):
    season = {}
    book = _flat_book([[100] * 13] * 3, segment="danyang_eyewear")
    book.dpd[1, -1], book.dpd[2, -1] = 45, 95
    book.chain_flags[0, -1] = 2
    res = signals.compute(book, season, {"danyang_eyewear"})
    assert res.flags["industry_signal"].all()
    assert [signals.LEVELS[k] for k in res.level] == ["预警", "高危", "高危"]  # chain flag + industry; 45 d + industry; 95 d
    strategy = disposal.DisposalStrategy(version="t", default=disposal.LevelActions())
    actions = disposal.assign(res, book.loans["segment"].to_numpy(), book.dpd[:, -1], strategy, {})
    assert [disposal.ACTIONS[a] for a in actions] == ["转人工", "催收", "催收"]
    ev = signals.evidence(res, 1, book.months)
    assert [e["code"] for e in ev] == ["M02", "M05"] and "逾期 45 天" in ev[0]["evidence"]


def test_synthetic_book_signals_meet_the_goal_and_csv_round_trips(corpus):
    season = {k: d.meta.seasonality for k, d in corpus.industries.items()}
    book = book_mod.synthetic_book(2000, season, seed=3)
    res = signals.compute(txn_screen.screen_into(book, book.months[-1])[0], season, set())  # M06 from the statements
    for name, pr in backtest.per_signal(res, book.truth).items():
        assert pr.precision >= 0.9 and pr.recall >= 0.9, (name, pr)
    scores = backtest.against_default(res, book.default_later)
    assert scores["auc"] > 0.7
    again = book_mod.from_csv(book_mod.to_csv(book))
    assert again.months == book.months and np.allclose(again.inflow, book.inflow) and (again.dpd == book.dpd).all()


def test_book_csv_errors_name_the_field():
    good = book_mod.to_csv(_flat_book([[100] * 5] * 2, segment="danyang_eyewear"))
    lines = good.splitlines()
    with pytest.raises(book_mod.BookFileError, match="month"):
        book_mod.from_csv("\n".join(lines[:-1]))  # a loan missing its last month
    with pytest.raises(book_mod.BookFileError, match="inflow: 第 2 行"):
        book_mod.from_csv(good.replace(lines[1], lines[1].replace(",100.0,", ",abc,", 1)))
    with pytest.raises(book_mod.BookFileError, match="columns"):
        book_mod.from_csv("loan_id,segment\nx,y\n")


def test_run_stores_alerts_audits_and_takes_decisions(svc, tmp_path):
    book = svc.synthetic_book(500, "2026-11", seed=5)
    svc.save_book(book)
    with pytest.raises(ValueError, match="month"):
        svc.run("2027-05")
    res = svc.run("2026-11")
    alerts = 500 - res.summary.counts["正常"]
    assert res.summary.loans == 500 and sum(res.summary.counts.values()) == 500
    stored = svc.warnings(month="2026-11", limit=1000)
    assert len(stored) == 500 - res.summary.counts["正常"]
    top = stored[0]
    assert top.evidence and top.reasons == [e["code"] for e in top.evidence]
    earlier = svc.run("2026-09")  # only what was known then
    assert earlier.summary.month == "2026-09"
    alerts += 500 - earlier.summary.counts["正常"]
    row = svc.decide_warning("2026-11", top.loan_id, reviewer="staff:li", decision="override", action="转人工",
                             comment="客户电话 13812345678 已核实")
    assert row["action"] == "转人工" and "13812345678" not in row["comment"]
    with pytest.raises(KeyError):
        svc.decide_warning("2026-11", "NOPE", reviewer="staff:li", decision="accept", action=None, comment="ok")
    with pytest.raises(ValueError, match="action"):
        svc.decide_warning("2026-11", top.loan_id, reviewer="staff:li", decision="override", action="乱写", comment="ok")
    tl = svc.timeline(top.loan_id)
    assert len(tl["months"]) == 13 and tl["decisions"][0]["reviewer"] == "staff:li"
    audit = svc.context.audit
    assert audit.verify().ok and audit.verify().records == alerts + 3  # every alert, two runs, one decision


def test_taiwan_backtest_on_the_shared_set(shared_data):
    path = shared_data / "credit" / "taiwan_default" / "UCI_Credit_Card.csv"
    res = backtest.taiwan_backtest(path)
    assert res.rows == 30000 and len(res.by_cutoff) == 6
    last = res.by_cutoff[-1]
    assert last.warning.recall > last.naive_any_delay.recall and res.auc_points > 0.6


def test_approved_reviews_become_a_book():
    months = [{"month": f"2025-{m:02d}", "inflow_wan": 50.0 + m} for m in range(1, 13)]
    app = {"application_id": "A1", "bank_flow": {"months": months[::-1]}, "tax": {"declared_revenue_wan": 600.0}}
    ok = SimpleNamespace(decision="approve", industry={"industry_id": "danyang_eyewear"}, limit={"limit_wan": 80},
                         thread_id="t1")
    loan = booked_loan(app, ok)
    assert loan.months[0] == "2025-01" and loan.amount_wan == 80 and loan.annual_tax_revenue_wan == 600
    assert booked_loan(app, SimpleNamespace(**{**vars(ok), "decision": "decline"})) is None
    book = book_mod.from_booked([loan, loan.model_copy(update={"loan_id": "A2", "annual_tax_revenue_wan": None})])
    assert book.n == 2 and book.dpd.sum() == 0
    assert book.tax_revenue[0].sum() == pytest.approx(600.0) and np.allclose(book.tax_revenue[1], book.inflow[1])
    res = signals.compute(book, {}, set())
    assert not res.flags["tax_gap"].any()  # an annual figure raises no gap by construction
    with pytest.raises(book_mod.BookFileError, match="month: 贷款 A3"):
        book_mod.from_booked([loan, loan.model_copy(update={"loan_id": "A3", "months": loan.months[1:] + ["2026-01"]})])
    with pytest.raises(book_mod.BookFileError, match="loans"):
        book_mod.from_booked([])
