"""The clause classifiers of the QA inspector (issue #19): clause spans, features, the JSON artefact,
the gates they share with the deterministic rules, and how the shipped model was built."""

from __future__ import annotations

import json

import pytest

from agents.qa_inspection.service import CLASSIFIER_MODEL, QaService
from tests.unit.qa.conftest import C, G, dialog
from tools.qa.classifier import CLASSIFIER_RULES, ClauseClassifier, RuleModel, clauses, features, positioned_features
from tools.qa.span import SpanModel, boundary_features


def test_clauses_keep_their_spans_in_the_turn():
    text = "去年涨了20%，今年肯定也能赚！ 放心买。"
    got = clauses(text)
    assert [c.text for c in got] == ["去年涨了20%", "今年肯定也能赚", "放心买"]
    assert all(text[c.start:c.end] == c.text for c in got)


def test_features_are_char_ngrams_and_words():
    f = features("怪谁")
    assert {"c:^怪", "c:怪谁", "c:谁$", "c:^怪谁", "c:怪谁$", "c:怪"} <= f and "c:^" not in f
    assert any(x.startswith("w:") for x in f)


def test_positioned_features_cover_their_characters():
    got = positioned_features("怪谁呢")
    assert ("c:^怪", 0, 1) in got and ("c:谁呢$", 1, 3) in got and ("c:怪谁呢", 0, 3) in got
    assert {f for f, _, _ in got} == features("怪谁呢")


def _fake(rule: str, word: str, threshold: float = 0.5) -> ClauseClassifier:
    """One rule: a clause with ``word`` scores 0.95, any other 0.05."""
    return ClauseClassifier({rule: RuleModel(-3.0, {f"c:{word}": 6.0}, threshold)})


def test_hits_pick_the_best_clause_over_the_threshold():
    clf = _fake("rude_language", "赖")
    hit = clf.hits("这个嘛，只能赖您，下次注意")["rude_language"]
    assert hit.clause.text == "只能赖您" and hit.probability > 0.9
    assert hit.evidence == hit.clause  # no span model: the quote is the clause
    assert clf.hits("好的，马上为您办理") == {}


def _span(start: dict[str, float], end: dict[str, float]) -> SpanModel:
    return SpanModel(start, end)


def test_the_span_model_quotes_inside_the_clause():
    """A learned start skips the topic in front, a learned end the particle behind; offsets stay in the turn."""
    span = _span({"aw:我": 3.0}, {"a1:$": 1.0, "a1:的": 2.0})
    assert span.narrow("外币的业务我这边弄不了", "unresolved_no_handoff") == (5, 11)
    assert span.narrow("不可能亏的", "forbidden_promise")[1] == 4
    assert span.narrow("好", "rude_language") == (0, 1)  # too short to cut
    clf = ClauseClassifier({"unresolved_no_handoff": RuleModel(-3.0, {"c:弄不了": 6.0}, 0.5)}, span=span)
    hit = clf.hits("您好，外币的业务我这边弄不了。")["unresolved_no_handoff"]
    assert hit.clause.text == "外币的业务我这边弄不了" and hit.evidence.text == "我这边弄不了"
    assert "您好，外币的业务我这边弄不了。"[hit.evidence.start:hit.evidence.end] == "我这边弄不了"


def test_boundary_features_name_both_sides_and_the_rule():
    feats = boundary_features("包在我身上", "forbidden_promise")
    assert len(feats) == 6
    assert {"b1:^", "a1:包", "from_start:0", "forbidden_promise|a1:包"} <= feats[0]
    assert "a1:$" in feats[5] and "to_end:0" in feats[5]


def test_artefact_round_trip_and_unknown_rules(tmp_path):
    clf = _fake("handoff_refused", "别等")
    path = tmp_path / "m.json"
    path.write_text(json.dumps(clf.to_dict(), ensure_ascii=False), encoding="utf-8")
    again = ClauseClassifier.from_file(path)
    assert again.models["handoff_refused"].weights == {"c:别等": 6.0} and again.span is None
    clf.span = _span({"aw:别": 2.0}, {"a1:$": 1.0})
    path.write_text(json.dumps(clf.to_dict(), ensure_ascii=False), encoding="utf-8")
    assert ClauseClassifier.from_file(path).span == clf.span
    with pytest.raises(ValueError, match="unknown rules"):
        ClauseClassifier({"greeting": RuleModel(0.0, {}, 0.5)})


