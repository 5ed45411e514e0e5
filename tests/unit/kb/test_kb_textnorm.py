"""Normalisation shared by corpus and queries: traditional → simplified, full-width → half-width."""

from __future__ import annotations

from kb.retrieval.lexical import char_tokens, word_tokens
from kb.textnorm import fix_typos, normalize, normalize_query, strip_fillers


def test_traditional_to_simplified_and_fullwidth():
    assert normalize("銀行卡丟了怎麼辦") == "银行卡丢了怎么办"
    assert normalize("ＰＯＳ機　刷卡１２３元") == "POS机 刷卡123元"
    assert normalize("貸款，利率？") == "贷款，利率？"  # CJK punctuation is kept (sentence splitting needs it)
    assert normalize("第一行\r\n第二行   ") == "第一行\n第二行"


def test_tokenisers_see_normalised_text():
    assert char_tokens("ＰＯＳ機") == char_tokens("pos机") == ["p", "o", "s", "机", "po", "os", "s机"]
    assert char_tokens("臺灣，銀行") == ["台", "湾", "台湾", "银", "行", "银行"]  # no bigram across punctuation
    assert "银行卡" in word_tokens("銀行卡掛失") or "银行" in word_tokens("銀行卡掛失")


def test_query_normalisation_fixes_typos_and_fillers():
    assert normalize_query("請問稅務貸的利率是多少") == "税务贷的利率是多少"
    assert fix_typos("代款利律多少，转帐多久到帐") == "贷款利率多少，转账多久到账"
    assert strip_fillers("嗯…那个，我想问一下开户要带啥啊") == "开户要带啥"
    assert strip_fillers("额，信用卡年费多少") == "信用卡年费多少"


def test_query_normalisation_keeps_words_that_look_like_fillers():
    assert normalize_query("额度多少") == "额度多少"  # 额 without a pause is a word
    assert normalize_query("这个产品利率多少") == "这个产品利率多少"  # a follow-up's pronoun
    assert normalize_query("那利率呢") == "那利率呢"
    assert normalize_query("嗯") == "嗯" and normalize_query("你好") == "你好"  # only fillers: kept
    assert normalize("代款") == "代款"  # corpus normalisation never rewrites words
