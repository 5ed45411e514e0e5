"""Server subprocesses for the integration tests: an app factory under uvicorn on 127.0.0.1, and the
waiting and stopping every server subprocess here needs (uvicorn, ``chroma run``, ``puhui serve``,
llama.cpp's server).

A subprocess, not a thread, so a test can stop the server for real (SIGTERM) and start it again on the
same data dir to prove state survives a restart.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(proc: subprocess.Popen, url: str, *, name: str, timeout_s: float, poll_s: float = 0.3,
               detail: Callable[[], str] = lambda: "") -> float:
    """Wait until GET ``url`` answers 200; the seconds it took. Raises (with ``detail()``, e.g. the
    server's log tail) when the process exits first or ``timeout_s`` passes; stopping it is the caller's."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}: {detail()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return time.monotonic() - t0
        except httpx.HTTPError:
            pass
        time.sleep(poll_s)
    raise RuntimeError(f"{name} did not become ready in {timeout_s:.0f} s: {detail()}")


def stop_process(proc: subprocess.Popen, timeout_s: float = 20) -> None:
    """SIGTERM, then SIGKILL if it has not exited after ``timeout_s``."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_uvicorn(factory: str, port: int, env: dict[str, str], *, ready_path: str = "/healthz",
                  timeout_s: float = 90) -> subprocess.Popen:
    """Start ``factory`` ("module:function") and wait until GET ready_path answers 200."""
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning"],
                            cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1", **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(proc, f"http://127.0.0.1:{port}{ready_path}", name="uvicorn", timeout_s=timeout_s,
                   detail=lambda: proc.stderr.read().decode()[-2000:] if proc.poll() is not None else "")
    except RuntimeError:
        proc.kill()
        raise
    return proc


def stop_uvicorn(proc: subprocess.Popen) -> None:
    stop_process(proc, timeout_s=20)
