"""``puhui monitor …``: the booked-loan book, the monthly post-loan monitoring run, alerts, staff
decisions and the backtests (issue #15)."""

from __future__ import annotations

import getpass
import json
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import typer
from rich.console import Console
from rich.table import Table

from agents.loan_review.service import InvalidApplication, LoanReviewService
from agents.monitoring.nodes import BookMissing
from agents.monitoring.schemas import check_month
from cli.industry_cmds import fail, read_text, service
from core.services import Services
from core.settings import Settings
from tools.monitoring import backtest, statements
from tools.monitoring.book import BookedLoan, BookFileError, from_booked, from_csv

console = Console()
err = Console(stderr=True)


def booked_loan(app: dict, result: Any) -> BookedLoan | None:
    """An approved review with a bank statement and a known segment, as a loan; else None."""
    months = (app.get("bank_flow") or {}).get("months") or []
    segment = (result.industry or {}).get("industry_id")
    if result.decision != "approve" or not months or not segment or not result.limit:
        return None
    months = sorted(months, key=lambda m: m["month"])
    annual = (app.get("tax") or {}).get("declared_revenue_wan") or (app.get("invoice") or {}).get("annual_invoice_wan")
    return BookedLoan(loan_id=app.get("application_id") or result.thread_id, segment=segment,
                      amount_wan=float(result.limit["limit_wan"]), months=[m["month"] for m in months],
                      inflow=[float(m["inflow_wan"]) for m in months], annual_tax_revenue_wan=annual)


