"""Fixtures for the browser tests: the real server on 127.0.0.1 with a built KB, and headless Chromium.

One server and one logged-in page are shared by the whole session (starting Chromium and building the
index are the slow parts). The server runs the real ``app.create_app`` under uvicorn in a thread, on a
temporary data dir and a temporary *copy* of part of the corpus (uploads in the tests must never touch
the repository's kb/corpus). Embeddings are cached across runs in test-artifacts/e2e-embed-cache, so
only the first run on a machine pays for embedding the test corpus.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import TEST_EMBED_CACHE

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("PUHUI_E2E_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DOC_SCREENSHOTS = ROOT / "docs" / "screenshots"
API_KEY = "e2e-key-123456"
# Read at import: the autouse fixture in tests/conftest.py removes every PUHUI_* variable during tests.
UPDATE_DOC_SCREENSHOTS = os.environ.get("PUHUI_UPDATE_SCREENSHOTS") == "1"
FULL_CORPUS = os.environ.get("PUHUI_E2E_FULL_CORPUS") == "1"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
#: Segments the tests use, plus their chain neighbours (so the browser and the chain map have context).
#: The full corpus takes minutes to embed on 2 cores; PUHUI_E2E_FULL_CORPUS=1 uses all of it.
E2E_INDUSTRIES = ("danyang_eyewear", "optical_store", "mold_making", "small_chemicals", "cross_border_ecommerce",
                  "yixing_zisha", "yangchenghu_crab", "changshu_garment", "suqian_ecommerce")
E2E_FAQ_FILES = ("loans.yaml", "accounts.yaml", "complaints.yaml")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"headless Chromium not found at {CHROMIUM} "
                                   "(apt-get install chromium fonts-wqy-microhei)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


def copy_test_corpus(dest: Path) -> Path:
    src = ROOT / "kb" / "corpus"
    if FULL_CORPUS:
        shutil.copytree(src, dest)
        return dest
    for folder in ("products", "policies"):
        shutil.copytree(src / folder, dest / folder)
    (dest / "industries").mkdir(parents=True)
    for iid in E2E_INDUSTRIES:
        shutil.copy2(src / "industries" / f"{iid}.md", dest / "industries")
    (dest / "faq").mkdir()
    for name in E2E_FAQ_FILES:
        shutil.copy2(src / "faq" / name, dest / "faq")
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningServer:
    url: str
    settings: object
    services: object
    corpus_dir: Path


@pytest.fixture(scope="package")
def server(tmp_path_factory) -> Iterator[RunningServer]:
    from app import create_app
    from core.settings import Settings

    data = tmp_path_factory.mktemp("e2e-data")
    corpus = copy_test_corpus(data / "corpus")
    settings = Settings(_env_file=None, data_dir=data, corpus_dir=corpus, api_keys=f"{API_KEY}:staff:e2e",
                        llm_provider="none", ui_users="", embedding_cache_dir=TEST_EMBED_CACHE)
    app = create_app(settings)
    services = app.state.services
    started = time.perf_counter()
    report = services.kb.ingest()
    assert report.chunks_total > 0 and not report.errors, report.summary()
    print(f"\ne2e KB index: {report.summary()} (fixture {time.perf_counter() - started:.1f}s)")

    with serving(app, "e2e-uvicorn") as url:
        yield RunningServer(url, settings, services, corpus)


@contextmanager
def serving(app, name: str) -> Iterator[str]:
    """``app`` under uvicorn in a daemon thread on a free 127.0.0.1 port; yields its URL once it
    accepts connections, stops it on exit."""
    import uvicorn

    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="package")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_context(browser):
    return browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")


def login(page, url: str, username: str = "staff", password: str = API_KEY) -> None:
    """Gradio's login form (labels follow the browser locale: 用户名/密码/登录 under zh-CN)."""
    page.goto(f"{url}/ui/")
    page.get_by_label(re.compile("用户名|username", re.I)).fill(username)
    page.get_by_label(re.compile("密码|password", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("^\\s*(登录|login)\\s*$", re.I)).click()


@pytest.fixture(scope="package")
def page(browser, server):
    """One logged-in page for all tab tests (each test opens its tab first)."""
    context = new_context(browser)
    context.set_default_timeout(60_000)
    pg = context.new_page()
    login(pg, server.url)
    pg.wait_for_selector("#mode-banner", timeout=60_000)
    yield pg
    context.close()


def save_screenshot(page, name: str, full_page: bool = True) -> Path:
    """test-artifacts/screenshots/<name>.png, and docs/screenshots/ when PUHUI_UPDATE_SCREENSHOTS=1.

    ``full_page=False`` keeps only the visible viewport (scroll the part to show into view first).
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if UPDATE_DOC_SCREENSHOTS:  # committed copies: 256-colour PNGs, about a quarter of the size
        from PIL import Image

        DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with Image.open(path) as image:
            image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(
                DOC_SCREENSHOTS / path.name, optimize=True)
    return path
