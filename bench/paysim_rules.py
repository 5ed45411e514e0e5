"""Apply the generic screening rules to the real PaySim sample and report precision/recall honestly.

PaySim is a mobile-money simulator (not Chinese SMEs, not CNY): this checks that the generic rules
(pass-through, fan-in/out, splitting under thresholds, round amounts, dormancy) behave sanely on data
they were not built on. Nothing is tuned to it — the thresholds are the defaults set on synthetic
seeds 0–9, applied as if amounts were 元. Each account's history is built from the rows where it is the
sender (out) or the receiver (in); a row is *predicted suspicious* when any flag on either party's
history cites it; the label is PaySim's ``isFraud``.

    .venv/bin/python -m bench.paysim_rules [--csv PATH]

Skips with a message (exit 0) when the file is absent.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import time
from collections import defaultdict
from pathlib import Path

from tools.txn.flags import Flag, ScreeningParams
from tools.txn.rules.amount import round_amounts, structuring
from tools.txn.rules.flow import fan_in, fan_out, pass_through
from tools.txn.rules.time import dormancy_burst
from tools.txn.transactions import Transaction

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "fraud" / "paysim_sample" / "paysim_sample.csv"
CHANNEL = {"CASH_IN": "cash", "CASH_OUT": "cash", "TRANSFER": "transfer", "PAYMENT": "pos", "DEBIT": "transfer"}
RULES = {"pass_through": pass_through, "fan_in": fan_in, "fan_out": fan_out, "structuring": structuring,
         "round_amount": round_amounts, "dormancy_burst": lambda t, p: dormancy_burst(t, p, None)}
BASE = dt.datetime(2024, 1, 1)


def load(path: Path) -> tuple[list[dict], dict[str, list[tuple[int, Transaction]]]]:
    """Rows, and per account its (row number, transaction) list as seen from that account."""
    rows, by_acct = [], defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for k, r in enumerate(csv.DictReader(fh)):
            amount = float(r["amount"])
            rows.append({"fraud": float(r["isFraud"]) == 1.0, "type": r["type"]})
            if amount <= 0:
                continue
            when = BASE + dt.timedelta(hours=int(r["step"]))
            for acct, direction, other in ((r["nameOrig"], "out", r["nameDest"]), (r["nameDest"], "in", r["nameOrig"])):
                by_acct[acct].append((k, Transaction(id=str(k), date=when.date(), time=when.time(), amount=amount,
                                                     direction=direction, counterparty=other,
                                                     channel=CHANNEL.get(r["type"], "other"))))
    return rows, by_acct


def _steps(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [r["step"] for r in csv.DictReader(fh)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="generic screening rules on PaySim")
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    args = ap.parse_args(argv)
    if not args.csv.exists():
        print(f"SKIP: PaySim sample not found at {args.csv} (see ../shared/data/fraud/PROVENANCE.txt)")
        return 0
    t0 = time.perf_counter()
    rows, by_acct = load(args.csv)
    hit: dict[str, set[int]] = defaultdict(set)
    n_flags: dict[str, int] = defaultdict(int)
    multi = {a: h for a, h in by_acct.items() if len(h) >= 2}  # a single row cannot form a pattern
    for acct, hist in multi.items():
        txns = [t for _, t in hist]
        params = ScreeningParams(transfer_report_threshold=2_000_000.0 if acct.startswith("M") else 500_000.0)
        for name, rule in RULES.items():
            flags: list[Flag] = rule(txns, params)
            n_flags[name] += len(flags)
            for f in flags:
                hit[name].update(hist[e.index][0] for e in f.evidence)
    fraud = {k for k, r in enumerate(rows) if r["fraud"]}
    print(f"PaySim sample: {len(rows)} rows, {len(fraud)} fraud ({len(fraud) / len(rows):.1%}); "
          f"{len(by_acct)} accounts, {len(multi)} with ≥ 2 rows")
    sizes = sorted((len(h) for h in by_acct.values()), reverse=True)
    both = sum(1 for h in multi.values() if {t.direction for _, t in h} == {"in", "out"})
    span_h = max(int(r) for r in _steps(args.csv)) - min(int(r) for r in _steps(args.csv))
    print(f"rows per account: max {sizes[0]}, accounts with ≥ 8 rows (the fan-in minimum) {sum(s >= 8 for s in sizes)}; "
          f"accounts with both in- and outflows {both}; time span {span_h} hours (dormancy needs ≥ 60 days)")
    reachable = {k for h in multi.values() for k, _ in h}
    print(f"rows on a multi-row account (the most any history rule can see): {len(reachable)}, "
          f"of which fraud {len(reachable & fraud)} (recall ceiling {len(reachable & fraud) / len(fraud):.3f})")
    print(f"{'rule':16s} {'flags':>6s} {'rows':>6s} {'fraud':>6s} {'precision':>9s} {'recall':>7s}")
    everything: set[int] = set()
    for name in RULES:
        rows_hit = hit[name]
        everything |= rows_hit
        tp = len(rows_hit & fraud)
        prec = f"{tp / len(rows_hit):.3f}" if rows_hit else "-"
        print(f"{name:16s} {n_flags[name]:6d} {len(rows_hit):6d} {tp:6d} {prec:>9s} {tp / len(fraud):7.3f}")
    tp = len(everything & fraud)
    prec = f"{tp / len(everything):.3f}" if everything else "-"
    print(f"{'any rule':16s} {sum(n_flags.values()):6d} {len(everything):6d} {tp:6d} {prec:>9s} {tp / len(fraud):7.3f}")
    print(f"base rate (precision of flagging every row): {len(fraud) / len(rows):.3f}; "
          f"elapsed {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
