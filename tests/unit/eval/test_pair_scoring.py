"""Known-answer tests for threshold choice and the lexical pair-similarity baselines (no data needed)."""

from __future__ import annotations

import pytest

from eval.metrics.threshold import at_threshold, best_threshold
from eval.pair_similarity import Bm25Pairs, char_bigrams, char_jaccard


def test_best_threshold_separates_separable_scores():
    scores = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9]
    labels = [False, False, False, True, True, True]
    t = best_threshold(scores, labels)
    assert t == pytest.approx(0.5)  # midpoint between 0.3 and 0.7
    assert at_threshold(scores, labels, t) == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "accuracy": 1.0}


def test_best_threshold_edge_cases():
    assert best_threshold([], []) == 0.5
    assert best_threshold([0.4, 0.6], [True, True]) < 0.4  # all positive: below every score
    assert best_threshold([0.4, 0.6], [False, False]) > 0.6  # all negative: above every score
    # ties in score with mixed labels: the best is still an accuracy maximiser
    scores, labels = [0.5, 0.5, 0.5, 0.9], [True, False, False, True]
    t = best_threshold(scores, labels)
    assert at_threshold(scores, labels, t)["accuracy"] == 0.75
    with pytest.raises(ValueError):
        best_threshold([0.1], [])


def test_best_threshold_prefers_lowest_among_equal_accuracy():
    # both t in (0.2, 0.4) and t in (0.6, 0.8) give 3/4 correct; the lower one is kept
    scores, labels = [0.2, 0.4, 0.6, 0.8], [False, True, False, True]
    t = best_threshold(scores, labels)
    assert 0.2 < t < 0.4


def test_threshold_held_out_accuracy_is_not_flattered():
    calib = ([0.2, 0.3, 0.6, 0.7], [False, False, True, True])
    t = best_threshold(*calib)
    test = at_threshold([0.4, 0.5, 0.8], [True, False, True], t)  # 0.5 is a false positive at t=0.45
    assert test["accuracy"] == pytest.approx(1 / 3)  # 0.4 missed, 0.5 wrong, 0.8 right
    assert test["precision"] == 0.5 and test["recall"] == 0.5


def test_char_jaccard_known_answers():
    assert char_jaccard("花呗怎么还款", "花呗怎么还款") == 1.0
    assert char_jaccard("你好", "再见") == 0.0
    assert char_jaccard("", "") == 0.0
    assert char_bigrams("借呗！") == {"借呗"}  # punctuation dropped
    assert char_bigrams("借") == {"借"}
    # 花呗还款 / 花呗还钱: bigrams {花呗, 呗还, 还款} vs {花呗, 呗还, 还钱}: 2 shared of 4
    assert char_jaccard("花呗还款", "花呗还钱") == pytest.approx(0.5)
    assert char_jaccard("還款", "还款") == 1.0  # traditional input normalised


def test_bm25_pairs_is_symmetric_scale_free_and_ranks_paraphrases_higher():
    corpus = ["花呗怎么还款", "借呗额度怎么提高", "怎么更换绑定的银行卡", "花呗逾期了怎么办", "如何开通借呗"]
    bm = Bm25Pairs(corpus)
    assert bm.similarity("花呗怎么还款", "花呗怎么还款") == pytest.approx(1.0)
    a, b = "花呗怎么还款", "花呗如何还款"
    assert bm.similarity(a, b) == pytest.approx(bm.similarity(b, a))
    assert bm.similarity(a, b) > bm.similarity(a, "借呗额度怎么提高")
    assert bm.similarity("", a) == 0.0
    # a rare word weighs more than a common one
    assert bm.idf("逾期") > bm.idf("怎么")
    with pytest.raises(ValueError):
        Bm25Pairs([])


def test_f1_objective_does_not_collapse_on_rare_positives():
    # 2 positives among 10: the accuracy optimum predicts nothing positive, the F1 optimum finds them
    scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.65, 0.8, 0.85, 0.9]
    labels = [False, False, False, False, False, True, False, True, False, False]
    acc_t = best_threshold(scores, labels, "accuracy")
    f1_t = best_threshold(scores, labels, "f1")
    assert at_threshold(scores, labels, acc_t) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "accuracy": 0.8}
    assert f1_t == pytest.approx(0.55)  # 2 TP, 3 FP: F1 = 4/7
    assert at_threshold(scores, labels, f1_t)["f1"] == pytest.approx(4 / 7)
    with pytest.raises(ValueError):
        best_threshold(scores, labels, "auc")
