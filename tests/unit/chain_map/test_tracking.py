"""Industry tracking (issue #15) in the chain map and the brief: the profile version used, an edited
profile's body, and indicator signals that tighten the risk strategy with dated evidence."""

from __future__ import annotations

import dataclasses

import pandas as pd

from agents.chain_map.brief import build_brief
from agents.chain_map.service import run_chain_map
from tools.monitoring import indicators
from tools.monitoring.tracking import IndustryTracking, corpus_profiles
from tools.storage import SqliteDatabase


def _tracked(ctx, mini_corpus, tmp_path):
    tracking = IndustryTracking(SqliteDatabase(tmp_path / "m.sqlite"), corpus_profiles(mini_corpus))
    return dataclasses.replace(ctx, tracking=tracking.lookup), tracking


def test_brief_states_version_1_and_then_the_edited_version(ctx, mini_corpus, tmp_path):
    tctx, tracking = _tracked(ctx, mini_corpus, tmp_path)
    brief = build_brief(tctx, "danyang_eyewear")
    assert brief.profile_version.startswith("v1（2026-01-01，corpus）") and "行业画像版本：v1" in brief.markdown
    _, text = tracking.profiles.current("danyang_eyewear")
    tracking.profiles.commit("danyang_eyewear", text.replace("## 尽调要点\n", "## 尽调要点\n- 核实新增的海外订单。\n"),
                             author="staff:zhang", reason="调研")
    brief = build_brief(tctx, "danyang_eyewear")
    assert brief.profile_version.startswith("v2") and "核实新增的海外订单" in brief.markdown
    assert "行业画像版本：v1" in build_brief(ctx, "danyang_eyewear").markdown  # no tracking: the corpus text


def test_indicator_signal_tightens_the_map_risk_strategy(ctx, mini_corpus, tmp_path, eyewear_request):
    tctx, tracking = _tracked(ctx, mini_corpus, tmp_path)
    values = [100, 101, 99, 100, 102, 98, 100, 55]
    indicators.save(tracking.db, pd.DataFrame({"segment": "danyang_eyewear", "series": "order_volume", "value": values,
                                               "month": [f"2026-{m:02d}" for m in range(1, 9)]}))
    plain = run_chain_map(eyewear_request, ctx)
    tracked = run_chain_map(eyewear_request, tctx)
    assert tracked.risk.stance == "收紧" and plain.risk.stance == "维持"
    assert tracked.risk.risk_grade == min(5, plain.risk.risk_grade + 1)
    assert any("2026-08 订单量 55" in s for s in tracked.risk.industry_signals)
    assert tracked.profile_version.startswith("v1") and "行业画像版本：v1" in tracked.report_markdown
    assert "2026-08 订单量 55" in tracked.report_markdown
    assert "订单量" in build_brief(tctx, "danyang_eyewear").markdown


def test_a_broken_tracking_store_costs_only_the_version_line(ctx, eyewear_request):
    def boom(segment):
        raise ConnectionError("store down")

    res = run_chain_map(eyewear_request, dataclasses.replace(ctx, tracking=boom))
    assert res.profile_version is None and res.risk.stance == "维持"
