"""The second-stage ranker's feature builder, grouping, pair pools and candidate source, on small fakes
(hand-made candidate scores; a tiny index through the real Chroma/BM25 code with the hash embedder)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eval.rerank_candidates import CandidateSource
from eval.rerank_features import (ANSWER_COLUMNS, COLUMNS, QUESTION_COLUMNS, Candidate, QueryView, build_groups,
                                  column_index, features, gold_rank, reciprocal_ranks)
from eval.rerank_models import fit
from eval.rerank_pairs import PairPool, load_pools, sample_pool
from eval.suites.external_pairs import read_pairs
from eval.unionpay import build_index
from tests.unit.kb.fakes import HashEmbedder


def col(x: np.ndarray, name: str) -> np.ndarray:
    return x[:, COLUMNS.index(name)]


def faq_view() -> QueryView:
    return QueryView("境外取现手续费", [
        Candidate("a", "境外取现手续费是多少", fused=0.9, dense_q=0.8, dense_a=0.6, char_q=10.0, char_a=8.0,
                  word_q=4.0, word_a=2.0, category="境外"),
        Candidate("b", "如何查询交易", fused=0.5, dense_q=0.85, dense_a=0.7, char_q=2.0, char_a=4.0,
                  word_q=0.0, word_a=1.0, category="查询"),
        Candidate("c", "境外刷卡", fused=0.1, dense_q=0.3, dense_a=0.2, char_q=5.0, char_a=0.0,
                  word_q=2.0, word_a=0.0, category="境外"),
    ])


def test_features_normalise_per_query_and_rank_among_candidates():
    x = features(faq_view())
    assert x.shape == (3, len(COLUMNS))
    assert col(x, "char_q").tolist() == pytest.approx([1.0, 0.2, 0.5])  # divided by the best candidate's
    assert col(x, "word_q").tolist() == pytest.approx([1.0, 0.0, 0.5])
    assert col(x, "dense_q_gap").tolist() == pytest.approx([-0.05, 0.0, -0.55])
    assert col(x, "dense_q_rr").tolist() == pytest.approx([0.5, 1.0, 1 / 3])
    assert col(x, "fused_rr").tolist() == pytest.approx([1.0, 0.5, 1 / 3])  # first-stage order
    # 境外 holds 0.9 + 0.1 of the 1.5 fused mass of the candidates
    assert col(x, "cat_share").tolist() == pytest.approx([1.0 / 1.5, 0.5 / 1.5, 1.0 / 1.5])
    assert col(x, "jac_char1")[0] > col(x, "jac_char1")[2] > col(x, "jac_char1")[1] == 0.0
    assert col(x, "len_ratio")[0] == pytest.approx(7 / 10)
    assert np.isfinite(x).all()


def test_pair_candidates_have_no_answer_side_but_full_question_side():
    view = QueryView("怎么更改花呗手机号", [
        Candidate("p1", "花呗手机号码怎么改", dense_q=0.9, char_q=3.0, word_q=1.0),
        Candidate("p2", "借呗额度", dense_q=0.5, char_q=0.0, word_q=0.0)])
    x = features(view)
    assert np.isnan(x[:, column_index(ANSWER_COLUMNS)]).all()
    assert np.isnan(x[:, column_index(("fused", "fused_rr"))]).all()
    assert np.isfinite(x[:, column_index(QUESTION_COLUMNS)]).all()
    identical = features(QueryView("借呗额度", [Candidate("p2", "借呗额度", dense_q=1.0)]))
    assert col(identical, "jac_char2")[0] == col(identical, "jac_word")[0] == col(identical, "len_ratio")[0] == 1.0
    # nothing matched lexically: 0, not a division by zero
    assert col(features(QueryView("x", [Candidate("p", "y", dense_q=0.1)])), "char_q")[0] == 0.0


def test_reciprocal_ranks_put_nan_last_and_keep_ties_in_order():
    assert reciprocal_ranks(np.array([0.2, math.nan, 0.2, 0.9])).tolist() == pytest.approx([0.5, 0.25, 1 / 3, 1.0])


def test_groups_drop_goldless_queries_only_for_training():
    views = [faq_view(), faq_view(), QueryView("空", [])]
    golds = [{"b"}, {"zzz"}, {"a"}]
    train = build_groups(views, golds, require_positive=True)
    assert train.kept == [0] and train.sizes == [3] and train.y.tolist() == [0.0, 1.0, 0.0]
    evaluation = build_groups(views, golds, require_positive=False)
    assert evaluation.kept == [0, 1] and evaluation.sizes == [3, 3] and evaluation.X.shape == (6, len(COLUMNS))
    parts = evaluation.split(np.arange(6.0))
    assert [p.tolist() for p in parts] == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError):
        build_groups(views, golds[:2], require_positive=True)


def test_gold_rank_follows_the_scores_or_the_first_stage():
    view = faq_view()
    assert gold_rank(view, None, {"c"}) == 3
    assert gold_rank(view, np.array([0.1, 0.2, 0.9]), {"c"}) == 1
    assert gold_rank(view, np.array([0.5, 0.5, 0.1]), {"b"}) == 2  # a tie keeps first-stage order
    assert gold_rank(view, None, {"nope"}) is None


def test_both_rankers_learn_a_feature_that_decides_the_gold():
    rng = np.random.default_rng(0)
    views, golds = [], []
    for i in range(120):
        n = 6
        gold = int(rng.integers(n))
        cands = [Candidate(f"{i}-{j}", f"问题{j}", dense_q=float(rng.uniform(0, 0.5)) + (0.5 if j == gold else 0),
                           char_q=float(rng.uniform(0, 5)), word_q=float(rng.uniform(0, 2)))
                 for j in range(n)]
        views.append(QueryView("查询", cands))
        golds.append({f"{i}-{gold}"})
    groups = build_groups(views, golds, require_positive=True)
    for kind, params in (("lambdarank", {"num_leaves": 7, "n_estimators": 50}), ("logreg", {"C": 1.0})):
        ranker = fit(kind, groups, QUESTION_COLUMNS, params, seed=0)
        got = [gold_rank(v, s, g) for v, s, g in zip(views, groups.split(ranker.score(groups.X)), golds)]
        assert sum(r == 1 for r in got) / len(got) > 0.95, kind
    with pytest.raises(ValueError):
        fit("svm", groups, QUESTION_COLUMNS, {})


def test_pair_pool_links_partners_both_ways_and_keeps_negatives_as_distractors():
    rows = [(0, "花呗怎么还款", "花呗如何还钱", True), (1, "借呗额度", "借呗提额", False),
            (2, "花呗如何还钱", "怎样还花呗", True), (3, "同一句", "同一句", True), (4, "", "空", True)]
    pool = sample_pool("atec", rows, n_pos=10, n_neg=10, seed=0)
    assert set(pool.texts) == {"花呗怎么还款", "花呗如何还钱", "借呗额度", "借呗提额", "怎样还花呗"}
    idx = {t: i for i, t in enumerate(pool.texts)}
    gold = {pool.texts[q]: {pool.texts[g] for g in gs} for q, gs in pool.queries}
    assert gold == {"花呗怎么还款": {"花呗如何还钱"}, "花呗如何还钱": {"花呗怎么还款", "怎样还花呗"},
                    "怎样还花呗": {"花呗如何还钱"}}
    assert pool.gold()[0] == {PairPool.faq_id(g) for g in pool.queries[0][1]}
    assert pool.labels()[str(idx["借呗额度"])]["label_std_question"] == "借呗额度"
    again = sample_pool("atec", rows, n_pos=1, n_neg=1, seed=0)
    assert again.texts == sample_pool("atec", rows, n_pos=1, n_neg=1, seed=0).texts  # seeded


def test_candidate_source_reads_the_index_the_bench_builds(tmp_path):
    raw = HashEmbedder()
    labels = {lid: {"label_std_question": q, "answer": a, "subject": s} for lid, q, a, s in (
        ("0", "境外取现手续费是多少", "以发卡行标准为准", "境外"),
        ("1", "如何查询一笔交易", "致电客服热线查询", "查询"),
        ("2", "境外刷卡要手续费吗", "一般不收取", "境外"))}
    store, snaps = build_index(tmp_path, labels, {}, True, raw, collection="test-rerank")
    source = CandidateSource(store, snaps, raw)
    q, first = source.first_stage("境外取现手续费是多少？", k=3)
    assert [f for f, _ in first][0] == "faq_up_0" and len(first) == 3
    view = source.view(q, first)
    top = view.candidates[0]
    assert top.question == "境外取现手续费是多少" and top.category == "境外" and top.char_q > 0
    expected = float(raw.embed([q], "query")[0] @ raw.embed(["境外取现手续费是多少"], "query")[0])
    assert top.dense_q == pytest.approx(expected, abs=1e-5)
    assert not math.isnan(top.dense_a) and not math.isnan(top.char_a)
    _, without = source.first_stage("境外取现手续费是多少", k=3, exclude="faq_up_0")
    assert "faq_up_0" not in [f for f, _ in without] and len(without) == 2
    # a pair pool: questions only, so the answer side is NaN
    questions_only = {lid: labels[lid] | {"answer": ""} for lid in ("0", "1")}
    pstore, psnaps = build_index(tmp_path / "pool", questions_only, {}, False, raw, collection="test-rerank-pool")
    pview = CandidateSource(pstore, psnaps, raw)
    pq, pfirst = pview.first_stage("境外取现", k=2)
    assert all(math.isnan(c.dense_a) and math.isnan(c.char_a) for c in pview.view(pq, pfirst).candidates)


def test_atec_rows_are_read_with_their_boms_and_a_missing_set_is_named(tmp_path):
    atec = tmp_path / "atec" / "atec_nlp_sim_train.csv"
    atec.parent.mkdir()
    atec.write_text("\ufeff1\t\ufeff怎么更改花呗手机号码\t花呗手机号怎么改\t1\n2\t借呗额度\t借呗提额\t0\nbroken line\n",
                    encoding="utf-8")
    assert read_pairs("atec", atec) == [(0, "怎么更改花呗手机号码", "花呗手机号怎么改", True),
                                        (1, "借呗额度", "借呗提额", False)]
    pools = load_pools(tmp_path, {"atec": (5, 5)})
    assert pools[0].name == "atec" and len(pools[0].texts) == 4 and len(pools[0].queries) == 2
    with pytest.raises(FileNotFoundError, match="bq"):
        load_pools(tmp_path, {"atec": (5, 5), "bq": (1, 1)})
