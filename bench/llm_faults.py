"""Time to fallback for every server fault × call kind, against the loopback fake server.

    .venv/bin/python -m bench.llm_faults --timeout 2 --retries 1

Prints one row per fault: the reason recorded and the seconds until the caller had its answer
(the target is timeout + 1 s at most), for typed output via a tool call and via JSON mode, plain
text and streaming. Also reports how long an abandoned call keeps its slot on a trickling server.
"""

from __future__ import annotations

import argparse
import logging
import time

from pydantic import BaseModel

from agents.common.llm import build_chat_model, invoke_structured, invoke_text, stream_text
from core.settings import Settings
from tests.integration.fake_openai_server import FakeOpenAIServer, closed_port_url

MODES = ["down", "slow", "hang", "500", "garbage", "invalid_json", "trickle"]
KINDS = ["tool", "json", "text", "stream"]


class Slots(BaseModel):
    intent: str


def _once(kind: str, model, timeout: float) -> tuple[str, float]:
    msgs = [("human", "我想贷50万")]
    t0 = time.monotonic()
    if kind in ("tool", "json"):
        res = invoke_structured(model, msgs, Slots, timeout_s=timeout, fallback=lambda: Slots(intent="fb"),
                                method=kind)
    elif kind == "text":
        res = invoke_text(model, msgs, timeout_s=timeout, fallback=lambda: "fb")
    else:
        stream = stream_text(model, msgs, timeout_s=timeout, fallback=lambda: "fb")
        list(stream)
        res = stream.result()
    return f"{res.source}:{res.reason}", time.monotonic() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--retries", type=int, default=1)
    args = ap.parse_args()
    logging.getLogger("puhui.llm").setLevel(logging.ERROR)  # the table says it all
    print(f"timeout {args.timeout:.1f}s, max_retries {args.retries}; target: fallback ≤ {args.timeout + 1:.1f}s")
    print(f"{'fault':<13}" + "".join(f" {k:>31}" for k in KINDS))
    worst = 0.0
    for mode in MODES:
        row = []
        for kind in KINDS:
            with FakeOpenAIServer() as srv:
                srv.mode = mode
                model = build_chat_model(Settings(
                    llm_provider="openai", llm_base_url=closed_port_url() if mode == "down" else srv.base_url,
                    llm_model="fake", llm_timeout_s=args.timeout, llm_max_retries=args.retries))
                what, secs = _once(kind, model, args.timeout)
            worst = max(worst, secs)
            row.append(f"{what} {secs:5.2f}s")
        print(f"{mode:<13}" + "".join(f" {c:>31}" for c in row))
    print(f"worst time to answer: {worst:.2f}s (budget {args.timeout + 1:.1f}s)")

    with FakeOpenAIServer() as srv:
        srv.mode = "trickle"
        model = build_chat_model(Settings(llm_provider="openai", llm_base_url=srv.base_url, llm_model="fake",
                                          llm_timeout_s=args.timeout, llm_max_retries=args.retries))
        t0 = time.monotonic()
        _once("tool", model, args.timeout)
        while model.call_gate.inflight and time.monotonic() - t0 < 60:
            time.sleep(0.02)
        print(f"abandoned call on a trickling server freed its slot after {time.monotonic() - t0:.2f}s")


if __name__ == "__main__":
    main()
