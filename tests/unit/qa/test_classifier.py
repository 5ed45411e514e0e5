"""The clause classifiers of the QA inspector (issue #19): clause spans, features, the JSON artefact,
the gates they share with the deterministic rules, and how the shipped model was built."""

from __future__ import annotations

import json

import pytest

from agents.qa_inspection.service import CLASSIFIER_MODEL, QaService
from tests.unit.qa.conftest import C, G, dialog
from tools.qa.classifier import CLASSIFIER_RULES, ClauseClassifier, RuleModel, clauses, features


def test_clauses_keep_their_spans_in_the_turn():
    text = "去年涨了20%，今年肯定也能赚！ 放心买。"
    got = clauses(text)
    assert [c.text for c in got] == ["去年涨了20%", "今年肯定也能赚", "放心买"]
    assert all(text[c.start:c.end] == c.text for c in got)


def test_features_are_char_ngrams_and_words():
    f = features("怪谁")
    assert {"c:^怪", "c:怪谁", "c:谁$", "c:^怪谁", "c:怪谁$", "c:怪"} <= f and "c:^" not in f
    assert any(x.startswith("w:") for x in f)


def _fake(rule: str, word: str, threshold: float = 0.5) -> ClauseClassifier:
    """One rule: a clause with ``word`` scores 0.95, any other 0.05."""
    return ClauseClassifier({rule: RuleModel(-3.0, {f"c:{word}": 6.0}, threshold)})


def test_hits_pick_the_best_clause_over_the_threshold():
    clf = _fake("rude_language", "赖")
    hit = clf.hits("这个嘛，只能赖您，下次注意")
    assert hit["rude_language"][0].text == "只能赖您" and hit["rude_language"][1] > 0.9
    assert clf.hits("好的，马上为您办理") == {}


def test_artefact_round_trip_and_unknown_rules(tmp_path):
    clf = _fake("handoff_refused", "别等")
    path = tmp_path / "m.json"
    path.write_text(json.dumps(clf.to_dict(), ensure_ascii=False), encoding="utf-8")
    again = ClauseClassifier.from_file(path)
    assert again.models["handoff_refused"].weights == {"c:别等": 6.0}
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
    assert meta["excluded"] == list(HELDOUT_FILES) == ["qa_compliance_heldout8.jsonl"]
    assert CLASSIFIER_MODEL.stat().st_size < 2_000_000


def test_training_never_sees_a_held_out_dialog():
    from eval.qa_classifier_train import dialog_samples
    from eval.schema import DATASETS_DIR, load_cases

    held = {c.id for c in load_cases(DATASETS_DIR / "qa_compliance_heldout8.jsonl")}
    groups = {s.group for s in dialog_samples()}
    assert len(held) >= 130 and not (groups & held) and any(g.startswith("qac_") for g in groups)
    # the sets held out before iteration 5 was finished are training data since
    retired = {c.id for f in ("qa_compliance_heldout.jsonl", "qa_compliance_heldout6.jsonl", "qa_compliance_heldout7.jsonl")
               for c in load_cases(DATASETS_DIR / f)}
    assert retired and retired <= groups


@pytest.mark.parametrize(("rule", "question", "reply", "quoted"), [
    ("rude_language", "你能再解释一下吗", "解释多少次你才懂啊？", "解释多少次你才懂啊"),
    ("forbidden_promise", "我的经营贷能续贷吗", "续贷是肯定的，到期自动给您续上。", "续贷是肯定的"),
    ("unresolved_no_handoff", "企业税务贷怎么申请", "税务贷我不了解，你上网看看吧。", "税务贷我不了解"),
])
def test_the_shipped_model_adds_what_the_rules_miss(base, inspector, rule, question, reply, quoted):
    """One training-round wording per rule: the rules alone miss it, the shipped classifier quotes its clause."""
    d = dialog(G, question, reply, "好", C)
    assert rule not in base.inspect(d).rule_ids
    f = next(f for f in inspector.inspect(d).findings if f.rule_id == rule)
    assert f.evidence.text == quoted


