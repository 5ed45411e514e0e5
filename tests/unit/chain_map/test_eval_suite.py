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
    for c in cases:
        seg = c.expected["segment"]
        if seg is None:
            assert c.expected["stage"] is None
        else:
            assert c.expected["stage"] == corpus.industry(seg).chain_stage, c.id


def test_suite_scores_a_case(ctx):
    suite, service = ChainMapSuite(), ChainMapService(ctx)
    ok = suite.run_case(EvalCase(id="x", input={"name": "丹阳光学", "business_scope": "眼镜制造；光学玻璃制造"},
                                 expected={"segment": "danyang_eyewear", "stage": "midstream"}), service)
    assert ok.passed and ok.scores == {"segment_top1": 1.0, "stage_acc": 1.0}
    assert ok.llm == "none" and ok.llm_reason is None
    unknown = suite.run_case(EvalCase(id="y", input={"name": "典当行", "business_scope": "动产质押典当"},
                                      expected={"segment": None, "stage": None}), service)
    assert unknown.passed and unknown.output["segment"] is None
    bad = suite.run_case(EvalCase(id="z", input={"name": "x", "business_scope": ""},
                                  expected={"segment": None, "stage": None}), service)
    assert not bad.passed and bad.output["errors"]
