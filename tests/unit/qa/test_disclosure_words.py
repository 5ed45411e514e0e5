"""Iteration 5 of the missing-disclosure rule (issue #19): an agent's own words count as the disclosure, and a
topic word inside another word, or a code that is only late, is no topic."""

from __future__ import annotations

import pytest

from agents.qa_inspection.service import QaService
from tests.unit.qa.conftest import C, G, dialog


@pytest.fixture(scope="module")
def base(corpus):
    return QaService.from_corpus(corpus, classifier=False)


@pytest.mark.parametrize(("question", "reply"), [
    ("黄金现在能买吗", "金价波动比较大，建议分批少量配置。温馨提示：贵金属投资有风险，请审慎决策。"),
    ("有人让我把钱转到安全账户", "请您千万不要转！这是典型的诈骗手法，银行没有所谓的安全账户。"),
    ("换外币的汇率怎么和早上不一样", "汇率是实时变动的，以您办理时的价格为准。"),
])
def test_a_disclosure_in_the_agents_own_words_counts(base, question, reply):
    assert "disclosure" not in base.inspect(dialog(G, question, reply, "好", C)).rule_ids


@pytest.mark.parametrize(("question", "reply"), [
    ("你们是不是乱扣我钱", "我查到是一笔短信服务费，我帮您取消，并申请退回本月费用。"),  # 退回本月 is no 回本
    ("手机银行登录老说验证码错误", "验证码60秒就过期，请收到后尽快输入。"),  # a late code is no fraud topic
    ("我房贷放款的事怎么样了", "您的放款排在本周的批次里，放款后会短信通知您。"),  # where a disbursement stands
])
def test_a_word_that_is_no_topic_needs_no_disclosure(base, question, reply):
    assert "disclosure" not in base.inspect(dialog(G, question, reply, "好", C)).rule_ids


@pytest.mark.parametrize(("question", "reply"), [
    ("我想买点纸黄金", "纸黄金在贵金属栏目里，按克买，一克起买。"),
    ("你们那个万能险怎么样", "万能险的结算利率每个月公布，上个月是百分之三点五。"),
    ("我想改限额", "好的，请把您收到的短信验证码告诉我。"),
])
def test_gold_insurance_investment_and_handing_over_a_code_are_topics(base, question, reply):
    assert "disclosure" in base.inspect(dialog(G, question, reply, "好", C)).rule_ids