@pytest.fixture(scope="module")
def base(corpus):
    return QaService.from_corpus(corpus, classifier=False)


def _with(base, clf):
    return QaService(base.rubric, base.compliance, base.ctx.facts, classifier=clf)


def test_a_clause_hit_is_a_finding_with_the_clause_as_evidence(base):
    rep = _with(base, _fake("rude_language", "赖")).inspect(dialog(G, "卡被锁了", "这事嘛，只能赖您本人。", "好吧", C))
    f = next(f for f in rep.findings if f.rule_id == "rude_language")
    assert f.evidence.text == "只能赖您本人" and "分类器" in f.message
    assert "rude_language" not in base.inspect(dialog(G, "卡被锁了", "这事嘛，只能赖您本人。", "好吧", C)).rule_ids


def test_the_finding_quotes_the_span_and_negation_reads_the_whole_clause(base):
    span = _span({"aw:一定": 3.0, "aw:只能": 3.0}, {"a1:$": 1.0})
    svc = _with(base, ClauseClassifier({"forbidden_promise": RuleModel(-3.0, {"c:赚": 6.0}, 0.5),
                                        "rude_language": RuleModel(-3.0, {"c:赖": 6.0}, 0.5)}, span=span))
    f = next(f for f in svc.inspect(dialog(G, "卡被锁了", "这事嘛，就只能赖您本人。", "好吧", C)).findings
             if f.rule_id == "rude_language")
    assert f.evidence.text == "只能赖您本人" and "“只能赖您本人”" in f.message
    # the quote would be 「一定赚钱」, but the clause says 「不能保证」: no promise
    rep = svc.inspect(dialog(G, "这款能赚吗", "不能保证一定赚钱。温馨提示：理财非存款、产品有风险、投资须谨慎。", "好", C))
    assert "forbidden_promise" not in rep.rule_ids


def test_a_refused_hand_off_needs_the_request_and_no_transfer_after(base):
    svc = _with(base, _fake("handoff_refused", "别等"))
    assert "handoff_refused" in svc.inspect(dialog(G, "我要转人工", "您就别等了，我来。", "好", C)).rule_ids
    assert "handoff_refused" not in svc.inspect(dialog(G, "网点几点开门", "您就别等了，早点去。", "好", C)).rule_ids
    transferred = dialog(G, "我要转人工", "您就别等了，我来。", "还是要人工", "好的，正在为您转接，请稍候。", "好", C)
    assert "handoff_refused" not in svc.inspect(transferred).rule_ids


def test_deflection_by_the_classifier_needs_no_hand_off_after(base):
    svc = _with(base, _fake("unresolved_no_handoff", "没辙"))
    assert "unresolved_no_handoff" in svc.inspect(dialog(G, "怎么办", "这事我也没辙。", "好", C)).rule_ids
    assert "unresolved_no_handoff" not in svc.inspect(dialog(G, "怎么办", "这事我也没辙，已为您登记工单。", "好", C)).rule_ids


def test_a_wealth_promise_without_disclosure_also_misses_the_disclosure(base):
    svc = _with(base, _fake("forbidden_promise", "兜底"))
    rep = svc.inspect(dialog(G, "这款理财安全吗", "有人兜底，您放宽心。", "好", C))
    assert {"forbidden_promise", "disclosure"} <= rep.rule_ids
    loan = svc.inspect(dialog(G, "贷款能批吗", "有人兜底，您放宽心。", "好", C))
    assert "forbidden_promise" in loan.rule_ids and "disclosure" not in loan.rule_ids
    told = svc.inspect(dialog(G, "这款理财安全吗", "有人兜底。温馨提示：理财非存款、产品有风险、投资须谨慎。", "好", C))
    assert "forbidden_promise" in told.rule_ids and "disclosure" not in told.rule_ids


