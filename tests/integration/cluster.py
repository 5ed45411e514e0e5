"""A small Puhui deployment on 127.0.0.1 for the scale-out and fault tests: ``puhui serve --workers N``
(the real CLI and composition root) on Postgres and a ``chroma run`` server, over a small copy of the
corpus (every FAQ file, products, policies and two industries), with several customer keys and a
staff key. Helpers find the worker processes (to kill one) and restart the stores under load.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import TEST_EMBED_CACHE
from tests.integration.uvicorn_proc import free_port, stop_process, wait_ready

ROOT = Path(__file__).resolve().parents[2]
PUHUI = Path(sys.executable).with_name("puhui")
CHROMA = Path(sys.executable).with_name("chroma")
#: several keys of each kind, so load from one test never drains the rate-limit bucket another test uses
STAFF_KEYS = [f"cluster-staff-key-{i:04d}" for i in range(3)]
STAFF_KEY = STAFF_KEYS[0]
CUSTOMER_KEYS = {f"cluster-cust-key-{i:04d}": f"cust_cluster_{i}" for i in range(12)}
INDUSTRIES = ("danyang_eyewear", "yixing_zisha")


def small_corpus(dest: Path) -> Path:
    src = ROOT / "kb" / "corpus"
    for folder in ("products", "policies", "faq"):
        shutil.copytree(src / folder, dest / folder)
    (dest / "industries").mkdir()
    for iid in INDUSTRIES:
        shutil.copy2(src / "industries" / f"{iid}.md", dest / "industries")
    return dest


def start_chroma(path: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(proc, f"http://127.0.0.1:{port}/api/v2/heartbeat", name="chroma run", timeout_s=60, poll_s=0.2)
    except RuntimeError:
        proc.kill()
        raise
    return proc


@dataclass
class Cluster:
    base: Path
    port: int
    database_url: str
    chroma_port: int | None  # None: Chroma embedded in each worker (one worker only)
    workers: int = 2
    rate_limit_per_min: int = 120
    proc: subprocess.Popen | None = None
    chroma: subprocess.Popen | None = None
    starts: int = field(default=0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.base / f"serve-{self.starts}.log"

    def env(self) -> dict[str, str]:
        keys = ",".join([*(f"{k}:staff:cluster{i}" for i, k in enumerate(STAFF_KEYS)),
                         *(f"{k}:{c}" for k, c in CUSTOMER_KEYS.items())])
        chroma = {"PUHUI_CHROMA_MODE": "embedded"} if self.chroma_port is None else {
            "PUHUI_CHROMA_MODE": "server", "PUHUI_CHROMA_HOST": "127.0.0.1", "PUHUI_CHROMA_PORT": str(self.chroma_port)}
        return {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
                "PUHUI_DATA_DIR": str(self.base / "var"), "PUHUI_CORPUS_DIR": str(self.base / "corpus"),
                "PUHUI_DATABASE_URL": self.database_url, **chroma,
                "PUHUI_API_KEYS": keys, "PUHUI_RATE_LIMIT_PER_MIN": str(self.rate_limit_per_min),
                "PUHUI_EMBEDDING_CACHE_DIR": str(TEST_EMBED_CACHE), "PUHUI_LLM_PROVIDER": "none"}

    def start_chroma(self) -> None:
        self.chroma = start_chroma(self.base / "chroma-data", self.chroma_port)

    def stop_chroma(self) -> None:
        if self.chroma is not None:
            stop_process(self.chroma, timeout_s=15)
            self.chroma = None

    def start(self, timeout_s: float = 600) -> None:
        """``puhui serve --no-ui --workers N``; ready when every worker answers /readyz."""
        self.starts += 1
        log = self.log.open("wb")
        self.proc = subprocess.Popen([str(PUHUI), "serve", "--no-ui", "--workers", str(self.workers), "--port",
                                      str(self.port)], cwd=self.base, env=self.env(), stdout=log,
                                     stderr=subprocess.STDOUT)
        try:
            wait_ready(self.proc, f"{self.url}/readyz", name="puhui serve", timeout_s=timeout_s, poll_s=0.5,
                       detail=lambda: self.log.read_text(errors="replace")[-3000:])
        except RuntimeError:
            self.kill()
            raise

    def kill(self) -> None:
        """SIGKILL the supervisor and every worker (no clean shutdown of anything)."""
        if self.proc is None:
            return
        for pid in self.worker_pids():
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        self.proc.kill()
        self.proc.wait()
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, timeout_s=30)
            self.proc = None

    def worker_pids(self) -> list[int]:
        """uvicorn's worker processes (children of the supervisor serving HTTP)."""
        if self.proc is None:
            return []
        out = []
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            for pid in (task / "children").read_text().split():
                try:
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"multiprocessing" in cmd and b"resource_tracker" not in cmd:
                    out.append(int(pid))
        return sorted(out)

    def client(self, key: str = STAFF_KEY, timeout: float = 60) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"X-API-Key": key}, timeout=timeout)


def make_cluster(base: Path, database_url: str, *, chroma_server: bool = True, **kw) -> Cluster:
    small_corpus(base / "corpus")
    return Cluster(base=base, port=free_port(), database_url=database_url,
                   chroma_port=free_port() if chroma_server else None, **kw)
