"""营销获客 commands: ``campaign build`` (alias ``campaign run``) plans a campaign on a generated or
loaded base and writes its target list, brief and charts; ``campaign generate`` writes a seeded
synthetic base and its campaign history to CSV/Parquet (the same columns a bank's own extract has).
Bad input is a message naming the field and exit code 2, never a traceback; nothing partial is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from agents.campaign.schemas import CampaignRequest
from agents.campaign.service import CampaignService, InvalidCampaign
from core.settings import Settings
from kb.corpus import load_corpus

console = Console()
err = Console(stderr=True)
STEPS = {"link": "行业识别", "screen": "准入与预筛", "learn": "训练响应模型", "score": "测算价值", "reasons": "生成理由",
         "allocate": "预算分配"}


def _fail_fields(errors: list[tuple[str, str]]) -> None:
    for field, message in errors:
        err.print(f"[red]字段错误[/red] {field}: {message}")
    raise typer.Exit(2)


def _request(raw: dict) -> CampaignRequest:
    try:
        return CampaignRequest.model_validate(raw)
    except ValidationError as exc:
        _fail_fields([(".".join(map(str, e["loc"])) or "request", e["msg"]) for e in exc.errors()])
        raise  # unreachable: _fail_fields exits


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    campaign = typer.Typer(help="营销获客: target selection, budget and bid over a whole customer base.",
                           no_args_is_help=True)
    app.add_typer(campaign, name="campaign")

    def build(budget: float = typer.Option(..., "--budget", help="Contact budget in yuan"),
              product: list[str] = typer.Option([], "--product", help="Product id (repeat; default all)"),
              channel: list[str] = typer.Option([], "--channel", help="Channel id (repeat; default all)"),
              size: int = typer.Option(20000, "--size", help="Synthetic base size"),
              seed: int = typer.Option(7, "--seed", help="Generator seed"),
              base: Path = typer.Option(None, "--base", help="The bank's own base (CSV/Parquet) instead"),
              history: Path = typer.Option(None, "--history", help="Past campaigns (CSV/Parquet), with --base"),
              month: int = typer.Option(3, "--month", help="Campaign month 1-12"),
              out: Path = typer.Option(None, "--out", help="Output folder (default data_dir/campaigns)"),
              top: int = typer.Option(15, "--top", help="Targets printed")) -> None:
        """Plan a campaign: link, product fit, pre-screen, propensity, budget and bid, reasons, brief."""
        population = ({"source": "file", "path": str(base), "history_path": str(history) if history else None}
                      if base else {"size": size, "seed": seed})
        req = _request({"budget_yuan": budget, "products": product, "channels": [{"id": c} for c in channel],
                        "month": month, "population": population, "top": top})
        settings = get_settings()
        svc = CampaignService.create(load_corpus(settings.corpus_dir))
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err) as bar:
            task = bar.add_task("准备客户名单", total=len(STEPS))
            order = list(STEPS)

            def tick(step: str, fraction: float) -> None:
                bar.update(task, completed=order.index(step) + fraction, description=STEPS[step])

            try:
                run = svc.run(req, progress=tick)
            except InvalidCampaign as exc:
                bar.stop()
                _fail_fields(exc.errors)
        folder = svc.write(run, out or settings.data_dir / "campaigns")
        s = run.result.summary
        console.print(f"活动 {run.result.campaign_id}：{s.enterprises} 户中选定 {s.targets} 户，投入 {s.spend_yuan:,.0f} / "
                      f"{s.budget_yuan:,.0f} 元，预期价值 {s.expected_value_yuan:,.0f} 元（最优性差距 {s.optimality_gap:.2%}）")
        m = run.result.model
        console.print(f"响应模型 AUC {m.auc:.3f}，Brier {m.brier:.4f}，校准误差 {m.ece:.4f}，前10%提升 {m.lift_top10:.1f} 倍")
        table = Table("排名", "企业", "产品", "渠道", "出价上限", "预期价值", "理由")
        for t in run.result.targets[:top]:
            table.add_row(str(t.rank), t.name, t.product, t.channel, f"{t.bid_yuan:.0f}", f"{t.expected_value_yuan:.0f}",
                          "；".join(t.reasons))
        console.print(table)
        console.print(f"名单、简报与图表已写入 {folder}")

    campaign.command("build")(build)
    campaign.command("run")(build)

    @campaign.command("generate")
    def generate_cmd(out: Path = typer.Argument(..., help="Base file to write (.csv or .parquet)"),
                     history_out: Path = typer.Option(..., "--history-out", help="History file to write"),
                     size: int = typer.Option(20000, "--size", min=100, max=1_000_000),
                     seed: int = typer.Option(7, "--seed", min=0), month: int = typer.Option(3, "--month", min=1, max=12)
                     ) -> None:
        """Write a seeded synthetic base and its campaign history (for trying `campaign build --base`)."""
        for path, field in ((out, "out"), (history_out, "history-out")):
            if path.suffix.lower() not in (".csv", ".parquet"):
                _fail_fields([(field, "文件扩展名须为 .csv 或 .parquet")])
        svc = CampaignService.create(load_corpus(get_settings().corpus_dir))
        base, history, _ = svc.population(_request({"budget_yuan": 0, "month": month,
                                                    "population": {"size": size, "seed": seed}}))
        for frame, path in ((base, out), (history, history_out)):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            if path.suffix.lower() == ".csv":
                frame.to_csv(tmp, index=False, encoding="utf-8")
            else:
                frame.to_parquet(tmp, index=False)
            tmp.replace(path)
        console.print(f"已写入 {out}（{len(base)} 户）与 {history_out}（{len(history)} 条历史营销记录）")