def test_an_unanswered_request_is_refused_and_the_classifier_quotes_its_clause(base, inspector):
    """A request for a human that no agent turn answers with a hand-off is refused by the rules alone (whole
    turn as evidence, no refusal words needed); with the shipped classifier the evidence is its best clause."""
    reply = "人工客服不受理您这类业务，您可以在App里自助办理。"
    d = dialog(G, "我要人工客服", reply, "好", C)
    alone = next(f for f in base.inspect(d).findings if f.rule_id == "handoff_refused")
    assert alone.evidence.text == reply
    f = next(f for f in inspector.inspect(d).findings if f.rule_id == "handoff_refused")
    assert f.evidence.text == "人工客服不受理您这类业务"


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


def test_thresholds_are_the_lowest_with_the_rules_target_precision():
    """Iteration 4: a rule may be held to a stricter target; with none reachable the grid's top is kept."""
    import numpy as np

    from eval.qa_classifier_train import THRESHOLD_GRID, _threshold

    probs = np.array([0.99, 0.97, 0.9, 0.8, 0.7, 0.6])
    y = np.array([1, 1, 1, 0, 1, 0])
    assert _threshold(probs, y, 0.9)[0] == 0.81  # 0.8 (a negative) would bring precision to 0.75
    assert _threshold(probs, y, 0.8)[0] == 0.61  # 4 of 5 at 0.7
    assert _threshold(np.array([0.995, 0.99]), np.array([0, 1]), 0.95)[0] == THRESHOLD_GRID[-1]


def test_a_negated_clause_is_no_prediction_when_thresholds_are_chosen():
    """「不能保证一定赚钱」 scores like a promise but meaning.py discards it: it must not cost the threshold precision."""
    import numpy as np

    from eval.qa_classifier_train import THRESHOLD_GRID, Sample, negated_by, oof_threshold, rule_data

    samples = [Sample("a", "稳赚不赔", "", {"forbidden_promise"}, set()),
               Sample("b", "不能保证一定赚钱", "", set(), set()),
               Sample("c", "请您稍候", "", set(), set())]
    feats = [dict.fromkeys(features(s.text), 1) for s in samples]
    d = rule_data(samples, feats, "forbidden_promise", negated_by()["forbidden_promise"])
    assert d.blocked.tolist() == [False, True, False]
    threshold, stats = oof_threshold(d, np.array([0.8, 0.95, 0.1]), "forbidden_promise")
    assert threshold == 0.5 and stats == {"precision": 1.0, "recall": 1.0}
    d.blocked[:] = False  # counted, the disclaimer at 0.95 leaves no threshold with precision 0.9
    assert oof_threshold(d, np.array([0.8, 0.95, 0.1]), "forbidden_promise") == (THRESHOLD_GRID[-1], {})


def test_the_out_of_fold_check_inspects_only_training_dialogs():
    from eval.qa_classifier_train import HELDOUT_FILES, training_cases
    from eval.schema import DATASETS_DIR, load_cases

    ids = {c.id for c in training_cases()}
    held = {c.id for f in HELDOUT_FILES for c in load_cases(DATASETS_DIR / f)}
    assert held and not (ids & held)
    assert {c.tags.variant for c in training_cases()} >= {"round7", "round8", "round9", "round10", "round11", "heldout6", "heldout7"}
    assert "heldout8" not in {c.tags.variant for c in training_cases()}


def test_a_decimal_point_does_not_cut_a_clause():
    """「8.5%」 cut at its point left a clause 「5%」 that scored as a promised return (qa_inspection qa_003)."""
    text = "经营贷年化利率3.2%至8.5%，具体以审批结果为准。Of course. Thanks"
    assert [c.text for c in clauses(text)] == ["经营贷年化利率3.2%至8.5%", "具体以审批结果为准", "Of course", "Thanks"]
    assert all(text[c.start:c.end] == c.text for c in clauses(text))