def _month(month: str) -> str:
    try:
        return check_month(month)
    except ValueError as exc:
        fail(f"month: {exc}")
    return month


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    monitor = typer.Typer(help="贷后预警与处置。", no_args_is_help=True)
    book = typer.Typer(help="贷款台账（合成或 CSV 载入）", no_args_is_help=True)
    monitor.add_typer(book, name="book")
    app.add_typer(monitor, name="monitor")

    @book.command("generate")
    def generate(n: int = typer.Option(10_000, "--n", min=10, max=500_000), month: str = typer.Option("2026-11", "--month"),
                 seed: int = typer.Option(7, "--seed"), out: Path = typer.Option(None, "--out", help="另存 CSV")) -> None:
        """生成带种子的合成台账（13 个月流水、纳税、还款、事件）并设为当前台账。"""
        svc = service(get_settings)
        bk = svc.synthetic_book(n, _month(month), seed)
        path = svc.save_book(bk)
        if out:
            out.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        console.print(f"合成台账 {bk.n} 笔，{bk.months[0]}–{bk.months[-1]} → {path}")

    @book.command("load")
    def load(file: Path = typer.Argument(..., help="长表 CSV：loan_id,segment,amount_wan,source,month,inflow,…"),
             statements_file: Path = typer.Option(None, "--statements", help="银行流水 CSV：loan_id,txn_id,date,amount,"
                                                  "direction,channel,counterparty,memo（M06 交易筛查用）")) -> None:
        """载入真实台账 CSV（校验后原子替换当前台账）；可同时载入各笔贷款的银行流水。"""
        svc = service(get_settings)
        try:
            bk = from_csv(read_text(file))
            if statements_file is not None:
                bk.statements = statements.from_csv(read_text(statements_file), set(bk.loans["loan_id"]))
            path = svc.save_book(bk)
        except (BookFileError, statements.StatementFileError) as exc:
            fail(str(exc))
        extra = f"，流水 {len(bk.statements)} 笔" if bk.statements is not None else ""
        console.print(f"已载入 {bk.n} 笔{extra}，{bk.months[0]}–{bk.months[-1]} → {path}")

    @book.command("from-reviews")
    def from_reviews(file: Path = typer.Argument(..., help="JSONL：每行一份贷款申请（或评测用例 {input: 申请}）")) -> None:
        """把申请逐笔送贷款审查，批准的入账为新台账（申请的银行流水月份即入账前历史）。"""
        reviewer = LoanReviewService.from_services(Services(get_settings()))
        booked, skipped = [], Counter()
        for n, line in enumerate(read_text(file).splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                fail(f"line {n}: 不是 JSON（{exc.msg}）")
            app = obj.get("input", obj) if isinstance(obj, dict) else None
            if not isinstance(app, dict):
                fail(f"line {n}: 应为 JSON 对象")
            try:
                result = reviewer.review(app)
            except InvalidApplication:
                skipped["申请无效"] += 1
                continue
            except Exception as exc:  # one review failing must not lose the batch; counted and named
                err.print(f"line {n}: 审查出错（{type(exc).__name__}: {str(exc)[:80]}）")
                skipped["审查出错"] += 1
                continue
            loan = booked_loan(app, result)
            if loan is None:
                skipped["未批准或缺少流水/行业"] += 1
            else:
                booked.append(loan)
        try:
            bk = from_booked(booked)
            path = service(get_settings).save_book(bk)
        except BookFileError as exc:
            fail(str(exc))
        console.print(f"入账 {bk.n} 笔（{bk.months[0]}–{bk.months[-1]}）→ {path}；跳过："
                      + ("，".join(f"{k} {v}" for k, v in skipped.items()) or "无"))

    @monitor.command("run")
    def run(month: str = typer.Option(..., "--month", help="YYYY-MM")) -> None:
        """月度贷后监测：预警信号、等级、处置动作，写入预警表和审计链。"""
        try:
            res = service(get_settings).run(_month(month))
        except (BookMissing, ValueError) as exc:
            fail(str(exc))
        s = res.summary
        console.print(f"{s.month}：{s.loans} 笔，用时 {s.seconds:.2f} 秒，策略 {s.strategy_version}")
        console.print("等级：" + "，".join(f"{k} {v}" for k, v in s.counts.items()))
        console.print("处置：" + "，".join(f"{k} {v}" for k, v in res.by_action.items()))
        for line in res.industry_signals:
            console.print(f"行业信号：{line}", markup=False)

    @monitor.command("warnings")
    def warnings(month: str = typer.Option(None, "--month"), level: str = typer.Option(None, "--level"),
                 segment: str = typer.Option(None, "--segment"), limit: int = typer.Option(20, min=1, max=1000)) -> None:
        """预警清单（按分值从高到低）。"""
        table = Table("月份", "贷款", "行业", "等级", "处置", "原因", "证据")
        for w in service(get_settings).warnings(month=month and _month(month), level=level, segment=segment, limit=limit):
            table.add_row(w.month, w.loan_id, w.segment, w.level, w.action, ",".join(w.reasons),
                          "；".join(e["evidence"] for e in w.evidence))
        console.print(table)

    @monitor.command("decide")
    def decide(loan_id: str, month: str = typer.Option(..., "--month"),
               override: str = typer.Option(None, "--override", help="改为此处置动作；不给则接受系统建议"),
               comment: str = typer.Option(..., "--comment"), by: str = typer.Option(None, "--by")) -> None:
        """接受或改写一笔预警的处置动作（写入审计链）。"""
        if len(comment.strip()) < 2:
            fail("comment: 至少 2 个字")
        try:
            row = service(get_settings).decide_warning(_month(month), loan_id, reviewer=by or getpass.getuser(),
                                                       decision="override" if override else "accept", action=override,
                                                       comment=comment)
        except KeyError as exc:
            fail(str(exc.args[0]))
        except ValueError as exc:
            fail(str(exc))
        console.print(f"{loan_id} {row['month']}：{row['decision']} → {row['action']}")

    @monitor.command("backtest")
    def backtest_cmd(taiwan: Path = typer.Option(None, "--taiwan", help="UCI_Credit_Card.csv（默认共享数据目录）")) -> None:
        """台湾信用卡数据上的回测：预警+高危 vs 朴素「有逾期」规则的 P/R 与提前期。"""
        path = taiwan or get_settings().shared_data_dir / "credit" / "taiwan_default" / "UCI_Credit_Card.csv"
        if not path.exists():
            fail(f"taiwan: 找不到 {path}")
        res = backtest.taiwan_backtest(path)
        table = Table("月末", "预警+高危 P", "R", "高危 P", "R", "有逾期 P", "R")
        for r in res.by_cutoff:
            table.add_row(r.month, f"{r.warning.precision:.3f}", f"{r.warning.recall:.3f}", f"{r.high.precision:.3f}",
                          f"{r.high.recall:.3f}", f"{r.naive_any_delay.precision:.3f}", f"{r.naive_any_delay.recall:.3f}")
        console.print(table)
        console.print(f"违约率 {res.default_rate:.3f}；提前期（月）预警 {res.lead_months_warning:.2f} / 有逾期 "
                      f"{res.lead_months_naive:.2f}；9月分值 AUC {res.auc_points:.3f}")
