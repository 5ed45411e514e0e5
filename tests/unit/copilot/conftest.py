"""One real Services over the real corpus in a temp data dir, shared by the copilot wiring tests (the
customer-service bot, chain-map context and loan service are built once, on first use)."""

from __future__ import annotations

import threading

import pytest

from core.services import Services
from core.settings import Settings
from tests.conftest import TEST_EMBED_CACHE


def copilot_settings(data_dir) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, llm_provider="none", embedding_cache_dir=TEST_EMBED_CACHE)


@pytest.fixture(scope="package")
def services(tmp_path_factory) -> Services:
    return Services(copilot_settings(tmp_path_factory.mktemp("copilot-data")))


class WithModel:
    """``services`` with another chat model for the copilot only: every assistant is the one
    ``services`` already built (without a model), so a scripted model drives nothing but the copilot."""

    def __init__(self, base: Services, llm):
        self._base, self.llm, self.extras, self._lock = base, llm, {}, threading.RLock()

    def cached(self, name: str, build):
        if not name.startswith("copilot."):
            if name not in self._base.extras:  # built here, it would use the scripted model
                raise LookupError(f"build {name} on the base services first")
            return self._base.extras[name]
        with self._lock:
            if name not in self.extras:
                self.extras[name] = build()
            return self.extras[name]

    def __getattr__(self, name: str):
        return getattr(self._base, name)
