"""Each screening rule with a positive and a negative case (small hand-built statements)."""

from tests.unit.tools.txn_helpers import regular_trade, tx
from tools.txn.chain import ChainPlausibility
from tools.txn.flags import ScreeningParams
from tools.txn.rules.amount import round_amounts, structuring
from tools.txn.rules.flow import circular_flows, established, fan_in, fan_out, pass_through
from tools.txn.rules.time import dormancy_burst, seasonality_mismatch
from tools.txn.screening import implausible_counterparties, screen_transactions

P = ScreeningParams()


# --- structuring -----------------------------------------------------------------------------------
def test_structuring_flags_cash_just_under_threshold():
    txns = regular_trade(60) + [tx(30, 48_000, "in", "张三", "cash"), tx(31, 49_500, "in", "张三", "cash"),
                                tx(33, 46_000, "in", "张三", "cash")]
    flags = structuring(txns, P)
    assert len(flags) == 1
    f = flags[0]
    assert f.typology == "structuring" and f.rule_id == "TS05" and len(f.evidence) == 3
    assert f.evidence[0].amount == 48_000 and "5.00万元" in f.explanation


def test_structuring_ignores_spread_out_or_out_of_band_amounts():
    spread = [tx(d, 48_000, "in", "张三", "cash") for d in (0, 10, 20)]
    over = [tx(d, 50_000, "in", "张三", "cash") for d in (0, 1, 2)]
    low = [tx(d, 30_000, "in", "张三", "cash") for d in (0, 1, 2)]
    transfers = [tx(d, 48_000, "in", "张三", "transfer") for d in (0, 1, 2)]  # 5万 is the *cash* threshold
    for txns in (spread, over, low, transfers):
        assert structuring(txns, P) == []


def test_structuring_transfer_threshold_is_a_parameter():
    txns = [tx(d, 1_900_000, "out", f"对手{d}") for d in (0, 1, 2)]
    assert structuring(txns, P) == []  # personal-account threshold 50万: far above, not "just under"
    assert len(structuring(txns, ScreeningParams(transfer_report_threshold=2_000_000))) == 1


# --- round amounts ---------------------------------------------------------------------------------
def test_round_amount_repetition_flagged():
    txns = regular_trade(60) + [tx(10 + 3 * k, 50_000, "out", f"对手{k % 2}", memo="往来款") for k in range(5)]
    flags = round_amounts(txns, P)
    assert len(flags) == 1 and flags[0].details["count"] == 5 and flags[0].details["amount"] == 50_000


def test_round_amount_ignores_routine_rent_and_few_repeats():
    rent = [tx(30 * k, 20_000, "out", "房东", memo="房租") for k in range(12)]
    weekly_rent_like = [tx(k, 20_000, "out", "房东", memo="租金") for k in range(6)]
    few = [tx(k, 50_000, "out", "对手") for k in range(3)]
    not_round = [tx(k, 50_010, "out", "对手") for k in range(6)]
    for txns in (rent, weekly_rent_like, few, not_round):
        assert round_amounts(txns, P) == []


# --- pass-through ----------------------------------------------------------------------------------
def test_pass_through_flags_same_day_in_and_out_to_other_parties():
    txns = regular_trade(90) + [tx(40, 400_000, "in", "壳公司甲"), tx(40, 250_000, "out", "乙"),
                                tx(40, 140_000, "out", "丙")]
    flags = pass_through(txns, P)
    assert len(flags) == 1
    assert {e.counterparty for e in flags[0].evidence} == {"壳公司甲", "乙", "丙"}
    assert flags[0].details["day_in"] == 400_000


def test_pass_through_not_for_back_to_back_trade_or_money_that_stays():
    base = regular_trade(90)
    # paying an established supplier the same day is normal trade
    trade = base + [tx(40, 400_000, "in", "客户0"), tx(40, 390_000, "out", "供应商0")]
    assert "供应商0" in established(trade)
    assert pass_through(trade, P) == []
    stays = base + [tx(40, 400_000, "in", "壳公司甲"), tx(40, 100_000, "out", "乙")]
    assert pass_through(stays, P) == []


