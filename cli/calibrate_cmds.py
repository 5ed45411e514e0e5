"""``puhui kb calibrate --questions LOG.jsonl``: the verbatim threshold for this FAQ, from the bank's own questions.

Issue #13 parts 1+3. The shipped threshold (0.26 with e5) was calibrated on our FAQ; on a bank's FAQ
in replace mode only ~57–60% of its verbatim answers are right. This command runs the self-service
method (eval/kb_calibrate.py → eval/self_service.py) on the FAQ the bot answers from now (the
replace-mode import, or every FAQ entry) and the bank's labelled log, prints the held-out figures, and
stores the threshold with the scope's fingerprint in ``<data_dir>/cs_threshold.json``
(kb/faq_threshold.py); the bot built afterwards (``puhui chat``, ``puhui serve`` after a restart) uses it.
Bad input — missing file, no rows, a row whose ``expected`` names no entry — exits 2 and writes nothing.
The calibration bot runs without the LLM (the verbatim decision is the matcher's, not the model's).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import typer
from rich.console import Console

from agents.customer_service.build import embedder_or_none
from cli.kb_cmds import short_path
from core.services import Services
from core.settings import Settings
from eval.kb_calibrate import calibrate_and_store, current_faq, read_log
from eval.self_service import CONFIDENCE, NEVER
from kb.faq_threshold import threshold_path, threshold_status

console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]错误[/red] {message}", soft_wrap=True)
    raise typer.Exit(code)


def services_of(settings: Settings) -> Services:
    """The services the command builds the bot from (a seam for tests, as ``kb_cmds.kb_of``)."""
    return Services(settings)


def register(kb_app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    @kb_app.command("calibrate")
    def calibrate_cmd(
        questions: Path = typer.Option(..., "--questions", help="Labelled question log, JSONL "
                                       "{query, expected: standard question or faq id} (as `puhui search --queries`)"),
        precision: float = typer.Option(0.95, "--precision", help="Target share of right verbatim answers, in (0, 1]"),
        seed: int = typer.Option(0, "--seed", help="Seed of the calibration/test split"),
        confidence: float = typer.Option(CONFIDENCE, "--confidence", help="One-sided confidence that the precision "
                                         "is ≥ the target (Clopper–Pearson bound), in [0, 1); 0 = the observed share"),
    ) -> None:
        """Choose the verbatim threshold for the current FAQ at a target precision and store it."""
        if not questions.is_file():
            _fail(f"--questions: 文件不存在：{questions}")
        if not 0.0 < precision <= 1.0:
            _fail(f"--precision: 必须在 (0, 1] 之间，收到 {precision}")
        if not 0.0 <= confidence < 1.0:
            _fail(f"--confidence: 必须在 [0, 1) 之间，收到 {confidence}")
        settings = get_settings()
        services = services_of(settings)
        try:
            faq = current_faq(services)
        except ValueError as exc:
            _fail(str(exc))
        if not faq.entries:
            _fail("当前 FAQ 范围没有任何条目（puhui kb faq-scope）", code=1)
        try:
            log_questions = read_log(questions, faq.entries)
        except ValueError as exc:
            _fail(f"--questions: {exc}")
        result, record = calibrate_and_store(services, faq, log_questions, precision, seed, str(questions),
                                             lambda label, i, n: err.print(f"  {label}: {i}/{n}", highlight=False),
                                             confidence)
        for line in result.lines():
            console.print(line, soft_wrap=True, highlight=False)
        scope, entries = faq.scope, faq.entries
        where = f"导入 {scope.name!r} 的 {len(entries)} 条 FAQ" if scope else f"全部 {len(entries)} 条 FAQ"
        console.print(f"已保存：{where} 的原文作答阈值 {record.threshold:.3f}（默认 {result.shipped:.3f}）| "
                      f"{short_path(threshold_path(settings.data_dir))}；运行中的服务需重启", soft_wrap=True,
                      highlight=False)
        if record.threshold >= NEVER:
            err.print(f"注意：没有阈值能在校准集上以 {confidence:.0%} 置信度达到 {precision:.0%} 的精确率，机器人将不再原文作答（只给出「您是不是想问」）",
                      soft_wrap=True, highlight=False)


def threshold_report(settings: Settings, faqs: list | None) -> tuple[str, bool]:
    """(one line for ``puhui kb faq-scope`` about the stored threshold, whether it is stale). ``faqs``:
    the replace-mode entries, or None for every FAQ entry of the corpus (the bot's own choice)."""
    services = services_of(settings)
    embedder = embedder_or_none(services)
    entries = services.corpus.faqs if faqs is None else faqs
    embedder_id = getattr(embedder, "model_id", None) if embedder is not None else None
    try:
        status, record = threshold_status(settings.data_dir, entries, embedder_id)
    except ValueError as exc:
        return str(exc), True
    if status == "none" or record is None:
        return "原文作答阈值：内置默认（未校准；puhui kb calibrate --questions LOG.jsonl）", False
    if status == "current":
        return (f"原文作答阈值：{record.threshold:.3f}（{record.set_at} 校准，目标精确率 {record.target_precision:.0%}，"
                f"测试集精确率 {record.test.get('verbatim_precision', 0):.3f}、自助率 {record.test.get('self_service_rate', 0):.3f}）"), False
    return (f"原文作答阈值 {record.threshold:.3f} 已过期（{record.set_at} 在另一 FAQ 或模型上校准），机器人使用内置默认；"
            "请重新运行 puhui kb calibrate"), True
