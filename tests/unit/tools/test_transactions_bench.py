"""The screening metric and the PaySim bench plumbing (tiny inputs; the real figures come from bench/)."""

from bench import paysim_rules
from eval.txn_metrics import matches, score


def test_match_needs_half_of_the_smaller_set():
    assert matches({"a", "b"}, {"a", "b", "c", "d"})
    assert not matches({"a", "x", "y", "z"}, {"a", "b", "c", "d"})
    assert not matches(set(), {"a"})


def test_score_counts_false_alarms_and_misses_per_typology():
    cases = [([("fan_in", {"1", "2"}), ("round_amount", {"9"})], [("fan_in", {"1", "2", "3"}), ("structuring", {"5"})])]
    s = score(cases, ["fan_in", "round_amount", "structuring"])
    assert (s["fan_in"].precision, s["fan_in"].recall) == (1.0, 1.0)
    assert s["round_amount"].precision == 0.0 and s["round_amount"].recall is None
    assert s["structuring"].recall == 0.0 and s["structuring"].precision is None


def test_paysim_bench_skips_without_data(tmp_path, capsys):
    assert paysim_rules.main(["--csv", str(tmp_path / "absent.csv")]) == 0
    assert "SKIP" in capsys.readouterr().out


def test_paysim_bench_runs_rules_on_account_histories(tmp_path, capsys):
    header = "step,type,amount,nameOrig,oldbalanceOrg,newbalanceOrig,nameDest,oldbalanceDest,newbalanceDest,isFraud,isFlaggedFraud\n"
    rows = [f"{24 * d},PAYMENT,{1000 + d}.0,C{d},0,0,M1,0,0,0.0,0.0\n" for d in range(1, 21)]  # ordinary days
    rows += ["601,TRANSFER,300000.0,C900,0,0,M1,0,0,1.0,0.0\n",  # in and straight out again: pass-through
             "602,TRANSFER,295000.0,M1,0,0,C901,0,0,1.0,0.0\n"]
    path = tmp_path / "p.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    assert paysim_rules.main(["--csv", str(path)]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("pass_through"))
    assert line.split()[1:4] == ["1", "2", "2"]  # one flag, two rows, both fraud