# --- fan-in / fan-out ------------------------------------------------------------------------------
def test_fan_in_burst_of_new_payers():
    txns = regular_trade(90) + [tx(50 + k % 2, 3000 + 17 * k, "in", f"新人{k}") for k in range(12)]
    flags = fan_in(txns, P)
    assert len(flags) == 1 and flags[0].details["new_counterparties"] == 12
    assert fan_out(txns, P) == []


def test_fan_out_burst_and_quiet_account_negatives():
    txns = regular_trade(90) + [tx(50, 5000 + k, "out", f"收款人{k}") for k in range(10)]
    assert len(fan_out(txns, P)) == 1
    few = regular_trade(90) + [tx(50, 5000 + k, "out", f"收款人{k}") for k in range(5)]
    assert fan_out(few, P) == []
    # the same payees every month (payroll) are established, not "new"
    payroll = regular_trade(120) + [tx(30 * m, 6000 + k, "out", f"员工{k}", memo="工资") for m in range(4) for k in range(12)]
    assert fan_out(payroll, P) == []


# --- circular flows --------------------------------------------------------------------------------
def test_circular_direct_return_by_same_party():
    txns = regular_trade(90) + [tx(20, 300_000, "out", "关联公司"), tx(24, 296_500, "in", "关联公司")]
    flags = circular_flows(txns, P)
    assert len(flags) == 1 and flags[0].details["direct_returns"] == 1


def test_circular_repeated_loops_via_third_parties():
    loops = [tx(10, 500_000, "out", "壳A"), tx(13, 492_000, "in", "壳B"),
             tx(25, 501_000, "out", "壳C"), tx(29, 495_500, "in", "壳D")]
    flags = circular_flows(regular_trade(90) + loops, P)
    assert len(flags) == 1 and flags[0].details["cycles"] == 2


def test_circular_negatives():
    one_loop = [tx(10, 500_000, "out", "壳A"), tx(13, 492_000, "in", "壳B")]
    more_back = [tx(10, 500_000, "out", "壳A"), tx(13, 510_000, "in", "壳A")]  # back > out is no loop
    late = [tx(10, 500_000, "out", "壳A"), tx(40, 495_000, "in", "壳A")]
    cash = [tx(10, 300_000, "out", "老板", "cash"), tx(12, 299_000, "in", "老板", "cash")]
    for extra in (one_loop, more_back, late, cash):
        assert circular_flows(regular_trade(90) + extra, P) == []


# --- dormancy then burst ---------------------------------------------------------------------------
def _dormant(new_parties: bool = True):
    before = [tx(d, 10_000 + d, "in", f"客户{d % 3}") for d in range(0, 60, 3)]
    burst = [tx(150 + k % 5, 20_000 + k, "in" if k % 2 else "out", f"新{k}" if new_parties else f"客户{k % 3}")
             for k in range(12)]
    return before + burst


def test_dormancy_then_burst_flagged_when_not_off_season():
    flags = dormancy_burst(_dormant(), P, industry_index=[1.0] * 12)
    assert len(flags) == 1 and flags[0].details["gap_days"] >= 60 and flags[0].details["burst_txns"] == 12


def test_dormancy_excused_by_off_season_or_usual_pace():
    off = [1.6] * 12
    for m in (3, 4, 5, 6):  # index months Mar–Jun (0-based 2..5) low: the gap falls in the off-season
        off[m - 1] = 0.1
    assert dormancy_burst(_dormant(), P, industry_index=off) == []
    slow = [tx(d, 10_000, "in", f"客户{d % 3}") for d in range(0, 60, 3)] + [tx(150 + k, 1000, "in", f"客户{k % 3}") for k in range(4)]
    assert dormancy_burst(slow, P, industry_index=None) == []


# --- seasonality -----------------------------------------------------------------------------------
SEASON = [0.5, 0.5, 0.8, 1.0, 1.2, 1.4, 1.4, 1.2, 1.0, 1.0, 1.0, 1.0]


