"""A tiny OpenAI-compatible HTTP server on 127.0.0.1 that misbehaves on request (fault tests).

Modes (``server.mode``, or one per request from ``server.script``):
``ok`` answers properly (a tool call when ``tool_choice`` names a function, ``json_content`` in JSON
mode, else ``text``; SSE when ``stream`` is set); ``slow`` answers after ``delay_s``; ``hang`` never
answers; ``garbage`` sends 200 with a non-JSON body; ``invalid_json`` sends a well-formed completion
whose content and tool arguments are broken JSON; ``500`` fails; ``trickle`` sends one byte (or one
SSE chunk) every ``trickle_s`` seconds, forever; ``null_content_500`` fails like llama.cpp when a
request message has ``content: null``. Every request body is kept in ``requests``.

A streamed ``ok`` answer sends ``text`` in pieces of ``stream_chunk_chars`` characters, waiting
``stream_delay_s`` before each (a model writing token by token); ``streams_finished`` counts the
streams sent to the end, so a test can tell whether a client saw text before the model finished.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _completion(message: dict[str, Any], finish: str = "stop") -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": "fake",
            "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


class _Handler(BaseHTTPRequestHandler):
    server: "FakeOpenAIServer"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._send(200, json.dumps({"object": "list", "data": [{"id": "fake", "object": "model"}]}).encode())

    def do_POST(self) -> None:
        fake = self.server
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        with fake.lock:
            fake.requests.append(body)
            mode = fake.script.pop(0) if fake.script else fake.mode
        try:
            self._respond(mode, body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: exactly what the deadline tests want

    def _respond(self, mode: str, body: dict[str, Any]) -> None:
        fake = self.server
        stop = fake.stop
        if mode == "null_content_500" and any(m.get("content", "") is None for m in body.get("messages", [])):
            return self._send(500, b'{"error": {"message": "content must be a string"}}')
        if mode == "slow":
            if stop.wait(fake.delay_s):
                return
            mode = "ok"
        if mode == "hang":
            stop.wait(120)
            return
        if mode == "500":
            return self._send(500, b'{"error": {"message": "internal error"}}')
        if mode == "garbage":
            return self._send(200, b"<html>502 Bad Gateway</html>")
        if mode == "trickle":
            return self._trickle(bool(body.get("stream")))
        if mode == "invalid_json":
            message = {"content": "{not json", "tool_calls": None}
            if body.get("tools"):
                message = {"content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {
                    "name": body["tools"][0]["function"]["name"], "arguments": "{bad"}}]}
            return self._send(200, json.dumps(_completion(message)).encode())
        return self._ok(body)

    def _ok(self, body: dict[str, Any]) -> None:
        fake = self.server
        choice = body.get("tool_choice")
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            size = max(1, fake.stream_chunk_chars)
            for piece in [fake.text[i:i + size] for i in range(0, len(fake.text), size)]:
                if fake.stream_delay_s and fake.stop.wait(fake.stream_delay_s):
                    return
                chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "fake",
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            with fake.lock:
                fake.streams_finished += 1
            return
        if isinstance(choice, dict):
            name = choice["function"]["name"]
            message = {"content": None, "tool_calls": [{"id": f"call_{len(fake.requests)}", "type": "function",
                                                        "function": {"name": name, "arguments": fake.tool_args}}]}
            return self._send(200, json.dumps(_completion(message, "tool_calls")).encode())
        if (body.get("response_format") or {}).get("type") == "json_object":
            return self._send(200, json.dumps(_completion({"content": fake.json_content})).encode())
        return self._send(200, json.dumps(_completion({"content": fake.text}), ensure_ascii=False).encode())

    def _trickle(self, stream: bool) -> None:
        fake = self.server
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream" if stream else "application/json")
        if not stream:
            self.send_header("Content-Length", "1000000")
        self.end_headers()
        chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "fake",
                 "choices": [{"index": 0, "delta": {"content": "慢"}, "finish_reason": None}]}
        piece = f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode() if stream else b" "
        while not fake.stop.wait(fake.trickle_s):
            self.wfile.write(piece)
            self.wfile.flush()


class FakeOpenAIServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.requests: list[dict[str, Any]] = []
        self.script: list[str] = []
        self.mode = "ok"
        self.delay_s = 5.0
        self.trickle_s = 0.2
        self.stream_chunk_chars = 2
        self.stream_delay_s = 0.0
        self.streams_finished = 0
        self.text = "您好，这里是禾信银行。"
        self.json_content = "{}"
        self.tool_args = "{}"
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def __enter__(self) -> "FakeOpenAIServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()  # releases slow/hang/trickle handlers
        self.shutdown()
        self.server_close()


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
