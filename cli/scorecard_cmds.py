"""``puhui scorecard train|validate|psi``: build the shipped model, validate the pipeline on public
credit data beside two baselines, and monitor population stability. Registered by cli/loan_cmds.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from core.settings import Settings
from kb.corpus import load_corpus
from tools.credit.policy import CreditPolicy
from tools.credit.psi import score_psi
from tools.credit.scorecard import Scorecard

console = Console()
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(2)


def print_validation(report: dict) -> None:
    console.print(f"\n[bold]{report['dataset']}[/bold]  {report['rows']} 行，坏样本率 {report['bad_rate']:.1%}，"
                  f"{report['folds']} 折分层交叉验证（seed {report['seed']}）  数据：{report['source']}")
    t = Table("model", "AUC (fold mean ± sd)", "AUC pooled", "KS", "Brier", "ECE", "fit s")
    for name, m in report["models"].items():
        t.add_row(name, f"{m['auc_fold_mean']:.4f} ± {m['auc_fold_std']:.4f}", f"{m['auc']:.4f}", f"{m['ks']:.4f}",
                  f"{m['brier']:.4f}", f"{m['ece']:.4f}", f"{m['fit_seconds']:.1f}")
    console.print(t)
    gap = report["auc_gap_vs_best"]
    verdict = "[green]达标[/green]" if report["within_target"] else "[red]未达标[/red]"
    console.print(f"scorecard − best baseline ({report['best_baseline']}) = {gap:+.4f} AUC → {verdict}（目标 ≥ −0.01）")
    if "auc_gap_vs_lightgbm_design" in report:
        console.print(f"scorecard − lightgbm on the same engineered characteristics = "
                      f"{report['auc_gap_vs_lightgbm_design']:+.4f} AUC (reported for transparency)")
    rel = Table("PD bin", "n", "mean PD", "observed", title="scorecard reliability (out-of-fold, equal-count bins)")
    for i, r in enumerate(report["models"]["scorecard"]["reliability"], 1):
        rel.add_row(str(i), str(r["n"]), f"{r['mean_pd']:.4f}", f"{r['observed']:.4f}")
    console.print(rel)


def register_scorecard(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    sc = typer.Typer(help="The SME scorecard: train, validate, monitor.")
    app.add_typer(sc, name="scorecard")

    @sc.command("train")
    def train(out: Path = typer.Option(None, help="Output JSON (default tools/credit/model/scorecard.json)"),
              n: int = typer.Option(30000, min=1000), seed: int = typer.Option(20250630)) -> None:
        """Rebuild the shipped model from the seeded simulator (same repo + seed → same file)."""
        from tools.credit.train import main  # optbinning + sklearn (~4 s): only for this command

        args = ["--corpus", str(get_settings().corpus_dir), "--n", str(n), "--seed", str(seed)]
        raise typer.Exit(main(args + (["--out", str(out)] if out else [])))

    @sc.command("validate")
    def validate(dataset: str = typer.Option("all", help="german | taiwan | all"),
                 folds: int = typer.Option(5, min=2, max=10), seed: int = typer.Option(42),
                 as_json: bool = typer.Option(False, "--json")) -> None:
        """German credit and Taiwan default: scorecard vs plain LR vs LightGBM (AUC, KS, Brier, reliability)."""
        from tools.credit.validation import validate_all  # LightGBM + optbinning (~5 s): only for this command

        names = ("german", "taiwan") if dataset == "all" else (dataset,)
        if any(n not in ("german", "taiwan") for n in names):
            _fail("--dataset must be german, taiwan or all")
        credit_dir = get_settings().shared_data_dir / "credit"
        try:
            reports = validate_all(credit_dir, folds=folds, seed=seed, datasets=names)
        except FileNotFoundError as exc:
            _fail(str(exc))
        if as_json:
            console.print_json(json.dumps(reports, ensure_ascii=False))
            return
        for r in reports:
            print_validation(r)

    @sc.command("psi")
    def psi(batch: Path = typer.Argument(None, help="CSV with the scorecard's feature columns (or a score column)"),
            synthetic_shift: bool = typer.Option(False, "--synthetic-shift", help="Score a simulated downturn batch"),
            stress: float = typer.Option(0.8, min=0.0, max=3.0), n: int = typer.Option(5000, min=100),
            seed: int = typer.Option(7)) -> None:
        """Population stability of the score (and each characteristic) vs the training population."""
        card = Scorecard.load()
        if synthetic_shift == (batch is not None):
            _fail("give either BATCH.csv or --synthetic-shift")
        if batch is not None:
            try:
                data = pd.read_csv(batch)
            except (FileNotFoundError, pd.errors.ParserError, UnicodeDecodeError) as exc:
                _fail(f"cannot read {batch}: {exc}")
            missing = [f.name for f in card.features if f.name not in data.columns]
            if missing and "score" not in data.columns:
                _fail(f"{batch} lacks columns {missing} (or a 'score' column)")
        else:
            from tools.credit.train import simulated_frame  # optbinning + sklearn (~4 s): only for this path

            corpus = load_corpus(get_settings().corpus_dir)
            frame = simulated_frame(corpus, CreditPolicy.from_doc(corpus.policy("credit")), n, seed, stress=stress)
            data = frame.X[frame.passed].reset_index(drop=True)
            console.print(f"simulated batch: {len(data)} applications passing policy, stress {stress}, seed {seed}")
        rep = score_psi(card, data)
        t = Table("score bin", "expected", "actual", "PSI term")
        for b in rep.bins:
            t.add_row(b.bin, f"{b.expected:.3f}", f"{b.actual:.3f}", f"{b.contribution:.4f}")
        console.print(t)
        colour = {"stable": "green", "monitor": "yellow", "shifted": "red"}[rep.status]
        console.print(f"PSI = {rep.psi:.4f} → [{colour}]{rep.status}[/{colour}]  ({rep.rows} rows, mean score "
                      f"{rep.mean_score_batch} vs training {rep.mean_score_reference})")
        if rep.csi:
            top = sorted(rep.csi.items(), key=lambda kv: -kv[1])[:6]
            console.print("characteristics that moved most (CSI): " + ", ".join(f"{k} {v:.3f}" for k, v in top))
