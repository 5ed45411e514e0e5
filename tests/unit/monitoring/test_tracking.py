"""Industry tracking: note validation, versioned profiles (history, diff, digest), proposals, indicators."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from prompts.loader import read
from tools.monitoring import indicators
from tools.monitoring.notes import NoteInvalid, parse_note
from tools.monitoring.profiles import ProposalStale


def test_the_template_with_its_placeholders_is_rejected_field_by_field(corpus):
    with pytest.raises(NoteInvalid) as exc:
        parse_note(read("monitoring/field_note.md"), set(corpus.industries), date(2026, 12, 1))
    assert exc.value.errors == [f"sections.{s}: 缺少内容" for s in ("季节性", "价格", "需求", "信贷做法", "风险")]


def test_bad_front_matter_names_each_field(corpus, note_text):
    bad = note_text.replace("segment: yixing_zisha", "segment: nowhere").replace("date: 2026-11-18", "date: 2099-01-01") \
        .replace("interviewees: [紫砂壶作坊主（从业15年）, 丁蜀镇陶瓷行业协会秘书长]", "interviewees: []")
    with pytest.raises(NoteInvalid) as exc:
        parse_note(bad, set(corpus.industries), date(2026, 12, 1))
    assert exc.value.errors == ["segment: 未知行业 'nowhere'", "date: 2099-01-01 晚于今天", "interviewees: 至少填写一位受访人"]
    with pytest.raises(NoteInvalid, match="front_matter"):
        parse_note("## 价格\n涨了", set(corpus.industries))


def test_note_is_attached_indexed_masked_and_idempotent(svc, note_text):
    first = svc.add_note(note_text, "staff:zhang")
    assert (first.attached, first.indexed_chunks, first.llm, first.proposal) == (True, 5, "none", None)
    assert svc.add_note(note_text, "staff:zhang").attached is False
    hits = svc.search_notes("泥料价格上涨")
    assert hits[0].section == "价格" and hits[0].note_id == first.note_id
    stored = svc.tracking.profiles.notes("yixing_zisha")[0]["text"]
    assert "13812345678" not in stored and "库存积压" in stored


def test_versions_history_diff_and_digest(svc):
    _, text = svc.tracking.profiles.current("yixing_zisha")
    edited = text.replace("## 风险要点\n", "## 风险要点\n- 原矿价格上涨10%（2026-11 实地调研）。\n")
    v2 = svc.tracking.profiles.commit("yixing_zisha", edited, author="staff:zhang", reason="调研后更新",
                                     ts="2026-11-20T09:00:00+00:00")
    assert v2.version == 2
    with pytest.raises(ValueError, match="content"):
        svc.commit_profile("yixing_zisha", edited, author="staff:zhang", reason="again")
    with pytest.raises(ValueError, match="reason"):
        svc.commit_profile("yixing_zisha", edited + "x", author="staff:zhang", reason=" ")
    hist = svc.history("yixing_zisha")
    assert [(v.version, v.author, v.reason) for v in hist] == [(1, "corpus", "知识库初始版本"), (2, "staff:zhang", "调研后更新")]
    diff = svc.diff("yixing_zisha", "2026-11-01")
    assert "+- 原矿价格上涨10%（2026-11 实地调研）。" in diff and diff.startswith("--- yixing_zisha v1")
    assert svc.diff("yixing_zisha", "2026-11-21") == ""
    digest = svc.digest("2026-11")
    assert "`yixing_zisha` v2（2026-11-20，staff:zhang）：调研后更新" in digest
    assert "（+1/-0 行）" in digest
    assert "本月无修订" in svc.digest("2026-10")


class _Model(GenericFakeChatModel):
    pass


def test_llm_proposal_is_a_diff_a_person_accepts_or_rejects(svc, note_text):
    _, text = svc.tracking.profiles.current("yixing_zisha")
    proposed = text.replace("## 风险要点\n", "## 风险要点\n- 泥料价格上涨约10%（2026-11 实地调研）。\n")
    svc.context.chat_model = _Model(messages=iter([AIMessage(content=proposed)]))
    res = svc.add_note(note_text, "staff:zhang")
    assert res.llm == "llm" and res.proposal.status == "pending"
    assert "+- 泥料价格上涨约10%（2026-11 实地调研）。" in res.proposal.diff
    assert svc.history("yixing_zisha")[-1].version == 1  # nothing changes before a person decides
    v = svc.decide_proposal(res.proposal.proposal_id, accept=True, by="staff:li", comment="核实无误")
    assert (v.version, v.source_note, v.author) == (2, res.note_id, "staff:li")
    with pytest.raises(ValueError, match="proposal_id"):
        svc.decide_proposal(res.proposal.proposal_id, accept=False, by="staff:li")


def test_invalid_model_output_falls_back_and_stale_proposals_are_refused(svc, note_text, corpus):
    svc.context.chat_model = _Model(messages=iter([AIMessage(content="好的，我来修改：价格上涨。")]))
    res = svc.add_note(note_text, "staff:zhang")
    assert (res.llm, res.llm_reason, res.proposal) == ("fallback", "invalid_output", None)
    _, text = svc.tracking.profiles.current("yixing_zisha")
    prop = svc.tracking.profiles.propose("yixing_zisha", res.note_id, text + "\n补充。\n")
    svc.commit_profile("yixing_zisha", text + "\n人工改动。\n", author="staff:wang", reason="人工")
    with pytest.raises(ProposalStale):
        svc.decide_proposal(prop.proposal_id, accept=True, by="staff:li")
    assert svc.decide_proposal(prop.proposal_id, accept=False, by="staff:li") is None


def _series(values, series="order_volume", segment="yixing_zisha"):
    return pd.DataFrame({"segment": segment, "month": [f"2026-{m:02d}" for m in range(1, len(values) + 1)],
                         "series": series, "value": values})


def test_indicator_threshold_trend_break_and_loosening():
    flat = _series([100, 102, 99, 101, 100, 98, 101, 100, 99, 102])
    assert indicators.signals(flat) == []
    drop = indicators.signals(_series([100, 102, 99, 101, 100, 98, 101, 100, 99, 60]))
    assert [(s.kind, s.direction, s.month) for s in drop] == [("trend_break", "tighten", "2026-10")]
    assert "订单量 60" in drop[0].evidence and "下降" in drop[0].evidence
    rise = indicators.signals(_series([100, 102, 99, 101, 100, 98, 101, 100, 99, 140]))
    assert rise[0].direction == "loosen" and indicators.stance(rise) == "放宽"
    overdue = indicators.signals(_series([2.0, 2.1, 2.2, 2.3, 2.4, 3.2], series="overdue_rate"))
    assert ("threshold", "tighten") in {(s.kind, s.direction) for s in overdue}
    assert indicators.signals(_series([100, 102, 99, 101, 100, 98, 101, 100, 99, 60]), as_of="2026-09") == []


def test_indicator_csv_errors_name_the_field(svc):
    with pytest.raises(indicators.IndicatorFileError, match="columns"):
        indicators.read_csv("segment,month,value\nx,2026-01,1\n")
    with pytest.raises(indicators.IndicatorFileError, match="month: 第 2 行"):
        indicators.read_csv("segment,month,series,value\nx,2026-13,price_index,1\n")
    with pytest.raises(indicators.IndicatorFileError, match="value: 第 3 行"):
        indicators.read_csv("segment,month,series,value\nx,2026-01,price_index,1\nx,2026-02,price_index,abc\n")
    with pytest.raises(indicators.IndicatorFileError, match="segment"):
        svc.load_indicators("segment,month,series,value\nnowhere,2026-01,price_index,1\n")
