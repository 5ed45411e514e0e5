"""Chain-map suite: an enterprise description → expected segment and chain stage.

A case: input = the enterprise (name, business_scope, main_products?, location?, years_operating?);
expected {segment, stage}, where segment null means "not in the corpus": the assistant must answer
unknown (never force a segment). Scores segment top-1 and stage accuracy.

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
        seg_ok = seg == case.expected["segment"]
        stage_ok = stage == case.expected["stage"]
        sources = set(res.llm.values())
        llm = "fallback" if "fallback" in sources else ("llm" if "llm" in sources else "none")
        reason = next(iter(res.llm_reasons.values()), None)  # fallback nodes only, in the order they ran
        return Outcome(passed=seg_ok, scores={"segment_top1": float(seg_ok), "stage_acc": float(stage_ok)},
                       output={"segment": seg, "stage": stage, "confidence": res.placement.confidence,
                               "candidates": [c.segment_id for c in res.placement.candidates[:3]]},
                       trace=["validate", "extract", "link", "position", "profile", "screen", "strategies", "prose",
                              "report"], llm=llm, llm_reason=reason)


SUITES = [ChainMapSuite]