def _year(spike_month: int | None, factor: float = 4.0):
    txns = []
    for m in range(12):
        amount = 100_000 * SEASON[m] * (factor if m == spike_month else 1.0)
        for k in range(4):
            txns.append(tx(m * 30 + 3 + 5 * k, amount / 4, "in", f"客户{k}"))
    return txns


def test_seasonality_mismatch_flags_off_season_spike():
    flags = seasonality_mismatch(_year(1), P, SEASON)
    assert len(flags) == 1 and flags[0].details["month"].endswith("-02")
    assert seasonality_mismatch(_year(None), P, SEASON) == []


def test_seasonality_not_flagged_in_peak_month_or_without_index():
    assert seasonality_mismatch(_year(6), P, SEASON) == []  # a strong July is what the industry does
    assert seasonality_mismatch(_year(1), P, None) == []


# --- counterparty plausibility ---------------------------------------------------------------------
def _judge():
    table = {"紫菜": "laver", "眼镜零售": "optical_store", "镜片": "eyewear"}

    def resolve(text):
        return next((v for k, v in table.items() if k in text), None)

    dist = {("eyewear", "optical_store"): 1, ("eyewear", "laver"): 5}
    return ChainPlausibility("eyewear", resolve, lambda a, b: dist.get((a, b)))


def test_implausible_counterparty_flagged_with_distance():
    txns = regular_trade(60) + [tx(10, 80_000, "out", "某公司", counterparty_industry="紫菜养殖加工")]
    flags = implausible_counterparties(txns, P, _judge(), {"eyewear": "丹阳眼镜", "laver": "紫菜"})
    assert len(flags) == 1 and flags[0].details["distance"] == 5 and "紫菜" in flags[0].explanation


def test_plausible_unknown_or_name_only_counterparties_not_flagged():
    txns = [tx(1, 80_000, "in", "眼镜店", counterparty_industry="眼镜零售"),
            tx(2, 80_000, "in", "某公司", counterparty_scope="其他服务"),
            tx(3, 80_000, "in", "紫菜大王有限公司")]  # a name alone is never judged
    assert implausible_counterparties(txns, P, _judge()) == []


# --- orchestration ---------------------------------------------------------------------------------
def test_screen_reports_skipped_rules_and_folds_bursts_into_dormancy():
    before = [tx(d, 10_000 + d, "in", f"客户{d % 3}") for d in range(0, 60, 3)]
    burst = [tx(150 + k % 2, 8_000 + 13 * k, "in", f"新{k}") for k in range(14)]
    res = screen_transactions(before + burst)
    assert set(res.rules_skipped) == {"TS01", "TS09"}
    typs = [f.typology for f in res.flags]
    assert "dormancy_burst" in typs and "fan_in" not in typs
    dorm = next(f for f in res.flags if f.typology == "dormancy_burst")
    assert dorm.details.get("also_fan_in") == 14 and "快速归集" in dorm.explanation
    assert res.counts["dormancy_burst"] == 1 and sum(res.counts.values()) == len(res.flags)


def test_clean_regular_trade_raises_nothing():
    res = screen_transactions(regular_trade(360), industry_index=[1.0] * 12, judge=_judge())
    assert res.flags == []


# --- legitimate look-alikes (hard negatives) -------------------------------------------------------
def test_bond_refunded_in_full_is_not_a_loop():
    bond = [tx(10, 100_000, "out", "招标代理公司", memo="投标保证金"), tx(30, 100_000, "in", "招标代理公司", memo="保证金退回")]
    assert circular_flows(regular_trade(90) + bond, P) == []
    unlabelled = [tx(10, 100_000, "out", "招标代理公司"), tx(13, 99_000, "in", "招标代理公司")]
    assert len(circular_flows(regular_trade(90) + unlabelled, P)) == 1


def test_year_end_bonus_is_routine_not_round_amount_repetition():
    bonus = [tx(40, 10_000, "out", f"员工{k}", memo="年终奖") for k in range(8)]
    assert round_amounts(regular_trade(90) + bonus, P) == []


def test_deposit_refund_is_not_off_season_income():
    year = _year(None) + [tx(33, 300_000, "in", "招标代理公司", memo="保证金退回")]  # February, off-season
    assert seasonality_mismatch(year, P, SEASON) == []
