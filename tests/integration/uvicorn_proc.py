"""Run an app factory under a real uvicorn subprocess on 127.0.0.1 (integration tests).

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
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_uvicorn(factory: str, port: int, env: dict[str, str], *, ready_path: str = "/healthz",
                  timeout_s: float = 90) -> subprocess.Popen:
    """Start ``factory`` ("module:function") and wait until GET ready_path answers 200."""
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning"],
                            cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1", **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{ready_path}", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"uvicorn did not become ready in {timeout_s:.0f} s")


def stop_uvicorn(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
