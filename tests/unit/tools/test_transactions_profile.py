import pytest

from tests.unit.tools.txn_helpers import tx
from tools.txn.profile import compute_profile, concentration, month_range, pearson, seasonality_correlation


def test_monthly_sums_tickets_and_behaviour():
    txns = [tx(0, 100, "in", "a"), tx(1, 300, "in", "b"), tx(35, 50, "out", "房东", memo="房租"),
            tx(40, 200, "in", "a"), tx(70, 10, "out", "税务局", memo="增值税")]
    p = compute_profile(txns)
    assert p.months == ["2024-01", "2024-02", "2024-03"]
    assert p.monthly_inflow == [400, 200, 0] and p.monthly_outflow == [0, 50, 10]
    assert p.total_inflow == 600 and p.avg_ticket_in == 200 and p.active_months == 3
    assert p.behaviour_months["rent"] == 1 and p.behaviour_months["tax"] == 1 and p.behaviour_months["payroll"] == 0
    assert p.counterparties_in == 2 and p.top_counterparties[0].counterparty == "a"


def test_concentration_hhi_and_top5():
    hhi, top5 = concentration({"a": 50, "b": 50})
    assert hhi == 0.5 and top5 == 1.0
    hhi, top5 = concentration({str(k): 1 for k in range(10)})
    assert hhi == pytest.approx(0.1) and top5 == 0.5
    assert concentration({}) == (None, None)


def test_seasonality_correlation_follows_the_index():
    index = [0.5, 0.6, 0.8, 1.0, 1.2, 1.4, 1.5, 1.3, 1.1, 0.9, 0.9, 0.8]
    months = month_range(*[__import__("datetime").date(2024, m, 1) for m in (1, 12)])
    assert seasonality_correlation(months, [x * 1000 for x in index], index) == pytest.approx(1.0)
    assert seasonality_correlation(months, [x * -1000 + 5000 for x in index], index) == pytest.approx(-1.0)
    assert seasonality_correlation(months[:3], [1, 2, 3], index) is None  # too few months
    assert pearson([1, 1, 1], [1, 2, 3]) is None


def test_chain_consistent_share_uses_the_plausibility_callable():
    txns = [tx(0, 100, "in", "好客户", counterparty_industry="ok"), tx(1, 300, "in", "怪客户", counterparty_industry="bad"),
            tx(2, 600, "in", "未知")]
    verdict = {"ok": True, "bad": False}
    p = compute_profile(txns, plausible=lambda t: verdict.get(t.counterparty_industry))
    assert p.chain_consistent_share == 0.25  # 100 of the 400 linked
    assert p.chain_linked_share == 0.4
    assert compute_profile(txns).chain_consistent_share is None


def test_empty_statement_profile():
    p = compute_profile([])
    assert p.n_txn == 0 and p.months == [] and p.hhi_in is None


def test_partial_last_month_does_not_read_as_a_slump():
    from tools.txn.profile import full_months

    txns = [tx(30 * m + 2, 10_000, "in", "a") for m in range(8)] + [tx(30 * m + 20, 10_000, "in", "a") for m in range(8)]
    txns.append(tx(243, 500, "in", "a"))  # 2024-08-31 → September not reached; then a stub month:
    txns.append(tx(245, 500, "in", "a"))  # 2024-09-02: the statement ends on the 2nd
    p = compute_profile(txns)
    assert p.months[-1] == "2024-09" and p.trend_3m is not None and p.trend_3m > 0.8
    assert full_months(__import__("datetime").date(2024, 1, 9), __import__("datetime").date(2024, 3, 31), [1, 2, 3]) == [2, 3]
