"""The optional e5 exemplar similarity of the QA inspector (issue #19), with a fake embedder."""

from __future__ import annotations

import numpy as np
import pytest

from agents.qa_inspection.service import EXEMPLARS, QaService
from tests.unit.qa.conftest import C, G, dialog
from tools.qa.semantic import ExemplarMatcher


class KeywordEmbedder:
    """Axis 0: blame, axis 1: refusing a human, axis 2: anything else (unit vectors)."""

    def _v(self, text: str) -> np.ndarray:
        v = np.array([1.0 if "赖" in text else 0.0, 1.0 if "等太久" in text else 0.0, 0.3])
        return v / np.linalg.norm(v)

    def embed(self, texts, role="passage"):
        return np.stack([self._v(t) for t in texts])

    def embed_one(self, text, role="query"):
        return self._v(text)


@pytest.fixture(scope="module")
def semantic_inspector(corpus):
    base = QaService.from_corpus(corpus)
    matcher = ExemplarMatcher(KeywordEmbedder(), {"rude_language": ["这要赖你自己"], "handoff_refused": ["等太久，别等了"]},
                              ["好的，马上为您办理"], margin=0.05)
    return QaService(base.rubric, base.compliance, base.ctx.facts, semantic=matcher)


def test_similarity_adds_what_the_patterns_miss_with_the_whole_turn_as_evidence(semantic_inspector, inspector):
    d = dialog(G, "卡被锁了", "这事只能赖您本人。", "好吧", C)
    assert "rude_language" not in inspector.inspect(d).rule_ids
    rep = semantic_inspector.inspect(d)
    f = next(f for f in rep.findings if f.rule_id == "rude_language")
    assert f.evidence.text == "这事只能赖您本人。" and "语义" in f.message


def test_a_refused_hand_off_by_similarity_needs_the_customers_request(semantic_inspector):
    asked = dialog(G, "我要转人工", "等太久了，您还是问我。", "好", C)
    not_asked = dialog(G, "网点几点开门", "等太久了，建议您早点去。", "好", C)
    assert "handoff_refused" in semantic_inspector.inspect(asked).rule_ids
    assert "handoff_refused" not in semantic_inspector.inspect(not_asked).rule_ids


def test_the_shipped_exemplars_load():
    matcher = ExemplarMatcher.from_file(KeywordEmbedder(), EXEMPLARS)
    assert matcher.margin == pytest.approx(0.01) and len(matcher.items) >= 100
    with pytest.raises(ValueError):
        ExemplarMatcher(KeywordEmbedder(), {}, [], 0.01)
