"""Self-service rate at a guaranteed precision (issue #13 part 3), on the UnionPay FAQ and the own CS eval set.

    PUHUI_DATA_DIR=/tmp/mine .venv/bin/python -m bench.cs_self_service [--sets unionpay,own] [--limit 1000]

For each set (method in eval/self_service.py): the questions are split seeded into a calibration and
a test half; the real bot (default settings: e5 + adapter, the shipped calibrated matcher) answers the
calibration half; the lowest verbatim threshold at which ≥ 95% (``--target``) of the verbatim answers
are the right standard question at 90% one-sided confidence (``--confidence``: the Clopper–Pearson lower
bound of their precision reaches the target) is chosen on the score the answer node compares with its threshold;
a bot with that threshold answers the test half, and its verbatim precision, self-service rate
(share answered verbatim), hand-off share (handed off or "not sure") and the share whose right
question was among the 「您是不是想问」 suggestions are printed, beside the shipped threshold replayed.

* ``unionpay``: 745 UnionPay 95516 standard questions + answers as the bot's FAQ (and its KB, the
  bench's index builder), the 1,000 user questions of ``bench.unionpay_faq``. Read in place from
  ``<shared data>/bank_qa/unionpay_faq``. The index is built once into ``<data_dir>/self_service``.
* ``own``: ``eval/datasets/customer_service.jsonl`` (172 cases) on the shipped corpus and its KB
  (``<data_dir>`` index; built first when missing).

Embeddings are cached in ``<data_dir>/embed_cache``: a re-run only pays for the turns.
"""

from __future__ import annotations

import argparse
import time

from bench._kb_common import SHARED_DATA
from core.services import Services
from core.settings import Settings
from eval.self_service import (
    CONFIDENCE,
    TARGET_PRECISION,
    BotFactory,
    choose_threshold,
    measured_figures,
    operating_point,
    own_questions,
    record_all,
    replay_agreement,
    split_halves,
    unionpay_corpus,
    unionpay_kb,
    unionpay_questions,
)
from eval.unionpay import CSV_PATH


def _progress(label: str):
    t0 = time.perf_counter()
    return lambda i, n: print(f"  {label}: {i}/{n} questions ({time.perf_counter() - t0:.0f}s)", flush=True)


def run_set(name: str, factory: BotFactory, questions, target: float, confidence: float) -> dict:
    cal, test = split_halves(questions)
    t0 = time.perf_counter()
    shipped = factory.bot()
    print(f"[{name}] bot built in {time.perf_counter() - t0:.1f}s (FAQ vectors; cached after the first run)")
    cal_records = record_all(shipped, cal, _progress(f"{name} calibration"))
    shipped.close()
    choice = choose_threshold(cal_records, target, confidence=confidence)
    observed = choose_threshold(cal_records, target, confidence=0.0)
    tuned = factory.bot(choice.threshold)
    test_records = record_all(tuned, test, _progress(f"{name} test"))
    tuned.close()
    default = factory.params.threshold
    return {"name": name, "cal": len(cal), "test": len(test), "choice": choice, "figures": measured_figures(test_records),
            "default": default, "default_cal": operating_point(cal_records, default),
            "default_test": operating_point(test_records, default),
            "agreement": replay_agreement(test_records, choice.threshold),
            "observed": observed, "observed_test": operating_point(test_records, observed.threshold)}


