"""The campaign service the API, the workbench tab, the CLI, the bench and the eval share.

``run(request)`` validates the request against the knowledge base (products, channels) and the base
(columns), builds or loads the population and its history, runs the graph and returns a typed result
plus the full target table; ``write(run, folder)`` writes the target CSV, the brief, the charts and the
result JSON into a temporary folder renamed into place, so a failed run leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents.campaign.brief import render_brief
from agents.campaign.context import CampaignContext, Progress, build_context
from agents.campaign.graph import build_graph
from agents.campaign.schemas import (CampaignRequest, CampaignResult, CampaignSummary, ChannelUse, ModelMetrics,
                                     Target)
from tools.campaign.economics import Channel, is_loan
from tools.campaign.history import simulate
from tools.campaign.linking import link_base
from tools.campaign.loader import PopulationError, load_history, load_population
from tools.campaign.population import Population, generate
from tools.campaign.screening import facts_of, prescreen, product_fit

TARGET_COLUMNS = ["rank", "ent_id", "name", "segment", "product", "channel", "bid", "cost", "p_contact", "uplift",
                  "value", "reason_1", "reason_2", "reason_3"]


class InvalidCampaign(ValueError):
    """Bad request fields: ``errors`` is a list of (field, message)."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


@dataclass
class CampaignRun:
    result: CampaignResult
    targets: pd.DataFrame  # every target (the response carries the top ones)
    population: Population | None  # with the hidden truth when generated
    tables: dict[str, Any]  # links, targetable, fitting, model: for the benchmark's baselines


