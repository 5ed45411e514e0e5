"""Shared fixtures for the credit tools: the repository's corpus and credit policy, a valid application."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from kb.corpus import load_corpus
from tools.credit.policy import CreditPolicy

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(ROOT / "kb" / "corpus")


@pytest.fixture(scope="session")
def policy(corpus) -> CreditPolicy:
    return CreditPolicy.from_doc(corpus.policy("credit"))


@pytest.fixture(scope="session")
def _cases() -> dict[str, dict]:
    lines = (ROOT / "eval" / "datasets" / "loan_review.jsonl").read_text(encoding="utf-8").splitlines()
    return {c["id"]: c for c in map(json.loads, lines)}


@pytest.fixture
def raw_app(_cases) -> dict:
    """A clean application (the eval set's eyewear approval), fresh copy per test."""
    return copy.deepcopy(_cases["approve_danyang_eyewear"]["input"])


@pytest.fixture
def eval_case(_cases):
    return lambda cid: copy.deepcopy(_cases[cid])