def print_table(rows: list[dict], target: float, confidence: float) -> None:
    print(f"\nSELF-SERVICE AT ≥{target:.0%} VERBATIM PRECISION, {confidence:.0%} CONFIDENCE (threshold chosen on the "
          "calibration half; test half answered by a bot with that threshold)")
    head = (f"{'set':9s} {'cal/test':>9s} {'threshold':>9s} {'cal prec':>8s} {'cal bound':>9s} {'cal self':>8s} │ {'precision':>9s} "
            f"{'self-service':>12s} {'hand-off':>8s} {'other':>6s} {'suggested':>9s} {'sugg. hit':>9s}")
    print(head)
    for r in rows:
        c, f = r["choice"], r["figures"]
        print(f"{r['name']:9s} {r['cal']:>4d}/{r['test']:<4d} {c.threshold:9.3f} {c.precision:8.3f} {c.lower_bound(confidence):9.3f} {c.self_service:8.3f} │ "
              f"{f['verbatim_precision']:9.3f} {f['self_service_rate']:12.3f} {f['handoff_share']:8.3f} "
              f"{f['other_answer_share']:6.3f} {f['suggested_share']:9.3f} {f['suggestion_hit']:9.3f}")
    print("\nthe observed share alone (confidence 0) would have chosen, replayed on the same test turns:")
    for r in rows:
        o, ot = r["observed"], r["observed_test"]
        print(f"{r['name']:9s} threshold {o.threshold:.3f} (calibration precision {o.precision:.3f}, lower bound "
              f"{o.lower_bound(confidence):.3f}): test precision {ot.precision:.3f} self-service {ot.self_service:.3f}")
    print("\nshipped threshold (bench/cs_calibrate.py, balanced accuracy), replayed on the same turns:")
    for r in rows:
        dc, dt = r["default_cal"], r["default_test"]
        print(f"{r['name']:9s} threshold {r['default']:.3f}: calibration precision {dc.precision:.3f} self-service "
              f"{dc.self_service:.3f}; test precision {dt.precision:.3f} self-service {dt.self_service:.3f}")
    print("\nreplayed decision at the chosen threshold = the bot's on the test half: "
          + "; ".join(f"{r['name']} {r['agreement']:.3f}" for r in rows))
    print("\nhand-off = not verbatim and handed off or 'not sure' (which offers the hand-off); other = grounded/account/chit-chat/refused; "
          "sugg. hit = share of the turns with suggestions whose right question was among them")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="unionpay,own", help="comma-separated: unionpay, own")
    ap.add_argument("--limit", type=int, default=1000, help="UnionPay user questions (after the seed-0 shuffle)")
    ap.add_argument("--target", type=float, default=TARGET_PRECISION, help="verbatim precision to guarantee")
    ap.add_argument("--confidence", type=float, default=CONFIDENCE, help="one-sided confidence of the guarantee, [0, 1)")
    args = ap.parse_args()
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = set(sets) - {"unionpay", "own"}
    if unknown:
        raise SystemExit(f"--sets: unknown set(s) {sorted(unknown)} (known: unionpay, own)")
    settings = Settings()
    services = Services(settings)
    embedder = services.embedder
    print(f"data dir {settings.data_dir} · embedder {embedder.model_id}")
    rows = []
    if "unionpay" in sets:
        csv_path = SHARED_DATA / CSV_PATH
        if not csv_path.is_file():
            raise SystemExit(f"shared data not found: {csv_path} (set PUHUI_SHARED_DATA_DIR)")
        t0 = time.perf_counter()
        kb = unionpay_kb(settings.data_dir / "self_service" / "unionpay", csv_path, embedder)
        print(f"[unionpay] KB index ready in {time.perf_counter() - t0:.1f}s")
        factory = BotFactory(unionpay_corpus(services.corpus, csv_path), embedder, kb)
        rows.append(run_set("unionpay", factory, unionpay_questions(csv_path, args.limit), args.target, args.confidence))
    if "own" in sets:
        kb = services.kb
        if not kb.is_built():
            t0 = time.perf_counter()
            print(f"[own] building the KB index in {settings.data_dir} …")
            kb.ingest(progress=True)
            print(f"[own] KB index built in {time.perf_counter() - t0:.1f}s")
        rows.append(run_set("own", BotFactory(services.corpus, embedder, kb), own_questions(), args.target, args.confidence))
    print_table(rows, args.target, args.confidence)


if __name__ == "__main__":
    main()
