"""Test-wide isolation: no PUHUI_* variable or .env from the developer's shell leaks into a test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("PUHUI_TEST_SHARED_DATA", ROOT.parent / "shared" / "data"))
#: One content-hash vector cache for every test that embeds the real corpus (e5 costs 15-80 ms per
#: text on 2 cores): a test run embeds each text once, later runs reuse it. Git-ignored.
TEST_EMBED_CACHE = ROOT / "test-artifacts" / "embed-cache"


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch, tmp_path_factory):
    for name in list(os.environ):
        if name.startswith("PUHUI_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path_factory.getbasetemp())  # no stray .env is read


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"public datasets not found at {SHARED_DATA} (set PUHUI_TEST_SHARED_DATA)")
    return SHARED_DATA
