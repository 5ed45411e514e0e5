"""A real loan-review service (graph + SQLite checkpointer + audit log) in a temp folder."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from agents.loan_review.service import LoanReviewService
from kb.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(ROOT / "kb" / "corpus")


@pytest.fixture(scope="session")
def cases() -> dict[str, dict]:
    lines = (ROOT / "eval" / "datasets" / "loan_review.jsonl").read_text(encoding="utf-8").splitlines()
    return {c["id"]: c for c in map(json.loads, lines)}


@pytest.fixture
def app_of(cases):
    return lambda cid: copy.deepcopy(cases[cid]["input"])


@pytest.fixture
def paths(tmp_path):
    return tmp_path / "checkpoints.sqlite", tmp_path / "audit.sqlite"


@pytest.fixture
def make_service(corpus, paths):
    made = []

    def make(chat_model=None):
        svc = LoanReviewService.create(corpus, *paths, chat_model=chat_model, llm_timeout_s=5)
        made.append(svc)
        return svc

    yield make
    for s in made:
        s.close()
