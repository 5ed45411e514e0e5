"""The customer-service guard: personal-data masking, prompt-injection / jailbreak / prompt-extraction
detection, requests for other customers' data, promise bait and out-of-scope requests.

Runs before anything is logged, stored or sent to a model. Regex patterns (tools/cs/guard_patterns.py)
catch the known shapes in Chinese and English, on a view of the text without spaces and punctuation
so spaced-out or punctuated obfuscation still matches; base64 payloads are decoded and checked too.
An optional embedding check compares the message with known attack exemplars to catch paraphrases
the patterns miss; its threshold is calibrated against the FAQ questions (bench/cs_calibrate.py).
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from kb.textnorm import normalize
from tools.cs.guard_compliance import COMPLIANCE_PATTERNS
from tools.cs.guard_patterns import PATTERNS
from tools.cs.policy import CsCompliance
from tools.pii import find_pii, mask_pii

GuardKind = Literal["ok", "injection", "jailbreak", "prompt_leak", "other_customer", "promise_bait", "out_of_scope",
                    "fake_statement", "tax_forgery", "structuring", "impersonation", "abuse"]
#: issue #19: refused for what they ask (tools/cs/guard_compliance.py), each with its own reply
COMPLIANCE_KINDS: frozenset[str] = frozenset({"fake_statement", "tax_forgery", "structuring", "impersonation", "abuse"})
BLOCKING: frozenset[str] = frozenset({"injection", "jailbreak", "prompt_leak", "other_customer", "promise_bait",
                                      "out_of_scope"}) | COMPLIANCE_KINDS
_B64 = re.compile(r"[A-Za-z0-9+/]{24,}={0,2}")
_SQUASH = re.compile(r"[\W_]+", re.UNICODE)
_SPACES = re.compile(r"[ \t\u3000]+")


class GuardVerdict(BaseModel):
    """What the guard concluded about one (already masked) message."""

    kind: GuardKind = "ok"
    rule: str = ""
    evidence: str = Field("", description="the matched fragment (from the masked text)")
    score: float = 0.0

    @property
    def blocked(self) -> bool:
        return self.kind in BLOCKING


def mask_message(text: str) -> tuple[str, list[str]]:
    """The message with personal data masked, and the kinds found (never the values)."""
    found = find_pii(text)
    return (mask_pii(text) if found else text), sorted({m.kind for m in found})


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[str, str, str, re.Pattern[str]]]:
    return [(pid, kind, view, re.compile(rx, re.I | re.M)) for pid, kind, view, rx in [*COMPLIANCE_PATTERNS, *PATTERNS]]


def views(text: str) -> tuple[str, str]:
    """(flat, squashed): simplified + lower-case; and the same without spaces or punctuation."""
    flat = _SPACES.sub(" ", normalize(text)).lower()
    return flat, _SQUASH.sub("", flat)


def _decoded_payloads(text: str) -> list[str]:
    out = []
    for m in _B64.finditer(text):
        chunk = m.group(0)
        try:
            raw = base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if sum(ch.isprintable() for ch in raw) >= 0.9 * len(raw):
            out.append(raw)
    return out


class CsGuard:
    """Stateless checks over one message; build once per process (patterns compile once)."""

    def __init__(self, compliance: CsCompliance, exemplar_vectors: np.ndarray | None = None,
                 exemplar_texts: list[str] | None = None, similarity_threshold: float = 0.95):
        self.compliance = compliance
        self.exemplar_vectors = exemplar_vectors
        self.exemplar_texts = exemplar_texts or []
        self.similarity_threshold = similarity_threshold

    def match_patterns(self, text: str) -> GuardVerdict:
        for candidate in [text, *_decoded_payloads(text)]:
            flat, squashed = views(candidate)
            for pid, kind, view, rx in _compiled():
                m = rx.search(squashed if view == "sq" else flat)
                if m:
                    return GuardVerdict(kind=kind, rule=pid, evidence=m.group(0)[:80], score=1.0)  # type: ignore[arg-type]
        return GuardVerdict()

    def out_of_scope(self, text: str) -> GuardVerdict:
        flat, _ = views(text)
        scope = self.compliance.out_of_scope
        hit = next((k for k in scope.keywords if k.lower() in flat), None)
        if hit and not any(t.lower() in flat for t in scope.bank_terms):
            return GuardVerdict(kind="out_of_scope", rule="out_of_scope_keyword", evidence=hit, score=1.0)
        return GuardVerdict()

    def similar_attack(self, query_vector: np.ndarray | None) -> GuardVerdict:
        if query_vector is None or self.exemplar_vectors is None or not len(self.exemplar_vectors):
            return GuardVerdict()
        sims = self.exemplar_vectors @ np.asarray(query_vector, dtype=np.float32)
        best = int(np.argmax(sims))
        if float(sims[best]) >= self.similarity_threshold:
            return GuardVerdict(kind="injection", rule="attack_exemplar_similarity",
                                evidence=self.exemplar_texts[best][:80] if self.exemplar_texts else "",
                                score=float(sims[best]))
        return GuardVerdict(score=float(sims[best]))

    def check(self, masked_text: str, query_vector: np.ndarray | None = None) -> GuardVerdict:
        """Patterns first (cheap, explainable), then scope, then the embedding similarity."""
        verdict = self.match_patterns(masked_text)
        if verdict.kind != "ok":
            return verdict
        verdict = self.out_of_scope(masked_text)
        if verdict.kind != "ok":
            return verdict
        return self.similar_attack(query_vector)