class CampaignService:
    def __init__(self, context: CampaignContext):
        self.ctx = context
        self.graph = build_graph()

    @classmethod
    def create(cls, corpus) -> "CampaignService":
        return cls(build_context(corpus))

    @classmethod
    def from_services(cls, services) -> "CampaignService":
        return services.cached("campaign", lambda: cls.create(services.corpus))

    # ------------------------------------------------------------------ validation
    def _resolve(self, req: CampaignRequest) -> tuple[list, list[Channel]]:
        errors = []
        unknown = [p for p in req.products if p not in self.ctx.products]
        if unknown:
            errors.append(("products", f"未知产品 {', '.join(unknown)}；可选：{', '.join(sorted(self.ctx.products))}"))
        by_id = {c.id: c for c in self.ctx.channels}
        bad = [o.id for o in req.channels if o.id not in by_id]
        if bad:
            errors.append(("channels", f"未知渠道 {', '.join(bad)}；可选：{', '.join(by_id)}"))
        if req.population.source == "file":
            if not req.population.path:
                errors.append(("population.path", "source=file 时必须给出客户名单文件"))
            if not req.population.history_path:
                errors.append(("population.history_path", "source=file 时必须给出历史营销记录文件（用于训练响应模型）"))
        if errors:
            raise InvalidCampaign(errors)
        products = [self.ctx.products[p] for p in req.products] or list(self.ctx.products.values())
        channels = [by_id[o.id].model_copy(update={k: v for k, v in (("cost_yuan", o.cost_yuan),
                                                                      ("capacity", o.capacity)) if v is not None})
                    for o in req.channels] or list(self.ctx.channels)
        return products, channels

    def population(self, req: CampaignRequest) -> tuple[pd.DataFrame, pd.DataFrame, Population | None]:
        """(base, history, generated population or None) for the request."""
        spec = req.population
        if spec.source == "file":
            try:
                base = load_population(Path(spec.path or ""))
                history = load_history(Path(spec.history_path or ""), base["ent_id"])
            except PopulationError as exc:
                raise InvalidCampaign([(f"population.{e.column}" if e.column != "path" else "population.path",
                                        e.message) for e in exc.errors]) from None
            return base, history, None
        products = list(self.ctx.products.values())
        pop = generate(list(self.ctx.industries.values()), products, spec.size, spec.seed, month=req.month,
                       channels=[c.id for c in self.ctx.channels])
        # what the bank would have approved then: product rules and pre-screen on the true segment
        truth_links = pd.DataFrame({"segment": pop.truth.table["segment"]})
        facts = facts_of(pop.base, truth_links, self.ctx.policy)
        fit, declined = product_fit(facts, products), prescreen(facts, self.ctx.policy)["declined"].to_numpy()
        approved = np.column_stack([fit[f"fit_{p.id}"].to_numpy() & ~declined for p in products])
        history = simulate(pop, spec.history_seed if spec.history_seed is not None else spec.seed + 1,
                           approved=approved, loan_products=frozenset(p.id for p in products if is_loan(p)))
        return pop.base, history, pop

    # ------------------------------------------------------------------ runs
    def run(self, request: CampaignRequest | dict, progress: Progress | None = None) -> CampaignRun:
        req = request if isinstance(request, CampaignRequest) else CampaignRequest.model_validate(request)
        products, channels = self._resolve(req)
        base, history, pop = self.population(req)
        ctx = self.ctx.for_run(products, channels, req.month, req.budget_yuan, progress)
        try:
            state = self.graph.invoke({"base": base, "history": history, "seconds": {}, "trace": []}, context=ctx)
        except ValueError as exc:  # e.g. a history too small to learn from
            raise InvalidCampaign([("population.history_path" if pop is None else "population.size", str(exc))]) \
                from None
        return CampaignRun(result=self._result(req, state, channels), targets=state["targets"][TARGET_COLUMNS],
                           population=pop, tables={k: state[k] for k in (
                               "links", "targetable", "fitting", "owns", "ent", "model", "screen", "candidates")})

    def _result(self, req: CampaignRequest, state, channels: list[Channel]) -> CampaignResult:
        targets, alloc, links, pre = state["targets"], state["allocation"], state["links"], state["screen"]
        rep = state["model"].report
        use = targets.groupby("channel").agg(n=("rank", "size"), spend=("cost", "sum"))
        chan_use = [ChannelUse(channel=c.id, name=c.name, contacts=int(use["n"].get(c.id, 0)), capacity=c.capacity,
                               spend_yuan=round(float(use["spend"].get(c.id, 0.0)), 2)) for c in channels]
        names = {k: d.name for k, d in self.ctx.industries.items()}
        by_seg = targets.groupby("segment")["value"].sum().sort_values(ascending=False)
        value_by_segment = {names.get(k, k): round(float(v), 2) for k, v in by_seg.items()}
        declines = pre.loc[pre["declined"], "decline_reason"].str.split(" ").str[0].value_counts()
        unfit = {}
        for p in state["targetable"]:
            why = state["fit"][f"why_{p}"]
            unfit[p] = {k: int(v) for k, v in why[why != ""].value_counts().head(5).items()}
        summary = CampaignSummary(
            enterprises=len(state["base"]), linked=int(links["linked"].sum()), declined=int(pre["declined"].sum()),
            targetable=int(np.any(np.column_stack(list(state["targetable"].values())), axis=1).sum()),
            candidates=len(state["candidates"]), targets=len(targets), budget_yuan=req.budget_yuan,
            spend_yuan=round(alloc.spend, 2), expected_value_yuan=round(alloc.value, 2),
            bound_yuan=round(alloc.bound, 2), optimality_gap=round(alloc.gap, 6),
            budget_shadow_price=round(alloc.budget_price, 4), seconds={k: round(v, 2) for k, v in state["seconds"].items()})
        model = ModelMetrics(rows_train=rep.rows_train, rows_test=rep.rows_test, auc=rep.auc, brier=rep.brier, ece=rep.ece,
                             lift_top10=rep.lift_top10, per_product=rep.per_product, lift=rep.lift)
        top = [Target(rank=int(r.rank), ent_id=r.ent_id, name=r.name, segment=names.get(r.segment, r.segment),
                      product=r.product, channel=r.channel, bid_yuan=float(r.bid), cost_yuan=float(r.cost),
                      p_take=round(float(r.p_contact), 4), uplift=round(float(r.uplift), 4),
                      expected_value_yuan=round(float(r.value), 2), reasons=[r.reason_1, r.reason_2, r.reason_3])
               for r in targets.head(req.top).itertuples()]
        result = CampaignResult(campaign_id=f"cmp-{uuid.uuid4().hex[:12]}", summary=summary, model=model,
                                channels=chan_use, value_by_segment=value_by_segment,
                                decline_reasons={k: int(v) for k, v in declines.items()}, unfit_reasons=unfit,
                                targets=top, brief="")
        result.brief = render_brief(result, self.ctx.products, top_n=10)
        return result

    def link_only(self, base: pd.DataFrame) -> pd.DataFrame:
        """Segment and stage of a base (the linking step alone, for the benchmark's linking rate)."""
        return link_base(base, self.ctx.linker, self.ctx.link_cache)

    # ------------------------------------------------------------------ output
    def write(self, run: CampaignRun, folder: Path) -> Path:
        """Write ``folder/<campaign_id>/`` (targets.csv, brief.md, result.json, charts) all or nothing."""
        from agents.campaign.charts import save_charts  # matplotlib, only when files are written

        folder.mkdir(parents=True, exist_ok=True)
        final = folder / run.result.campaign_id
        tmp = Path(tempfile.mkdtemp(prefix=".campaign-", dir=folder))
        try:
            run.targets.to_csv(tmp / "targets.csv", index=False, encoding="utf-8-sig")
            (tmp / "brief.md").write_text(run.result.brief, encoding="utf-8")
            (tmp / "result.json").write_text(json.dumps(run.result.model_dump(mode="json"), ensure_ascii=False,
                                                        indent=1), encoding="utf-8")
            save_charts(run.result, tmp)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return final
