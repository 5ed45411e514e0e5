"""Normalisation shared by corpus and queries: traditional → simplified, full-width → half-width."""

from __future__ import annotations

from kb.retrieval.lexical import char_tokens, word_tokens
from kb.textnorm import normalize


def test_traditional_to_simplified_and_fullwidth():
    assert normalize("銀行卡丟了怎麼辦") == "银行卡丢了怎么办"
    assert normalize("ＰＯＳ機　刷卡１２３元") == "POS机 刷卡123元"
    assert normalize("貸款，利率？") == "贷款，利率？"  # CJK punctuation is kept (sentence splitting needs it)
    assert normalize("第一行\r\n第二行   ") == "第一行\n第二行"


def test_tokenisers_see_normalised_text():
    assert char_tokens("ＰＯＳ機") == char_tokens("pos机") == ["p", "o", "s", "机", "po", "os", "s机"]
    assert char_tokens("臺灣，銀行") == ["台", "湾", "台湾", "银", "行", "银行"]  # no bigram across punctuation
    assert "银行卡" in word_tokens("銀行卡掛失") or "银行" in word_tokens("銀行卡掛失")
