"""A bank's FAQ in replace mode and its question log, ready for ``puhui kb calibrate`` (issue #13 parts 1+3).

    PUHUI_DATA_DIR=/tmp/kb-threshold-var .venv/bin/python -m bench.kb_calibrate [--limit 1000]
    PUHUI_DATA_DIR=/tmp/kb-threshold-var puhui kb calibrate --questions /tmp/kb-threshold-var/unionpay_log.jsonl

The first command does what a bank does before calibrating, on the UnionPay 95516 set (read in place from
``<shared_data_dir>/bank_qa/unionpay_faq``): its 745 standard questions and answers written as the
legacy .xls a bank exports (bench/faq_replace.py's writer), imported with the product's import into
``<data_dir>/bank_corpus`` and made the bot's only FAQ as ``puhui kb import-faq --replace`` does
(``<data_dir>/cs_faq_scope.json``; no ingest: the KB index is not needed for the verbatim path, and the
bot then runs without grounded answers), and its first ``--limit`` user questions (the seed-0 shuffle of
bench.unionpay_faq) written as the labelled log ``puhui search --queries`` reads
(``{"query", "expected": <standard question>}``). The second command is the product's: it splits the
log, chooses the threshold, prints the held-out figures beside the shipped threshold's, and stores it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench._kb_common import SHARED_DATA
from bench.faq_replace import timed_import, write_xls
from core.settings import Settings
from eval.kb_calibrate import write_log
from eval.unionpay import CSV_PATH, benchmark_order, load
from kb.faq_scope import after_import


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=1000, help="user questions in the log (after the seed-0 shuffle)")
    args = ap.parse_args()
    path = SHARED_DATA / CSV_PATH
    if not path.is_file():
        raise SystemExit(f"shared data not found: {path} (set PUHUI_SHARED_DATA_DIR)")
    data_dir = Settings().data_dir
    rows, labels = load(path)
    data_dir.mkdir(parents=True, exist_ok=True)
    src = write_xls(data_dir / "unionpay_faq.xls", [(r["label_std_question"], r["answer"], "常见问题") for r in labels.values()])
    report, cpu, _ = timed_import(src, data_dir / "bank_corpus", "unionpay")
    scope = after_import(data_dir, report.name, Path(report.folder), src.name, report.entries, replace=True)
    print(f"import {src.name}: {report.rows} rows → {report.entries} entries, {len(report.invalid)} invalid "
          f"({cpu:.2f} s CPU); replace mode: the bot answers from {scope.name!r} alone")
    rows = benchmark_order(rows)
    log = write_log(data_dir / "unionpay_log.jsonl", [(r["question"], r["label_std_question"]) for r in rows[:args.limit]])
    print(f"question log: {min(args.limit, len(rows))} labelled user questions → {log}")
    print(f"next: PUHUI_DATA_DIR={data_dir} puhui kb calibrate --questions {log}")


if __name__ == "__main__":
    main()
