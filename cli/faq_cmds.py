"""``puhui kb import-faq FILE``: a bank's FAQ spreadsheet → validated corpus FAQ files → incremental ingest.

Issue #13 part 1. Bad rows are printed as ``file:row: reason`` and nothing is written (exit 1) unless
``--skip-invalid``, which writes the valid rows and lists the skipped ones in
``<data_dir>/import-skipped.txt``. The files go to ``<root>/faq/imported/<name>/`` of the main corpus
root or of the configured root given by ``--into``; then the index is brought up to date.
``--replace`` then makes the customer-service bot answer from this FAQ alone (kb/faq_scope.py);
``puhui kb faq-scope`` shows which FAQ the bot answers from (and whether its calibrated threshold,
``puhui kb calibrate`` in cli/calibrate_cmds.py, still holds), ``--all`` goes back to every entry.
``--bank-name``/``--hotline`` (only with ``--replace``) make that bot say the bank's own name and
hotline; they are stored with the scope and dropped with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import typer
from rich.console import Console

from cli import calibrate_cmds
from cli.kb_cmds import SHOWN, kb_of, prune_refused, short_path, write_list
from core.settings import Settings
from kb.faq_import import ColumnMap, FaqImportError, ImportReport, import_faq
from kb.faq_scope import (Branding, BrandingError, after_import, check_branding, clear_scope, load_scope, scope_entries,
                          scope_path)
from kb.ingest import PruneRequired
from kb.progress import RichProgress

console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]错误[/red] {message}", soft_wrap=True)
    raise typer.Exit(code)


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    kb_app = typer.Typer(help="Knowledge-base maintenance: import a bank's FAQ, calibrate its verbatim threshold.", no_args_is_help=True)

    @kb_app.command("import-faq")
    def import_faq_cmd(
        file: Path = typer.Argument(..., help="FAQ file: .xlsx, .xls, .csv, .tsv or .jsonl"),
        name: str = typer.Option(None, "--name", help="Import name (folder and id prefix; default: from the file name)"),
        into: Path = typer.Option(None, "--into", help="Corpus root to write into (default: PUHUI_CORPUS_DIR)"),
        question_col: str = typer.Option(None, "--question-col", help="Standard-question column (default 标准问题/问题/question)"),
        answer_col: str = typer.Option(None, "--answer-col", help="Answer column (default 答案/回答/answer)"),
        similar_col: str = typer.Option(None, "--similar-col", help="Similar-questions column (default 相似问题/similar)"),
        category_col: str = typer.Option(None, "--category-col", help="Category column (default 分类/类别/category)"),
        channel_col: str = typer.Option(None, "--channel-col", help="Channel column (default 渠道/channel)"),
        similar_file: Path = typer.Option(None, "--similar-file", help="A second file of (标准问题, 相似问题) rows"),
        skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Import the valid rows, list the others"),
        no_ingest: bool = typer.Option(False, "--no-ingest", help="Write the corpus files only"),
        replace: bool = typer.Option(False, "--replace", help="The customer-service bot answers from this FAQ alone "
                                     "(the bank's FAQ instead of ours; undo: puhui kb faq-scope --all)"),
        bank_name: str = typer.Option(None, "--bank-name", help="With --replace: the bank's name the bot says "
                                      "(e.g. 威海银行; default: cs_compliance bank_name)"),
        hotline: str = typer.Option(None, "--hotline", help="With --replace: the bank's hotline the bot gives "
                                    "(e.g. 96636; default: cs_compliance official_hotline)"),
    ) -> None:
        """Import a bank's FAQ (any row invalid: nothing written, unless --skip-invalid)."""
        branding = _branding(bank_name, hotline, replace)
        if not file.is_file():
            _fail(f"FILE: 文件不存在：{file}")
        if similar_file is not None and not similar_file.is_file():
            _fail(f"--similar-file: 文件不存在：{similar_file}")
        settings = get_settings()
        kb = kb_of(get_settings)
        roots = [settings.corpus_dir, *(r.path for r in kb.extra_roots)]
        root = into.expanduser().resolve() if into is not None else settings.corpus_dir
        if root not in roots and not no_ingest:
            _fail(f"--into: {root} 不是已配置的语料目录（PUHUI_CORPUS_DIR 或 PUHUI_EXTRA_CORPORA），"
                  "导入后不会被索引；请先配置，或加 --no-ingest")
        columns = ColumnMap(question=question_col, answer=answer_col, similar=similar_col,
                            category=category_col, channel=channel_col)
        try:
            with RichProgress(transient=True) as bars:
                report = import_faq(file, root, name=name, columns=columns, similar_file=similar_file,
                                    skip_invalid=skip_invalid, progress=bars)
        except FaqImportError as exc:
            for line in exc.problems[:SHOWN * 4]:
                err.print(line, soft_wrap=True, markup=False, highlight=False)
            if len(exc.problems) > SHOWN * 4:
                err.print(f"… 另有 {len(exc.problems) - SHOWN * 4} 行有问题", highlight=False)
            hint = "；可加 --skip-invalid 只导入有效行" if len(exc.problems) and ":1: " not in exc.problems[0] else ""
            _fail(f"{len(exc.problems)} 处问题，未写入任何文件{hint}", code=1)
        skipped_file = settings.data_dir / "import-skipped.txt"
        write_list(skipped_file, report.invalid)
        console.print(f"{report.name}: {report.rows} rows → {report.entries} entries ({report.similar} similar) | "
                      f"files written={len(report.written)} unchanged={len(report.unchanged)} "
                      f"removed={len(report.removed)} | {short_path(Path(report.folder))}", soft_wrap=True,
                      highlight=False)
        if report.invalid:
            err.print(f"{len(report.invalid)} skipped (see {short_path(skipped_file)})", soft_wrap=True,
                      markup=False, highlight=False)
        if not no_ingest:
            try:
                ingest = kb.ingest(progress=True)
            except PruneRequired as exc:
                prune_refused(exc)
            except ValueError as exc:
                _fail(str(exc))
            console.print(f"ingest: {ingest.summary()}", soft_wrap=True, highlight=False)
        _scope_after_import(settings, report, file.name, replace, branding)

    @kb_app.command("faq-scope")
    def faq_scope_cmd(
        all_: bool = typer.Option(False, "--all", help="Answer from every FAQ entry of the corpus again"),
    ) -> None:
        """Which FAQ the customer-service bot answers from (replace mode: one import alone)."""
        settings = get_settings()
        if all_:
            removed = clear_scope(settings.data_dir)
            console.print("客服机器人使用知识库中的全部 FAQ 作答" + ("（已取消替换模式；运行中的服务需重启）" if removed else "（本来就是）"),
                          soft_wrap=True, highlight=False)
            return
        try:
            scope = load_scope(settings.data_dir)
        except ValueError as exc:
            _fail(str(exc))
        if scope is None:
            console.print("客服机器人使用知识库中的全部 FAQ 作答（未启用替换模式）", soft_wrap=True, highlight=False)
            console.print(calibrate_cmds.threshold_report(settings, None)[0], soft_wrap=True, highlight=False)
            return
        entries, problems = scope_entries(scope)
        console.print(f"替换模式：客服机器人只用导入 {scope.name!r} 的 {len(entries)} 条 FAQ 作答（来自 {scope.file}，"
                      f"{scope.set_at}）| {short_path(scope_path(settings.data_dir))}", soft_wrap=True, highlight=False)
        console.print(_branding_line(scope.branding), soft_wrap=True, highlight=False)
        console.print(calibrate_cmds.threshold_report(settings, entries)[0], soft_wrap=True, highlight=False)
        for line in problems[:SHOWN]:
            err.print(line, soft_wrap=True, markup=False, highlight=False)
        if problems:
            raise typer.Exit(1)

    calibrate_cmds.register(kb_app, get_settings)
    app.add_typer(kb_app, name="kb")


