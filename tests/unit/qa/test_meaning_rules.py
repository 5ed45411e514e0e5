"""Issue #19: the inspector catches by meaning what passed at 90–95 before — blame, promises of
returns in any wording with the missing disclosure, refusing a hand-off, deflecting without one —
and leaves the lawful look-alikes alone; evidence points at the words."""

from __future__ import annotations

import json

import pytest

from tests.unit.qa.conftest import C, G, dialog


def findings(inspector, *turns):
    return {f.rule_id: f for f in inspector.inspect(dialog(G, *turns, C)).findings}


def test_the_issues_four_dialogs_are_caught(inspector):
    f = findings(inspector, "我的卡被锁了", "你自己密码输错了怪谁？去柜台办", "好吧")
    assert "rude_language" in f and "怪谁" in f["rude_language"].evidence.text
    f = findings(inspector, "这个基金还能买吗", "今年肯定也能赚，放心买", "好的")
    rep = inspector.inspect(dialog(G, "这个基金还能买吗", "今年肯定也能赚，放心买", "好的", C))
    quoted = {f.evidence.text for f in rep.findings if f.rule_id == "forbidden_promise"}
    assert {"forbidden_promise", "disclosure"} <= set(f) and quoted == {"肯定也能赚", "放心买"}
    f = findings(inspector, "我要转人工", "人工不在，你跟我说就行", "好吧")
    assert "handoff_refused" in f and f["handoff_refused"].evidence.text == "人工不在"
    rep = inspector.inspect(dialog(G, "企业网银证书怎么更新", "这个不是我负责的", "好吧", C))
    assert "unresolved_no_handoff" in rep.rule_ids and rep.score < 90


@pytest.mark.parametrize("reply", [
    "你就不会看一下提示吗？", "这有什么好问的", "这是你自己的问题", "谁让你挂失的", "早跟你说过好几次了",
])
def test_attitude_and_blame(inspector, reply):
    assert "rude_language" in findings(inspector, "怎么办", reply, "好")


@pytest.mark.parametrize("reply", [
    "绝对能拿到收益", "这只只涨不跌", "不可能亏的", "百分百能下来", "收益是确定的",
])
def test_promises_in_any_wording(inspector, reply):
    assert "forbidden_promise" in findings(inspector, "怎么样", reply, "好")


@pytest.mark.parametrize("turns", [
    ("这个基金能买吗", "基金收益不确定，不能保证一定赚钱。温馨提示：理财非存款、产品有风险、投资须谨慎。", "好"),
    ("会涨回来吗", "无法保证一定会涨回来。温馨提示：理财非存款、产品有风险、投资须谨慎。", "好"),
    ("我要转人工", "好的，正在为您转接人工客服，请稍候。", "好"),
    ("帮我转人工", "人工客服正忙，已为您排队，也可以为您登记回电。", "好"),
    ("卡被吞了", "请您带身份证到该网点柜台办理领卡。", "好"),
    ("我自己输错密码了", "没关系，您可以在App里用人脸识别重置密码。", "好的"),
])
def test_lawful_lookalikes_stay_clean(inspector, turns):
    assert inspector.inspect(dialog(G, *turns, C)).findings == []


def test_a_refusal_followed_by_a_transfer_is_not_a_refusal(inspector):
    rep = inspector.inspect(dialog(G, "我要转人工", "人工很忙，跟我说就好", "不行，我要人工", "好的，马上为您转接，请稍候。", "好", C))
    assert "handoff_refused" not in rep.rule_ids


def test_the_fresh_dataset_labels_real_spans():
    from eval.qa_compliance_cases import OUT, build

    cases = build()
    assert len(cases) >= 120 and len({c["id"] for c in cases}) == len(cases)
    for c in cases:
        for ev in c["expected"]["evidence"]:
            assert c["input"]["turns"][ev["turn"]]["text"][ev["start"]:ev["end"]] == ev["text"]
        assert sorted({ev["rule"] for ev in c["expected"]["evidence"]}) == c["expected"]["rules"]
    assert [json.loads(x) for x in OUT.read_text(encoding="utf-8").splitlines()] == cases  # committed = built


def test_span_overlap():
    from eval.suites.qa_inspection import span_overlap

    assert span_overlap((0, 4), (0, 4)) == 1.0 and span_overlap((0, 2), (2, 4)) == 0.0
    assert span_overlap((0, 4), (2, 4)) == 0.5
