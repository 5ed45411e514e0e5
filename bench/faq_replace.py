"""Replace mode on a real bank's FAQ: the customer-service bot built on the UnionPay FAQ alone (issue #13).

    .venv/bin/python -m bench.faq_replace [--limit 300] [--synthetic 10000]

Writes the UnionPay 95516 FAQ's 745 standard questions and answers (read in place from
``<shared_data_dir>/bank_qa/unionpay_faq``) as a legacy Excel .xls workbook (xlwt), imports it with
the product's import (``kb.faq_import.import_faq``, timed) into a temporary corpus root, records replace
mode as ``puhui kb import-faq --replace`` does, and builds the bot the way the server builds it for that
data dir (``build_deps(corpus, faqs=scoped_faqs(data_dir))``: our compliance rules, the bank's FAQ;
lexical FAQ matcher, no model, no KB index — the verbatim path alone). Then it sends the first
``--limit`` user questions (all 4,017 shuffled with ``random.seed(0)``, as ``bench.bank_faq``) through the
bot graph, one session each, and prints the share answered verbatim, how many of those are the right
standard question, how many came from our FAQ (must be 0), and the p50 turn time.
``--synthetic N`` also times the import of a generated N-row .xls (10 categories).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from agents.customer_service.build import build_deps, scoped_faqs
from agents.customer_service.service import CsService
from bench._kb_common import SHARED_DATA
from core.settings import PROJECT_ROOT
from eval.unionpay import CSV_PATH, benchmark_order, load
from kb.corpus import load_corpus
from kb.faq_import import import_faq
from kb.faq_scope import after_import


def write_xls(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    import xlwt  # a test/bench dependency: the product only reads .xls

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("FAQ")
    for c, title in enumerate(("标准问题", "答案", "分类")):
        sheet.write(0, c, title)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


def timed_import(src: Path, root: Path, name: str):
    cpu, wall = time.process_time(), time.perf_counter()
    report = import_faq(src, root, name=name)
    return report, time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=300, help="user questions sent through the bot (after the seeded shuffle)")
    ap.add_argument("--synthetic", type=int, default=0, help="also time the import of a generated N-row .xls")
    args = ap.parse_args()
    path = SHARED_DATA / CSV_PATH
    if not path.is_file():
        raise SystemExit(f"shared data not found: {path}")
    rows, labels = load(path)
    work = Path(tempfile.mkdtemp(prefix="puhui-faq-replace-"))
    root, data_dir = work / "bank_corpus", work / "var"
    src = write_xls(work / "unionpay_faq.xls", [(r["label_std_question"], r["answer"], "常见问题") for r in labels.values()])
    report, cpu, wall = timed_import(src, root, "unionpay")
    print(f"import {src.name}: {report.rows} rows → {report.entries} entries, {len(report.invalid)} invalid, "
          f"{len(report.written)} files; {cpu:.2f} s CPU ({wall:.2f} s wall)")
    if args.synthetic:
        big = write_xls(work / "synthetic.xls", [(f"第{i}号问题：业务{i % 97}怎么办理", f"第{i}号答案：请携带身份证到网点办理业务{i}。",
                                                  f"类别{i % 10}") for i in range(args.synthetic)])
        r2, cpu2, wall2 = timed_import(big, work / "synthetic_corpus", "synthetic")
        again, cpu3, _ = timed_import(big, work / "synthetic_corpus", "synthetic")
        print(f"import synthetic.xls: {r2.rows} rows → {r2.entries} entries, {len(r2.written)} files; {cpu2:.2f} s CPU "
              f"({wall2:.2f} s wall); again: {len(again.written)} files written, {cpu3:.2f} s CPU")
    after_import(data_dir, report.name, Path(report.folder), src.name, report.entries, replace=True)
    faqs = scoped_faqs(data_dir)
    ours = load_corpus(PROJECT_ROOT / "kb" / "corpus")
    deps = build_deps(ours, faqs=faqs)
    question_of = {e.id: e.question for e in deps.matcher.entries}
    our_ids = {e.id for e in ours.faqs}
    rows = benchmark_order(rows)
    bot = CsService(deps, work / "checkpoints.sqlite")
    verbatim = right = from_ours = 0
    times = []
    try:
        for r in rows[:args.limit]:
            info, _ = bot.create_session("bench")
            t0 = time.perf_counter()
            reply = bot.send(info.id, "bench", r["question"]).reply
            times.append((time.perf_counter() - t0) * 1000)
            if reply.faq_id in our_ids or any(s.id in our_ids for s in reply.sources):
                from_ours += 1
            if reply.outcome == "faq":
                verbatim += 1
                right += question_of.get(reply.faq_id) == r["label_std_question"]
    finally:
        bot.close()
    n = len(times)
    print(f"bot in replace mode: {len(faqs or [])} FAQ entries (ours: {len(our_ids)} not loaded); {n} user questions")
    print(f"answered verbatim {verbatim}/{n} ({verbatim / max(n, 1):.3f}); right standard question {right}/{verbatim} "
          f"({right / max(verbatim, 1):.3f}); answered from our FAQ: {from_ours}; turn p50 {statistics.median(times):.0f} ms")


if __name__ == "__main__":
    main()
