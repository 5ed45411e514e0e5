"""Grounding check: numbers and product claims must come from the cited passages."""

from __future__ import annotations

from agents.common.grounding import check_grounding, numbers_in, sentence_supported, split_sentences
from eval.metrics import answers

TAX = "禾信税务贷面向纳税信用A/B/M级的小微企业，额度最高300万元，期限最长12个月，线上申请。"
INVOICE = "禾信发票贷按近12个月开票金额核额，线上随借随还。"
PASSAGES = {"1": TAX, "2": INVOICE}


def test_eval_metric_uses_the_same_definition():
    assert answers.sentence_supported is sentence_supported


def test_numbers_are_whole_tokens_and_markers_are_not_numbers():
    assert numbers_in("额度最高300万元[2]，年化3.85%，1,000元") == ["300", "3.85%", "1000"]
    assert numbers_in("期限三年，一些问题") == ["三年"]
    assert not sentence_supported("额度最高30万元", TAX)  # 30 is not 300
    assert sentence_supported("额度最高300万元", TAX)
    assert sentence_supported("额度最高３００万元", TAX)  # full-width digits


def test_grounded_answer_with_markers_passes():
    answer = "您好！禾信税务贷额度最高300万元，期限最长12个月[1]。发票贷按近12个月开票金额核额[2]。如需办理请联系客户经理。"
    report = check_grounding(answer, PASSAGES, product_terms=["禾信税务贷"])
    assert report.grounded, report.unsupported
    needs = [c.needs_support for c in report.sentences]
    assert needs == [False, True, True, False]  # the greeting and the closing need no support


def test_invented_number_fails_and_names_the_sentence():
    answer = "禾信税务贷额度最高500万元[1]。"
    report = check_grounding(answer, PASSAGES)
    assert not report.grounded and report.unsupported == ["禾信税务贷额度最高500万元[1]。"]
    assert "number" in report.sentences[0].reason


def test_marker_restricts_support_to_that_passage():
    answer = "发票贷按近12个月开票金额核额[1]。"  # wrong citation: the claim is in passage 2
    assert not check_grounding(answer, PASSAGES).grounded
    assert check_grounding("发票贷按近12个月开票金额核额。", PASSAGES).grounded  # no marker: any passage


def test_product_term_without_number_needs_wording_overlap():
    assert not check_grounding("我们的贷款保证审批通过，利率全市最低。", PASSAGES).grounded
    assert check_grounding("税务贷可以线上申请。", PASSAGES).grounded
    assert check_grounding("禾信发票贷很适合您。", [INVOICE], product_terms=["禾信发票贷"]).sentences[0].needs_support


def test_chinese_numeral_claims_must_appear_verbatim():
    assert not check_grounding("税务贷期限最长三年。", PASSAGES).grounded


def test_empty_answer_is_not_grounded_and_list_passages_are_numbered():
    assert not check_grounding("", PASSAGES).grounded
    assert check_grounding("额度最高300万元[1]。", [TAX]).grounded
    assert split_sentences("一。二！三？\n四") == ["一。", "二！", "三？", "四"]


def test_anchored_needs_one_sentence_supported_by_a_passage():
    from agents.common.grounding import anchored

    passages = ["丹阳眼镜产业的上游是树脂单体和镜架金属材料供应商。"]
    assert anchored("您好。上游是树脂单体和镜架金属材料供应商[1]。", passages)
    assert not anchored("{not json", passages) and not anchored("您好，很高兴为您服务。", passages)
