"""Post-loan monitoring suite: single-loan histories (13 months of inflow, tax, delays, concentration,
screening flags, and whether the segment's indicators tighten) → the warning level, the disposal action
from the shipped strategy table and the reason codes.

Cases cover each signal, the segment's own seasonality (a crab farmer's winter is not a drop), values
just short of a threshold, combined signals and the per-segment strategy rows. A case passes when level,
action and reasons all match. Also reported: the per-signal P/R on a seeded 2,000-loan synthetic book
against its injected events (``synthetic_<signal>_precision`` / ``_recall``; goal ≥ 0.9), M06 found by
screening the book's statements (tools.monitoring.txn_screen) as the monthly run does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agents.monitoring.context import load_strategy
from eval.schema import EvalCase
from eval.suite import CaseResult, Outcome, Suite
from tools.monitoring import backtest, book as book_mod, disposal, signals, txn_screen
from tools.monitoring.book import LoanBook


class MonitoringSuite(Suite):
    name = "monitoring"
    dataset = "monitoring.jsonl"
    description = "贷后预警: loan histories → level, disposal action, reason codes (+ synthetic per-signal P/R ≥ 0.9)"

    def setup(self, ctx):
        corpus = ctx.services.corpus
        self.seasonality = {k: list(d.meta.seasonality) for k, d in corpus.industries.items()}
        self.grades = {k: d.meta.risk_grade for k, d in corpus.industries.items()}
        self.strategy = load_strategy()
        return self

    def run_case(self, case: EvalCase, sut) -> Outcome:
        x = case.input
        book = LoanBook(loans=pd.DataFrame({"loan_id": [case.id], "segment": [x["segment"]], "amount_wan": [50.0],
                                            "source": ["eval"]}),
                        months=x["months"], inflow=np.array([x["inflow"]], dtype=float),
                        tax_revenue=np.array([x["tax_revenue"]], dtype=float), dpd=np.array([x["dpd"]], dtype=np.int32),
                        top_share=np.array([x["top_share"]], dtype=float),
                        chain_flags=np.array([x["chain_flags"]], dtype=np.int32))
        res = signals.compute(book, self.seasonality, {x["segment"]} if x["segment_tightened"] else set())
        action = disposal.assign(res, book.loans["segment"].to_numpy(), book.dpd[:, -1], self.strategy, self.grades)
        got = {"level": signals.LEVELS[res.level[0]], "action": disposal.ACTIONS[action[0]],
               "reasons": [e["code"] for e in signals.evidence(res, 0, book.months)]}
        exp = case.expected
        scores = {k + "_ok": float(got[k] == exp[k]) for k in ("level", "action", "reasons")}
        return Outcome(passed=all(scores.values()), scores=scores, output=got,
                       trace=["load_book", "industry", "score", "dispose"])

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        out = super().summarize(results)
        season = getattr(self, "seasonality", None)
        if season:
            bk = book_mod.synthetic_book(2000, season, seed=11)
            screened, _ = txn_screen.screen_into(bk, bk.months[-1])  # M06 from screening the book's statements
            for name, pr in backtest.per_signal(signals.compute(screened, season, set()), bk.truth).items():
                out[f"synthetic_{name}_precision"], out[f"synthetic_{name}_recall"] = pr.precision, pr.recall
        return out


SUITES = [MonitoringSuite]