def test_the_classifier_can_be_switched_off(corpus):
    off = QaService.from_corpus(corpus, classifier=False)
    assert off.ctx.classifier is None and QaService.from_corpus(corpus).ctx.classifier is not None


def test_the_shipped_model_records_how_it_was_built():
    from eval.qa_classifier_train import HELDOUT_FILES, SEED

    clf = ClauseClassifier.from_file(CLASSIFIER_MODEL)
    assert set(clf.models) == set(CLASSIFIER_RULES)
    meta = clf.meta
    assert meta["seed"] == SEED and meta["trained_by"] == "eval.qa_classifier_train"
    assert "variant heldout" in meta["excluded"] and set(HELDOUT_FILES) <= set(meta["excluded"])
    assert CLASSIFIER_MODEL.stat().st_size < 2_000_000
    assert clf.span is not None and meta["span"]["iou_with_label"]["all"]["clauses"] > 400
    assert {r: meta["dialog_oof"][r]["threshold"] for r in CLASSIFIER_RULES} == {r: m.threshold for r, m in clf.models.items()}
    assert all(meta["dialog_oof"][r]["by"] != "dialog" or meta["dialog_oof"][r]["dialog_precision"] >= 0.9
               for r in CLASSIFIER_RULES)


def test_training_never_sees_a_held_out_dialog():
    from eval.qa_classifier_train import dialog_samples
    from eval.schema import DATASETS_DIR, load_cases

    held = {c.id for c in load_cases(DATASETS_DIR / "qa_compliance_dialogs.jsonl") if c.tags.variant == "heldout"}
    held |= {c.id for c in load_cases(DATASETS_DIR / "qa_compliance_heldout.jsonl")}
    groups = {s.group for s in dialog_samples()}
    assert held and not (groups & held) and any(g.startswith("qac_") for g in groups)
    fresh = {c.id for c in load_cases(DATASETS_DIR / "qa_compliance_dialogs.jsonl") if c.tags.variant in ("round7", "round8")}
    assert len(fresh) >= 240 and fresh <= groups  # rounds 7-8 are training data


@pytest.mark.parametrize(("rule", "question", "reply", "quoted"), [
    ("rude_language", "你能再解释一下吗", "解释多少次你才懂啊？", "你才懂啊"),
    ("forbidden_promise", "我的经营贷能续贷吗", "续贷是肯定的，到期自动给您续上。", "续贷是肯定的"),
    ("handoff_refused", "我要人工客服", "人工客服不受理您这类业务。", "人工客服不受理"),
    ("unresolved_no_handoff", "企业税务贷怎么申请", "税务贷我不了解，你上网看看吧。", "我不了解"),
])
def test_the_shipped_model_adds_what_the_rules_miss(base, inspector, rule, question, reply, quoted):
    """One training-round wording per rule: the rules alone miss it, the shipped classifier quotes the
    labelled words inside its clause (the span model cuts 「解释多少次」 and 「您这类业务」 off)."""
    d = dialog(G, question, reply, "好", C)
    assert rule not in base.inspect(d).rule_ids
    f = next(f for f in inspector.inspect(d).findings if f.rule_id == rule)
    assert f.evidence.text == quoted


@pytest.mark.parametrize("reply", [
    "收益不保证，业绩比较基准只是参考。温馨提示：理财非存款、产品有风险、投资须谨慎。",
    "我不能承诺一定能批，以审批结果为准。",
    "好的，现在人工不多，请您耐心等待，我这就帮您转接。",
    "这种情况不怪您，已为您登记工单跟进。",
])
def test_the_shipped_model_leaves_near_misses_clean(inspector, reply):
    assert inspector.inspect(dialog(G, "这个怎么办", reply, "好", C)).findings == []


