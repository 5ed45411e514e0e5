"""The QA suite with a scripted model judge: its grounded suggestions are scored against the expected
rules (precision over the suggestions made), reported ungated, and never change the gated metrics."""

from __future__ import annotations

import json
from types import SimpleNamespace

from core.settings import PROJECT_ROOT, Settings
from eval.run import EvalContext, run_all
from eval.schema import EvalCase
from eval.suite import CaseResult
from eval.suites.qa_inspection import SUGGESTION_PRECISION, QaInspectionSuite
from kb.corpus import load_corpus
from tests.llm_fakes import ScriptedChatModel

G, C = "您好，禾信银行客服，很高兴为您服务。", "请问还有其他可以帮您的吗？感谢来电，再见。"


def case(cid: str, agent_text: str, rules: list[str]) -> EvalCase:
    turns = [{"role": "agent", "text": G}, {"role": "customer", "text": "信用卡怎么还款"},
             {"role": "agent", "text": agent_text}, {"role": "customer", "text": "好"}, {"role": "agent", "text": C}]
    return EvalCase(id=cid, input={"id": cid, "turns": turns}, expected={"rules": rules})


class TwoCases(QaInspectionSuite):
    """Rudeness the keyword rules miss (labelled rude), and a clean dialog."""

    def load_cases(self, ctx):
        return [case("rude", "这种事自己上网查去，别来烦我。", ["rude_language"]),
                case("clean", "可以在手机银行App里还款，自己操作就行。", [])]


def judge(messages, kwargs) -> str:
    """The scripted judge suggests rude_language in both dialogs, quoting turn 3 verbatim."""
    quote = "别来烦我" if "别来烦我" in messages[0].content else "自己操作就行"
    return json.dumps({"note": "请人工复核服务用语。", "suggestions": [
        {"rule_id": "rude_language", "turn": 3, "evidence": quote, "reason": "语气"}]}, ensure_ascii=False)


def test_suggestion_precision_is_reported_ungated(tmp_path):
    corpus = load_corpus(PROJECT_ROOT / "kb" / "corpus")
    services = SimpleNamespace(corpus=corpus, llm=ScriptedChatModel(script=[judge, judge]),
                               settings=Settings(llm_timeout_s=5, qa_clause_classifier=False))  # rules only
    ctx = EvalContext(services=services, llm_mode="openai", shared_data_dir=tmp_path)
    entry = run_all([TwoCases()], ctx, tmp_path, workers=1)["suites"]["qa_inspection"]
    summary = entry["summary"]
    assert summary[SUGGESTION_PRECISION] == 0.5 and summary["llm_suggestions"] == 2  # one of two is expected
    assert {SUGGESTION_PRECISION, "llm_suggestions"} <= set(entry["ungated"])
    assert summary["micro_recall"] == 0.0  # the rules missed the rudeness; a suggestion does not count as found
    assert entry["answered_by"] == {"llm": 2, "fallback": 0, "none": 0}


def test_nothing_suggested_reports_nothing():
    out = {"predicted": [], "expected": ["greeting"], "suggested": []}
    results = [CaseResult(id="a", suite="qa_inspection", passed=False, output=out, llm="llm"),
               CaseResult(id="b", suite="qa_inspection", passed=True, output={"predicted": [], "expected": []})]
    summary = QaInspectionSuite().summarize(results)
    assert SUGGESTION_PRECISION not in summary and "llm_suggestions" not in summary
    assert "micro_precision" in summary
