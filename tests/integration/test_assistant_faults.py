"""Each assistant against a misbehaving OpenAI-compatible server, over real HTTP on 127.0.0.1.

The model comes from the real factory, ``build_chat_model(Settings(llm_provider="openai", …))``, with
timeout T = 1 s and no retries, and the server (tests/integration/fake_openai_server.py) is down,
slow, hung, answers garbage, broken JSON or HTTP 500. Whatever it does, each assistant must return
its full typed result through its deterministic fallback:

- the decision fields equal those of the same request run without a model;
- the result records source "fallback" and the right reason;
- the wall time is at most T + 1 s, however many model calls the request makes (customer service:
  understanding, then the answer; chain map: entity extraction, then strategy prose): a timeout or a
  refused connection opens the model's circuit breaker, so the later calls of the same request fall
  back at once with reason "circuit_open" instead of waiting T again.

Each result carries the reason itself (``BotReply.llm_reason``, ``ChainMapResult.llm_reasons``,
``ReviewResult.memo_reason``), and the eval records the fallback from it: each assistant's suite, run
by the eval runner on its first two cases against a server answering HTTP 500, reports
``llm == "fallback"`` with reason ``http_500`` for every case.

Corpus, customer-service deps, chain-map context and loan-review context are built once per module.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from agents.common.llm import build_chat_model
from core.settings import PROJECT_ROOT, Settings
from tests.integration.fake_openai_server import FakeOpenAIServer, closed_port_url
from tests.unit.customer_service.conftest import FakeKB, passage

pytestmark = pytest.mark.integration

T = 1.0  # the model timeout; every request must finish within T + 1 s
SLOW_S = T + 2.0  # "slow" answers properly, but only after the timeout
MODES = ["down", "slow", "hang", "garbage", "invalid_json", "500"]
TRANSPORT_REASONS = {"down": {"connection"}, "slow": {"timeout"}, "hang": {"timeout"}, "500": {"http_500"},
                     "garbage": {"invalid_output", "empty_output"}, "invalid_json": {"invalid_output"}}
#: what the calls after the first failure of a request may report: the breaker opened by a timeout or
#: a refused connection; other failures leave it closed and each call reports its own reason
LATER_REASONS = {mode: reasons | ({"circuit_open"} if reasons & {"timeout", "connection"} else set())
                 for mode, reasons in TRANSPORT_REASONS.items()}
KB_TEXT = "禾信银行保管箱按年收费，小号保管箱每年300元，需本人持身份证到开户网点办理。"
ENTERPRISE = {"enterprise": {"name": "丹阳市明瑞眼镜有限公司", "business_scope": "眼镜制造；眼镜销售；光学玻璃制造",
                             "main_products": "树脂镜片、眼镜架", "location": "镇江市丹阳市", "years_operating": 6,
                             "tax": {"annual_tax_paid_wan": 12, "tax_credit_grade": "B"}}}


def _settings(base_url: str, **kw) -> Settings:
    return Settings(llm_provider="openai", llm_base_url=base_url, llm_model="fake", llm_timeout_s=T,
                    llm_max_retries=0, **kw)


@pytest.fixture
def server():
    with FakeOpenAIServer() as srv:
        srv.delay_s = SLOW_S
        yield srv


@pytest.fixture
def failing_model(server):
    """``failing_model(mode)`` → a chat model whose server misbehaves that way (its own call gate,
    so calls abandoned by one test never make another test's calls "busy")."""
    def make(mode: str):
        server.mode = mode
        return build_chat_model(_settings(closed_port_url() if mode == "down" else server.base_url))

    return make


def _timed(fn):
    t0 = time.monotonic()
    out = fn()
    return out, time.monotonic() - t0


@pytest.fixture(scope="module")
def corpus():
    from kb.corpus import load_corpus

    c = load_corpus(PROJECT_ROOT / "kb" / "corpus")
    assert not c.errors
    return c


@pytest.fixture(scope="module")
def graph(corpus):
    from kb.graph import build_graph

    return build_graph(corpus)


# ------------------------------------------------------------------------------------------------
# customer service: intent understanding (FAQ question) and the grounded-answer path
# ------------------------------------------------------------------------------------------------
CS_CASES = {  # name → (message, KB passages): one model call (understanding), or two (+ the answer)
    "faq": ("银行卡丢了怎么办", []),
    "grounded": ("保管箱每年收费多少", [KB_TEXT]),
}


@pytest.fixture(scope="module")
def cs_deps(corpus):
    from agents.customer_service.build import build_deps

    return build_deps(corpus, llm_timeout_s=T)  # lexical matcher, built once (the slow part)


def _cs_reply(deps, message: str, kb_texts: list[str], model):
    from agents.customer_service.service import CsService

    kb = FakeKB([passage(t, n=i) for i, t in enumerate(kb_texts, start=1)]) if kb_texts else None
    bot = CsService(replace(deps, llm=model, kb=kb), ":memory:")
    try:
        info, _ = bot.create_session("c1")
        return bot.send(info.id, "c1", message).reply
    finally:
        bot.close()


CS_DECISION = ("text", "outcome", "intent", "faq_id", "sources", "disclosures", "handoff", "guard")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", list(CS_CASES))
def test_customer_service_falls_back(cs_deps, failing_model, case, mode):
    # invalid_json on the grounded path: the text '{not json' carries no claim, so only the anchor rule
    # (some sentence must be supported by a cited passage) keeps it from the customer
    message, kb_texts = CS_CASES[case]
    baseline = _cs_reply(cs_deps, message, kb_texts, None)
    assert baseline.outcome == ("faq" if case == "faq" else "grounded") and baseline.llm == "none"
    assert baseline.llm_reason is None
    model = failing_model(mode)
    reply, elapsed = _timed(lambda: _cs_reply(cs_deps, message, kb_texts, model))
    assert elapsed <= T + 1.0, f"{case}/{mode}: {elapsed:.2f}s > T + 1 s"
    # the turn's reason is its first failure: the understanding, the first call on both paths
    assert reply.llm == "fallback" and reply.llm_reason in TRANSPORT_REASONS[mode], reply.llm_reason
    assert reply.model_dump(include=set(CS_DECISION)) == baseline.model_dump(include=set(CS_DECISION))


# ------------------------------------------------------------------------------------------------
# chain map: entity extraction + strategy prose
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chain_ctx(corpus, graph):
    from agents.chain_map.context import build_context

    return build_context(corpus, graph)  # dictionary linking (no embedder needed for this enterprise)


@pytest.fixture(scope="module")
def chain_baseline(chain_ctx):
    from agents.chain_map.service import run_chain_map

    res = run_chain_map(ENTERPRISE, chain_ctx)
    assert res.llm == {"extract": "none", "prose": "none"} and res.placement.segment_id == "danyang_eyewear"
    assert res.llm_reasons == {}
    return res


CHAIN_VOLATILE = {"llm", "llm_reasons", "warnings", "report_markdown"}  # they say how the text was made, nothing else


@pytest.mark.parametrize("mode", MODES)
def test_chain_map_falls_back(chain_ctx, chain_baseline, failing_model, mode):
    from agents.chain_map.service import run_chain_map

    model = failing_model(mode)
    res, elapsed = _timed(lambda: run_chain_map(ENTERPRISE, replace(chain_ctx, chat_model=model, llm_timeout_s=T)))
    assert elapsed <= T + 1.0, f"{mode}: {elapsed:.2f}s > T + 1 s"
    assert res.llm == {"extract": "fallback", "prose": "fallback"}
    assert res.model_dump(exclude=CHAIN_VOLATILE) == chain_baseline.model_dump(exclude=CHAIN_VOLATILE)
    first, later = TRANSPORT_REASONS[mode], LATER_REASONS[mode]
    assert list(res.llm_reasons) == ["extract", "prose"], res.llm_reasons
    assert res.llm_reasons["extract"] in first and res.llm_reasons["prose"] in later, res.llm_reasons
    assert any("实体抽取" in w and any(f"（{r}）" in w for r in first) for w in res.warnings), res.warnings
    assert any("策略文字" in w and any(f"（{r}）" in w for r in later) for w in res.warnings), res.warnings
    assert "extract=fallback" in res.report_markdown and "prose=fallback" in res.report_markdown


# ------------------------------------------------------------------------------------------------
# loan review: memo prose
# ------------------------------------------------------------------------------------------------
# The memo is free text: broken JSON is a valid reply, which the memo check rejects because it does
# not state the system's conclusion.
LOAN_REASONS = {**TRANSPORT_REASONS, "invalid_json": {"conclusion_mismatch"}}


@pytest.fixture(scope="module")
def loan_ctx(corpus, tmp_path_factory):
    from agents.loan_review.context import build_context
    from tools.credit.audit import AuditLog

    return build_context(corpus, AuditLog(tmp_path_factory.mktemp("loan") / "audit.sqlite"))


@pytest.fixture(scope="module")
def loan_app() -> dict:
    import json

    lines = (PROJECT_ROOT / "eval" / "datasets" / "loan_review.jsonl").read_text(encoding="utf-8").splitlines()
    return next(c for c in map(json.loads, lines) if c["id"] == "approve_danyang_eyewear")["input"]


def _review(ctx, path: Path, app: dict):
    from agents.loan_review.service import LoanReviewService

    svc = LoanReviewService(ctx, path)
    try:
        return svc.review(dict(app))
    finally:
        svc.close()


def _prose(memo: str) -> str:
    return memo.split("**审查综述**：", 1)[1].split("\n", 1)[0]


LOAN_DECISION = {"status", "decision", "system_decision", "industry", "score", "band", "rule_hits", "rule_ids",
                 "reasons", "refer_reasons", "limit", "price"}


@pytest.mark.parametrize("mode", MODES)
def test_loan_review_falls_back(loan_ctx, loan_app, failing_model, tmp_path, mode):
    baseline = _review(loan_ctx, tmp_path / "none.sqlite", loan_app)
    assert baseline.memo_source == "template" and baseline.memo_reason == "no_model" and baseline.decision == "approve"
    model = failing_model(mode)
    r, elapsed = _timed(lambda: _review(replace(loan_ctx, chat_model=model, llm_timeout_s=T),
                                        tmp_path / "model.sqlite", loan_app))
    assert elapsed <= T + 1.0, f"{mode}: {elapsed:.2f}s > T + 1 s"
    assert r.memo_source == "fallback" and r.memo_reason in LOAN_REASONS[mode], r.memo_reason
    assert r.model_dump(include=LOAN_DECISION) == baseline.model_dump(include=LOAN_DECISION)
    assert _prose(r.memo) == _prose(baseline.memo)
    assert any(t in r.trace for t in (f"memo: prose from fallback ({why})" for why in LOAN_REASONS[mode])), r.trace


# ------------------------------------------------------------------------------------------------
# the eval records the fallback
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def eval_ctx(server, corpus, graph, tmp_path):
    """An eval context over the real Services whose model is the failing server (HTTP 500). The
    embedder and KB index are set to absent (no model download, no index build): the suites then
    use lexical matching and dictionary linking, as they do on a machine without them."""
    from core.services import Services
    from eval.run import EvalContext

    server.mode = "500"
    services = Services(_settings(server.base_url, data_dir=tmp_path / "data"))
    services.__dict__.update(corpus=corpus, graph=graph, embedder=None, kb=None)  # cached_property values
    return EvalContext(services=services, llm_mode="openai", shared_data_dir=services.settings.shared_data_dir)


@pytest.mark.parametrize("suite_name", ["customer_service", "chain_map", "loan_review", "qa_inspection"])
def test_eval_records_the_fallback(eval_ctx, server, tmp_path, suite_name):
    from eval.run import load_results, run_suite
    from eval.suites import select

    [suite] = select([suite_name])
    entry = run_suite(suite, eval_ctx, tmp_path / "run", limit=2, workers=1)
    assert entry["status"] == "ok" and entry["cases"] == 2 and entry["errors"] == 0, entry
    results = load_results(tmp_path / "run" / suite_name / "results.jsonl")
    assert [r.llm for r in results.values()] == ["fallback", "fallback"]
    assert [r.llm_reason for r in results.values()] == ["http_500", "http_500"]  # read from the results
    assert entry["fallbacks"] == 2 and entry["llm_answers"] == 0
    assert entry["fallback_reasons"] == {"http_500": 2}
    assert server.requests, "the suite never called the model"
