"""Campaign suite (营销获客): eval/datasets/campaign.jsonl — campaign requests on small synthetic
bases (2,000 enterprises) and malformed requests.

A plan passes when, re-checked target by target with the single-enterprise tools (tools/products.py
for product rules, tools/credit/policy.evaluate for the credit policy) rather than the pipeline's own
masks: no declined enterprise is targeted, every target meets its product's rules, the budget and
every channel capacity hold, each target has three reasons, and the case's own limits (products,
channels, contacts) hold. A malformed request passes when the error names the expected fields.
Headline metrics: pass rate, declined_targeted and ineligible_targeted (both must be 0) and
budget_overrun (0).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from agents.campaign.service import CampaignService, InvalidCampaign
from eval.schema import EvalCase
from eval.suite import CaseResult, Outcome, Suite
from kb.schema import FACTS
from tools.credit.policy import evaluate
from tools.products import match_product


class CampaignSuite(Suite):
    name = "campaign"
    dataset = "campaign.jsonl"
    description = "Campaign: declines never targeted, product eligibility, budget and capacities, bad input"
    parallel_safe = False  # one service and its scope cache; cases are CPU-bound
    lower_is_better = frozenset({"declined_targeted", "ineligible_targeted", "budget_overrun", "optimality_gap"})

    def setup(self, ctx) -> Any:
        return CampaignService.from_services(ctx.services)

    def _invalid(self, case: EvalCase, fields: list[str]) -> Outcome:
        want = case.expected
        ok = want["kind"] == "invalid" and all(f in fields for f in want.get("fields", []))
        return Outcome(passed=ok, output={"invalid": fields}, trace=["validate: field errors"])

    def run_case(self, case: EvalCase, svc: CampaignService) -> Outcome:
        want = case.expected
        try:
            run = svc.run(case.input)
        except InvalidCampaign as exc:
            return self._invalid(case, [f for f, _ in exc.errors])
        except ValidationError as exc:
            return self._invalid(case, [".".join(map(str, e["loc"])) for e in exc.errors()])
        r, t = run.result, run.targets
        base = run.population.base if run.population is not None else None
        links = run.tables["links"]
        facts_cols = [c for c in FACTS if base is not None and c in base.columns]
        row_of = dict(zip(base["ent_id"], range(len(base)))) if base is not None else {}
        declined = ineligible = 0
        for target in t.itertuples():
            i = row_of[target.ent_id]
            facts = {c: base.iat[i, base.columns.get_loc(c)] for c in facts_cols}
            facts = {k: (v.item() if hasattr(v, "item") else v) for k, v in facts.items()}
            facts["industry_access"] = svc.ctx.policy.access_of(links["segment"].iat[i])
            declined += bool(evaluate(svc.ctx.policy, facts).declines)
            ineligible += match_product(svc.ctx.products[target.product], facts).status == "fails"
        s = r.summary
        overrun = max(0.0, s.spend_yuan - s.budget_yuan)
        caps = {c.channel: (c.contacts, c.capacity) for c in r.channels}
        checks = {
            "declined": declined == 0, "eligible": ineligible == 0, "budget": overrun <= 1e-6,
            "capacity": all(n <= cap for n, cap in caps.values()),
            "reasons": all(len(x.reasons) == 3 and all(x.reasons) for x in r.targets),
            "max_targets": s.targets <= want.get("max_targets", s.targets),
            "products": set(t["product"]) <= set(want.get("products", t["product"])),
            "channels": set(t["channel"]) <= set(want.get("channels", t["channel"])),
            "max_contacts": all(caps.get(ch, (0, 0))[0] <= n for ch, n in want.get("max_contacts", {}).items()),
        }
        return Outcome(passed=want["kind"] == "plan" and all(checks.values()),
                       scores={"declined_targeted": float(declined), "ineligible_targeted": float(ineligible),
                               "budget_overrun": overrun, "optimality_gap": s.optimality_gap, "auc": r.model.auc},
                       output={"targets": s.targets, "spend": s.spend_yuan, "checks": checks,
                               "expected_value": s.expected_value_yuan},
                       trace=[f"{k}: {'ok' if v else 'FAILED'}" for k, v in checks.items()])

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        out: dict[str, Any] = super().summarize(results)
        ok = [r for r in results if r.error is None]
        for key in ("declined_targeted", "ineligible_targeted", "budget_overrun"):
            out[key] = sum(r.scores.get(key, 0.0) for r in ok)  # totals: any one is a failure
        return out


SUITES = [CampaignSuite]
