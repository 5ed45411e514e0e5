"""Known-answer tests: a perfect run scores 1.0, a wrong run 0, ties and empty inputs handled."""

import pytest
from sklearn.metrics import roc_auc_score

from eval.metrics import answers, classification, credit, latency, retrieval, rules, trajectory


def test_retrieval_perfect_wrong_and_partial():
    assert retrieval.hit_at_k(["a", "b"], "a", 1) == 1.0
    assert retrieval.hit_at_k(["b", "c"], "a", 5) == 0.0
    assert retrieval.reciprocal_rank(["b", "a"], "a") == 0.5
    assert retrieval.reciprocal_rank([], "a") == 0.0
    assert retrieval.ndcg_at_k(["a"], {"a"}) == 1.0
    assert retrieval.ndcg_at_k(["x", "a"], {"a"}) == pytest.approx(1 / 1.5849625, rel=1e-6)
    assert retrieval.ndcg_at_k(["a", "a"], {"a", "b"}) < 1.0  # duplicates earn nothing twice
    assert retrieval.ndcg_at_k(["a"], set()) == 0.0


def test_classification():
    assert classification.accuracy(["x", "y"], ["x", "y"]) == 1.0
    assert classification.accuracy(["x", "y"], ["y", "x"]) == 0.0
    assert classification.accuracy([], []) == 0.0
    table = classification.per_class(["a", "a", "b"], ["a", "b", "b"])
    assert table["a"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2.0}
    assert classification.binary_prf([True, False], [True, False])["f1"] == 1.0
    assert classification.binary_prf([True], [False])["recall"] == 0.0


def test_answers_and_citations():
    assert answers.answer_correct("faq_1", "faq_1", False, False) == 1.0
    assert answers.answer_correct("faq_2", "faq_1", False, False) == 0.0
    assert answers.answer_correct(None, None, True, True) == 1.0
    assert answers.key_facts_recall("利率3.85%起", ["3.85%", "起"]) == 1.0
    assert answers.key_facts_recall("", []) == 1.0
    passage = "税务贷额度最高300万元，年利率3.5%至7.5%。"
    assert answers.citation_support([("税务贷额度最高300万元", [passage])]) == 1.0
    assert answers.citation_support([("税务贷额度最高500万元", [passage])]) == 0.0  # number not in source
    assert answers.citation_support([("今天天气很好适合出游", [passage])]) == 0.0  # no overlap
    assert answers.citation_support([]) == 1.0
    assert answers.handoff_correct(True, False) == 0.0


def test_trajectory():
    assert trajectory.in_order(["guard", "understand", "retrieve", "answer"], ["guard", "answer"]) == 1.0
    assert trajectory.in_order(["answer", "guard"], ["guard", "answer"]) == 0.0
    assert trajectory.exact(["a"], ["a"]) == 1.0
    assert trajectory.step_recall(["a"], ["a", "b"]) == 0.5
    assert trajectory.forbidden_absent(["a"], ["llm"]) == 1.0
    calls = [{"name": "kb_search", "args": {"query": "x", "k": 5}}]
    assert trajectory.tool_args_match(calls, {"kb_search": {"k": 5}}) == 1.0
    assert trajectory.tool_args_match(calls, {"kb_search": {"k": 3}}) == 0.0


def test_credit_metrics_match_sklearn_and_edge_cases():
    y = [0, 0, 1, 1, 0, 1, 0, 1]
    p = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.4]  # ties included
    assert credit.auc(y, p) == pytest.approx(roc_auc_score(y, p))
    assert credit.auc([1, 0], [0.9, 0.1]) == 1.0 and credit.auc([1, 0], [0.1, 0.9]) == 0.0
    assert credit.auc([1, 1], [0.2, 0.3]) == 0.5
    assert credit.ks([0, 1], [0.1, 0.9]) == 1.0
    assert credit.brier([1, 0], [1.0, 0.0]) == 0.0 and credit.brier([1, 0], [0.0, 1.0]) == 1.0
    table = credit.reliability_table([0, 1, 1, 1], [0.05, 0.1, 0.95, 1.0], bins=2)
    assert [(r["n"], r["observed"]) for r in table] == [(2, 0.5), (2, 1.0)]
    assert credit.reliability_table([], []) == []
    assert credit.decision_accuracy(["approve"], ["decline"]) == 0.0


def test_rules_and_attacks():
    prf = rules.per_rule_prf([{"R1"}, {"R2"}, set()], [{"R1"}, set(), {"R2"}])
    assert prf["R1"] == {"precision": 1.0, "recall": 1.0, "support": 1.0}
    assert prf["R2"]["precision"] == 0.0 and prf["R2"]["recall"] == 0.0
    assert rules.micro_prf([set()], [set()]) == {"precision": 1.0, "recall": 1.0}
    assert rules.attack_success_rate([False, False]) == 0.0
    assert rules.attack_success_rate([]) == 0.0


def test_latency_percentiles():
    assert latency.percentile([5, 1, 3], 50) == 3
    assert latency.summary([])["p95"] == 0.0
    assert latency.percentile(list(range(1, 101)), 95) == 95
