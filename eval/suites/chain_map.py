"""Chain-map suite: an enterprise description → expected segment and chain stage.

A case: input = the enterprise (name, business_scope, main_products?, location?, years_operating?);
expected {segment, stage}, where segment null means "not in the corpus": the assistant must answer
unknown (never force a segment). Scores segment top-1 and stage accuracy. ``expected.segment_also``
lists other segments that are equally right (a crab e-shop may link to 大闸蟹 or to 农产品电商).

Stage accuracy is also reported apart for the cases tagged ``role_differs`` — businesses whose own
role (a retailer, wholesaler, input supplier or service provider) is not the segment's usual stage
(issue 17) — as ``stage_acc_role_differs``, and for the rest as ``stage_acc_segment_default``.

The answer source is the result's per-node record (``ChainMapResult.llm``): ``fallback`` when any
model node fell back (a partly-failed run is not an LLM answer), ``llm`` when a model wrote a part. The
reason of a fallback is the first failed node's (``ChainMapResult.llm_reasons``, in the order they ran).
"""

from __future__ import annotations

from agents.chain_map.schemas import ChainMapErrors
from agents.chain_map.service import ChainMapService
from eval.schema import EvalCase
from eval.suite import Outcome, Suite


class ChainMapSuite(Suite):
    name = "chain_map"
    dataset = "chain_map.jsonl"
    description = "产业链地图: enterprise → segment (top-1) and chain stage; unknown industries stay unknown"

    def setup(self, ctx):
        return ChainMapService.from_services(ctx.services)

    def run_case(self, case: EvalCase, sut: ChainMapService) -> Outcome:
        res = sut.run(case.input)
        if isinstance(res, ChainMapErrors):
            return Outcome(passed=False, scores={"segment_top1": 0.0, "stage_acc": 0.0},
                           output={"errors": [e.model_dump() for e in res.errors]}, trace=["validate"])
        seg = res.placement.segment_id
        stage = res.position.stage if res.position else None
        seg_ok = seg == case.expected["segment"] or seg in case.expected.get("segment_also", [])
        stage_ok = stage == case.expected["stage"]
        split = "stage_acc_role_differs" if getattr(case.tags, "role_differs", False) else "stage_acc_segment_default"
        sources = set(res.llm.values())
        llm = "fallback" if "fallback" in sources else ("llm" if "llm" in sources else "none")
        reason = next(iter(res.llm_reasons.values()), None)  # fallback nodes only, in the order they ran
        role = res.position.role if res.position else None
        return Outcome(passed=seg_ok, scores={"segment_top1": float(seg_ok), "stage_acc": float(stage_ok),
                                              split: float(stage_ok)},
                       output={"segment": seg, "stage": stage, "confidence": res.placement.confidence,
                               "role_evidence": role.evidence if role else [], "own_node": role.own_node_id if role else None,
                               "candidates": [c.segment_id for c in res.placement.candidates[:3]]},
                       trace=["validate", "extract", "link", "position", "profile", "screen", "strategies", "prose",
                              "report"], llm=llm, llm_reason=reason)


SUITES = [ChainMapSuite]