_OPTION = {"bank_name": "--bank-name", "hotline": "--hotline"}


def _branding(bank_name: str | None, hotline: str | None, replace: bool) -> Branding:
    """The two options checked before anything is read or written (exit 2 naming the option)."""
    try:
        branding = check_branding(bank_name, hotline)
    except BrandingError as exc:
        _fail(f"{_OPTION[exc.field]}: {exc.message}")
    if not replace and not branding.empty:
        _fail(f"{_OPTION['bank_name' if branding.bank_name else 'hotline']}: 只能与 --replace 一起使用"
              "（本行名称和热线随替换模式记录、随 faq-scope --all 取消）")
    return branding


def _branding_line(branding: Branding) -> str:
    if branding.empty:
        return "机器人话术：本行名称与客服热线用合规规范的默认值（cs_compliance bank_name / official_hotline）"
    return (f"机器人话术：本行名称 {branding.bank_name or '（默认）'}，客服热线 {branding.hotline or '（默认）'}"
            "（导入时的 --bank-name/--hotline）")


def _scope_after_import(settings: Settings, report: ImportReport, file: str, replace: bool,
                        branding: Branding | None = None) -> None:
    """``--replace``: record the scope and say what it means; else say when another scope still holds."""
    scope = after_import(settings.data_dir, report.name, Path(report.folder), file, report.entries, replace,
                         branding=branding)
    if replace:
        console.print(f"替换模式：客服机器人现只用 {report.name!r} 的 {report.entries} 条 FAQ 作答，内置 FAQ 与产品/行业文档不再作答"
                      f"（记录于 {short_path(scope_path(settings.data_dir))}；恢复：puhui kb faq-scope --all；"
                      "运行中的服务需重启）", soft_wrap=True, highlight=False)
        console.print(_branding_line(branding or Branding()), soft_wrap=True, highlight=False)
        return
    if scope is not None and scope.name != report.name:
        err.print(f"注意：替换模式仍生效，客服机器人只用 {scope.name!r} 作答（puhui kb faq-scope）", soft_wrap=True,
                  highlight=False)