def test_training_is_seeded_and_separates_the_classes():
    from eval.qa_classifier_train import Sample, train

    pos = ["你烦不烦啊", "你自己看不懂怪谁", "别来烦我", "你听不懂吗", "真是烦死了"]
    neg = ["好的马上为您办理", "请您稍候", "已为您登记工单", "可以在App里查询", "感谢您的耐心"]
    samples = [Sample(f"d{i}", t, t, {"rude_language"}, set()) for i, t in enumerate(pos)]
    samples += [Sample(f"n{i}", t, t, set(), set()) for i, t in enumerate(neg)]
    a, b = train(samples, ("rude_language",)), train(samples, ("rude_language",))
    assert a.to_dict() == b.to_dict()
    model = a
    assert model.models["rude_language"].probability(features("你烦不烦")) > model.models["rude_language"].probability(features("请您稍候"))


def _case(cid: str, reply: str, evidence: list[dict], question: str = "这个怎么办", after: str | None = None):
    from eval.schema import EvalCase

    turns = [{"role": "agent", "text": G}, {"role": "customer", "text": question}, {"role": "agent", "text": reply},
             {"role": "customer", "text": "好"}, {"role": "agent", "text": after or C}]
    return EvalCase.model_validate({"id": cid, "input": {"id": cid, "turns": turns, "channel": "human", "complete": True},
                                    "expected": {"rules": sorted({e["rule"] for e in evidence}), "evidence": evidence},
                                    "tags": {"variant": "round7"}})


def test_training_leaves_out_what_the_gates_or_other_labels_decide():
    """A clean clause where a gate is closed (a transfer follows) is no negative for the gated rule; a
    clause labelled with one rule is no negative for the others; spans are kept in clause offsets."""
    from eval.qa_classifier_train import dialog_samples

    clean = _case("c1", "这个我不太清楚，我帮您转人工客服确认一下。", [])
    rude = _case("c2", "那你问反诈中心啊，问我干啥。",
                 [{"rule": "rude_language", "turn": 2, "start": 0, "end": 8, "text": "那你问反诈中心啊"}])
    plain = _case("c3", "好的，请稍等。", [])
    by = {(s.group, s.text): s for s in dialog_samples([clean, rude, plain])}
    unsure = by[("c1", "这个我不太清楚")]
    assert not unsure.labels and "unresolved_no_handoff" in unsure.unknown and "rude_language" not in unsure.unknown
    labelled = by[("c2", "那你问反诈中心啊")]
    assert labelled.labels == {"rude_language"} and labelled.spans == {"rude_language": (0, 8)}
    assert {"unresolved_no_handoff", "handoff_refused", "forbidden_promise"} <= labelled.unknown
    # no request for a human before it: the refused-hand-off gate is closed at every turn of a plain dialog
    assert "handoff_refused" in by[("c3", "请稍等")].unknown and "unresolved_no_handoff" not in by[("c3", "请稍等")].unknown
    before = {(s.group, s.text): s for s in dialog_samples([clean, rude, plain], all_negatives=True)}
    assert not before[("c1", "这个我不太清楚")].unknown and not before[("c2", "那你问反诈中心啊")].unknown


def test_the_out_of_fold_summary_reads_rows_and_overlaps():
    from eval.qa_classifier_oof import summary

    rows = [("round7", {"rude_language"}, {"rude_language"}), ("round7", set(), {"rude_language"}),
            ("round2", {"handoff_refused"}, set())]
    overlaps = [("round7", "rude_language", "classifier", 0.5), ("round2", "handoff_refused", "rules", 1.0)]
    thresholds = {r: {"threshold": 0.5, "by": "dialog"} for r in CLASSIFIER_RULES}
    got = summary({"rows": rows, "overlaps": overlaps, "thresholds": thresholds})
    assert got["rude_language"] == {"threshold": 0.5, "by": "dialog", "dialog_precision": 0.5, "dialog_recall": 1.0}
    assert got["handoff_refused"]["dialog_recall"] == 0.0
    assert got["evidence_overlap"] == {"all": 0.75, "classifier_findings": 0.5}


def test_the_rounds_bench_refuses_held_out_dialogs(capsys):
    from bench.qa_classifier_rounds import main

    with pytest.raises(SystemExit) as e:
        main(["--variants", "round7,heldout"])
    assert e.value.code == 2 and "--variants" in capsys.readouterr().err
