from collections import Counter
from pathlib import Path

from agents.chain_map.service import ChainMapService
from eval.schema import DATASETS_DIR, EvalCase, load_cases
from eval.suites.chain_map import ChainMapSuite
from kb.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[3]


def test_dataset_is_varied_and_points_at_real_segments():
    cases = load_cases(DATASETS_DIR / "chain_map.jsonl")
    assert len(cases) >= 60
    variants = Counter(c.tags.variant for c in cases)
    for v in ("traditional", "missing_fields", "misleading_name", "colloquial", "unknown", "location"):
        assert variants[v] >= 1, v
    corpus = load_corpus(ROOT / "kb" / "corpus")
    differs = 0
    for c in cases:
        seg = c.expected["segment"]
        for other in c.expected.get("segment_also", []):
            assert corpus.industry(other) is not None, (c.id, other)
        if seg is None:
            assert c.expected["stage"] is None
        elif getattr(c.tags, "role_differs", False):  # issue 17: the business's own role, not the segment's stage
            assert c.expected["stage"] != corpus.industry(seg).chain_stage, c.id
            differs += 1
        else:
            assert c.expected["stage"] == corpus.industry(seg).chain_stage, c.id
    assert differs >= 60


def test_suite_scores_a_case(ctx):
    suite, service = ChainMapSuite(), ChainMapService(ctx)
    ok = suite.run_case(EvalCase(id="x", input={"name": "丹阳光学", "business_scope": "眼镜制造；光学玻璃制造"},
                                 expected={"segment": "danyang_eyewear", "stage": "midstream"}), service)
    assert ok.passed and ok.scores == {"segment_top1": 1.0, "stage_acc": 1.0, "stage_acc_segment_default": 1.0}
    assert ok.llm == "none" and ok.llm_reason is None
    unknown = suite.run_case(EvalCase(id="y", input={"name": "典当行", "business_scope": "动产质押典当"},
                                      expected={"segment": None, "stage": None}), service)
    assert unknown.passed and unknown.output["segment"] is None
    shop = suite.run_case(EvalCase(id="w", input={"name": "蟹鲜生网店", "business_scope": "大闸蟹网上销售；直播带货"},
                                   expected={"segment": "yangchenghu_crab", "segment_also": ["seafood_wholesale"],
                                             "stage": "downstream"}, tags={"role_differs": True}), service)
    assert shop.passed and shop.scores["stage_acc_role_differs"] == 1.0 and "stage_acc_segment_default" not in shop.scores
    assert shop.output["role_evidence"] and shop.output["stage"] == "downstream"
    bad = suite.run_case(EvalCase(id="z", input={"name": "x", "business_scope": ""},
                                  expected={"segment": None, "stage": None}), service)
    assert not bad.passed and bad.output["errors"]
