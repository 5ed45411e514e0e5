"""The customer-service suite with scripted models: a failing model shows up in the report as
fallbacks with their reasons (not as deterministic answers), a rejected LLM answer is reported as
ungrounded, and the judge metrics are recorded per judge."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from core.settings import PROJECT_ROOT, Settings
from eval.report import write_reports
from eval.run import EvalContext, run_all
from eval.schema import EvalCase
from eval.suites.customer_service import CustomerServiceSuite
from kb.corpus import load_corpus
from tests.llm_fakes import ScriptedChatModel, Sleep, tool_reply
from tests.unit.customer_service.conftest import FakeKB, passage

KB_TEXT = "禾信银行保管箱按年收费，小号保管箱每年300元，需本人持身份证到开户网点办理。"


class FakeServices:
    """What the suite reads from Services: the real corpus, a KB, a chat model and the settings."""

    def __init__(self, corpus, llm, kb=None, timeout_s: float = 5.0):
        self.corpus, self.llm, self._kb = corpus, llm, kb
        self.settings = Settings(llm_timeout_s=timeout_s)

    @property
    def embedder(self):
        raise RuntimeError("no embedding model in unit tests")  # the bot matches lexically

    @property
    def kb(self):
        if self._kb is None:
            raise RuntimeError("no index")
        return self._kb


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(PROJECT_ROOT / "kb" / "corpus")


def http_500() -> Exception:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    return openai.InternalServerError("err", response=httpx.Response(500, request=request), body=None)


def test_failing_model_is_reported_as_fallbacks_with_reasons(corpus, tmp_path):
    model = ScriptedChatModel(script=[http_500() for _ in range(8)])
    ctx = EvalContext(services=FakeServices(corpus, model), llm_mode="openai", shared_data_dir=tmp_path)
    entry = run_all([CustomerServiceSuite()], ctx, tmp_path, limit=4, workers=1)["suites"]["customer_service"]
    # the model really was asked: once per case (understanding), and again to phrase a grounded answer
    # (issue #17: a question about a product's facts is answered from its document)
    assert len(model.calls) == 5  # 4 understandings + 1 phrasing
    assert entry["answered_by"] == {"llm": 0, "fallback": 4, "none": 0}
    assert entry["fallback_reasons"] == {"http_500": 4}
    assert entry["by_source"]["fallback"]["cases"] == 4 and "correct" in entry["by_source"]["fallback"]
    assert entry["judges"]["helpfulness"]["rule"]["n"] == 4  # the dataset's cases 1-4 have a reference
    assert entry["judges"]["helpfulness"]["llm_judge"]["n"] == 0  # no judge model: rules only
    md, _ = write_reports(tmp_path)
    assert "| customer_service | 0 | 4 | 0 | http_500 4 |" in md.read_text()


def test_timeout_is_reported_as_timeout(corpus, tmp_path):
    model = ScriptedChatModel(script=[Sleep(1.5, "{}") for _ in range(2)])
    ctx = EvalContext(services=FakeServices(corpus, model, timeout_s=0.3), llm_mode="openai", shared_data_dir=tmp_path)
    entry = run_all([CustomerServiceSuite()], ctx, tmp_path, limit=2, workers=2)["suites"]["customer_service"]
    assert entry["fallback_reasons"] == {"timeout": 2}


class GroundedCases(CustomerServiceSuite):
    """One question outside the FAQ that the (fake) knowledge base answers."""

    def load_cases(self, ctx):
        return [EvalCase(id="safe_box", input={"message": "保管箱一年多少钱"}, expected={"faq_id": None, "handoff": False})]


def test_rejected_llm_answer_is_ungrounded_and_judged(corpus, tmp_path):
    understanding = json.dumps({"intent": "faq", "query": "保管箱每年收费多少", "products": [], "slots": {}})
    bot_model = ScriptedChatModel(script=[understanding, "小号保管箱每年只要99元[1]。"])
    judge_model = ScriptedChatModel(script=[
        tool_reply("JudgeVerdict", {"score": 0.75, "rationale": "回答了收费，未说明材料", "unsupported_claims": []}),
        "不是 JSON", "还不是",  # the faithfulness verdict: garbage, repaired once, then the rule stands in
    ])
    services = FakeServices(corpus, bot_model, kb=FakeKB([passage(KB_TEXT)]))
    ctx = EvalContext(services=services, llm_mode="openai", shared_data_dir=tmp_path, judge_model=judge_model,
                      judge_timeout_s=5)
    entry = run_all([GroundedCases()], ctx, tmp_path)["suites"]["customer_service"]
    assert entry["fallback_reasons"] == {"ungrounded": 1}
    (case,) = [json.loads(line) for line in (tmp_path / "customer_service" / "results.jsonl").read_text().splitlines()]
    assert case["output"]["outcome"] == "grounded" and "300元" in case["output"]["text"]  # the extractive answer
    assert case["scores"]["helpfulness_llm_judge"] == 0.75 and "helpfulness_rule" not in case["scores"]  # no reference
    assert case["scores"]["faithfulness_rule"] == 1.0 and "faithfulness_llm_judge" not in case["scores"]
    judges = {j["metric"]: j for j in case["judges"]}
    assert judges["faithfulness"]["judge"] == "rule" and judges["faithfulness"]["llm_reason"] == "invalid_output"
    faith = entry["judges"]["faithfulness"]
    assert faith["llm_judge"]["n"] == 0 and faith["rule"]["n"] == 1 and faith["judge_fallbacks"] == {"invalid_output": 1}
    assert KB_TEXT in judge_model.calls[1][0][1].content  # the judge saw the cited passage
