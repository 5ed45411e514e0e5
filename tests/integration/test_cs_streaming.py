"""Live model tokens through the bot's SSE and OpenAI-compatible endpoints, over real HTTP.

uvicorn runs app.create_app with a model (PUHUI_LLM_PROVIDER=openai) pointed at the fake OpenAI
server, which writes its answer in small pieces with a delay, and a KB built from a copy of the
product, policy and FAQ documents. The tests prove that the customer's first words arrive while the
model is still writing, that an ungrounded sentence never reaches the client, that the final reply
continues what was streamed, and that a client leaving mid-stream does not lose the turn.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.fake_openai_server import FakeOpenAIServer
from tests.integration.sse import read_sse
from tests.integration.uvicorn_proc import free_port, start_uvicorn, stop_uvicorn

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
KEY = "llmstr-it-key"
H = {"X-API-Key": KEY}
QUERY = "税务贷额度有效期"
UNDERSTOOD = json.dumps({"intent": "product_inquiry", "query": QUERY, "products": [], "slots": {}},
                        ensure_ascii=False)
#: grounded in the tax-loan overview the KB returns for QUERY ("额度有效期12个月，期内可循环支用")
GROUNDED = "您好。禾信税务贷的额度有效期12个月[1]。有效期内可以循环支用[1]。"
UNGROUNDED = "您好。禾信税务贷是线上信用贷款[1]。额度有效期36个月[1]。"


def make_app():
    """uvicorn factory (server process): the real composition root, with a model and a built KB."""
    from app import create_app
    from core.settings import Settings
    from tests.conftest import TEST_EMBED_CACHE

    settings = Settings(data_dir=Path(os.environ["CS_STREAM_DATA_DIR"]), corpus_dir=Path(os.environ["CS_STREAM_CORPUS"]),
                        api_keys=f"{KEY}:cust_stream", rate_limit_per_min=600, embedding_cache_dir=TEST_EMBED_CACHE,
                        llm_provider="openai", llm_base_url=os.environ["CS_STREAM_LLM_URL"], llm_model="fake",
                        llm_max_retries=0, llm_timeout_s=30)
    app = create_app(settings, with_ui=False)
    app.state.services.kb.ingest()
    return app


@pytest.fixture(scope="module")
def fake():
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake):
    corpus = tmp_path_factory.mktemp("stream_corpus")
    for folder in ("products", "policies", "faq"):
        shutil.copytree(ROOT / "kb" / "corpus" / folder, corpus / folder)
    port = free_port()
    proc = start_uvicorn("tests.integration.test_cs_streaming:make_app", port,
                         {"CS_STREAM_DATA_DIR": str(tmp_path_factory.mktemp("stream_data")),
                          "CS_STREAM_CORPUS": str(corpus), "CS_STREAM_LLM_URL": fake.base_url}, timeout_s=300)
    base = f"http://127.0.0.1:{port}"
    httpx.post(f"{base}/v1/cs/sessions", headers=H, timeout=300)  # builds the bot once
    yield base
    stop_uvicorn(proc)


@pytest.fixture
def model(fake):
    """The fake model for one test: understands QUERY, streams ``text`` slowly (~2.5 s)."""
    fake.mode, fake.script = "ok", []
    fake.tool_args = UNDERSTOOD
    fake.stream_chunk_chars, fake.stream_delay_s = 2, 0.12
    yield fake
    fake.stream_delay_s = 0.0


def streams(fake: FakeOpenAIServer) -> tuple[int, int]:
    """(streamed completions requested, streamed completions sent to the end) so far."""
    with fake.lock:
        return sum(1 for r in fake.requests if r.get("stream")), fake.streams_finished


def writing(fake: FakeOpenAIServer, before: tuple[int, int]) -> bool:
    """Since ``before``, the model was asked for exactly one streamed answer and is still writing it."""
    started, finished = streams(fake)
    return started == before[0] + 1 and finished == before[1]


def new_session(base: str) -> str:
    r = httpx.post(f"{base}/v1/cs/sessions", headers=H, json={"channel": "web"}, timeout=60)
    assert r.status_code == 201, r.text
    return r.json()["session_id"]


def sse(base: str, sid: str, on_event=None) -> list[tuple[str, str]]:
    """POST a streamed message; the (event, data) pairs. ``on_event`` may return True to hang up."""
    with httpx.stream("POST", f"{base}/v1/cs/sessions/{sid}/messages", headers=H,
                      json={"text": QUERY, "stream": True}, timeout=60) as r:
        return read_sse(r, on_event)


def bot_turns(base: str, sid: str) -> list[dict]:
    r = httpx.get(f"{base}/v1/cs/sessions/{sid}", headers=H, timeout=30)
    assert r.status_code == 200, r.text
    return [t for t in r.json()["transcript"] if t["role"] == "bot" and t["meta"].get("outcome") != "greeting"]


def test_sse_deltas_arrive_while_the_model_is_still_writing(server, model):
    model.text = GROUNDED
    sid = new_session(server)
    before = streams(model)
    seen_while_writing: list[bool] = []

    def watch(event, _data):
        if event == "delta" and not seen_while_writing:
            seen_while_writing.append(writing(model, before))

    events = sse(server, sid, watch)
    assert seen_while_writing == [True], "the first delta came only after the model had finished"
    kinds = [e for e, _ in events]
    assert kinds[0] == "meta" and kinds[-1] == "done" and "replace" not in kinds
    meta = json.loads(events[0][1])
    assert meta["session_id"] == sid and meta["outcome"] == "grounded" and meta["sources"]
    text = "".join(json.loads(d)["text"] for e, d in events if e == "delta")
    done = json.loads(events[-1][1])
    assert text == done["reply"]["text"] and text.startswith(GROUNDED)
    assert done["reply"]["llm"] == "llm" and done["reply"]["disclosures"]  # appended after the live part
    [saved] = bot_turns(server, sid)
    assert saved["text"] == text


def test_sse_ungrounded_model_text_never_reaches_the_client(server, model):
    model.text = UNGROUNDED
    sid = new_session(server)
    events = sse(server, sid)
    text = "".join(json.loads(d)["text"] for e, d in events if e == "delta")
    done = json.loads(events[-1][1])
    assert "36" not in text and "36" not in done["reply"]["text"] and "36个月" not in events[-1][1]
    assert text.startswith("您好。") and "有效期12个月" in text and text == done["reply"]["text"]
    assert done["reply"]["llm"] == "fallback"


def test_client_leaving_mid_stream_does_not_lose_the_turn(server, model):
    model.text = GROUNDED
    sid = new_session(server)
    before = streams(model)
    events = sse(server, sid, lambda event, _d: event == "delta")  # hang up at the first delta
    first = json.loads(events[-1][1])["text"]
    assert writing(model, before)  # left while the model was still writing
    deadline = time.monotonic() + 30
    turns = bot_turns(server, sid)
    while not turns and time.monotonic() < deadline:
        time.sleep(0.3)
        turns = bot_turns(server, sid)
    [saved] = turns  # finished and saved exactly once
    assert saved["text"].startswith(first) and saved["text"].startswith(GROUNDED)
    assert streams(model) == (before[0] + 1, before[1] + 1)  # the model's answer was read to the end
    r = httpx.get(f"{server}/v1/cs/sessions/{sid}", headers=H, timeout=30)
    assert r.json()["turns"] == 1


def test_openai_client_streams_live(server, model):
    import openai

    model.text = GROUNDED
    client = openai.OpenAI(base_url=f"{server}/v1", api_key=KEY, max_retries=0, timeout=60)
    before = streams(model)
    first_while_writing = None
    chunks = []
    for chunk in client.chat.completions.create(model="puhui-cs", stream=True,
                                                messages=[{"role": "user", "content": QUERY}]):
        chunks.append(chunk)
        if first_while_writing is None and chunk.choices and chunk.choices[0].delta.content:
            first_while_writing = writing(model, before)
    assert first_while_writing is True
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.startswith(GROUNDED) and chunks[-1].choices[0].finish_reason == "stop"
    extra = chunks[-1].model_extra["puhui"]
    assert extra["outcome"] == "grounded" and extra["disclosures"]
    [saved] = bot_turns(server, extra["session_id"])
    assert saved["text"] == text  # the transcript holds exactly what the client read
    # the front end's next request (history + new message) finds the same session
    follow = client.chat.completions.create(model="puhui-cs", messages=[
        {"role": "user", "content": QUERY}, {"role": "assistant", "content": text},
        {"role": "user", "content": "谢谢"}])
    assert follow.model_extra["puhui"]["session_id"] == extra["session_id"]


def test_openai_client_never_sees_ungrounded_model_text(server, model):
    import openai

    model.text = UNGROUNDED
    client = openai.OpenAI(base_url=f"{server}/v1", api_key=KEY, max_retries=0, timeout=60)
    chunks = list(client.chat.completions.create(model="puhui-cs", stream=True,
                                                 messages=[{"role": "user", "content": QUERY}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "36" not in text and text.startswith("您好。") and "有效期12个月" in text
