"""Per-rule clause classifiers for the QA inspector (issue #19): recognition by meaning, offline.

Lexicons and patterns caught the wording they were fitted to and little else (held-out recall
0.25). Here each agent turn is cut into clauses and every clause is scored, per rule, by a logistic
regression over features that carry across wordings: character 1–3-grams (short colloquial Chinese
matches better on characters) and jieba words. The weights were fitted by
``python -m eval.qa_classifier_train`` (seeded, training/dev dialogs only, never the held-out ones) and are
stored as plain JSON (feature → weight), so loading needs neither scikit-learn nor the network.
The clause that scores is the evidence span; the deterministic rules' gates still apply
(tools/qa/rules.py) and what the rules already found is not added twice.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba

#: rules the classifier may add (the four an inspector recognises by meaning)
CLASSIFIER_RULES = ("rude_language", "forbidden_promise", "handoff_refused", "unresolved_no_handoff")
#: a clause ends at punctuation; a full stop between digits is a decimal point (「3.2%至8.5%」 is one clause)
_BOUNDARY = re.compile(r"[，。！？；,!?;\n：:“”\"（）()]|(?<!\d)\.|\.(?!\d)")
_MIN_CLAUSE = 2


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str


def clauses(text: str) -> list[Clause]:
    """The clauses of one turn, with their character spans (punctuation cuts; blanks trimmed)."""
    out, start = [], 0
    for end in [m.start() for m in _BOUNDARY.finditer(text)] + [len(text)]:
        raw = text[start:end]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if len(body) >= _MIN_CLAUSE:
            out.append(Clause(start + lead, start + lead + len(body), body))
        start = end + 1
    return out


@lru_cache(maxsize=1)
def _jieba_ready() -> bool:
    """jieba builds its prefix dictionary on first use (about a second), never at import time."""
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return True


def features(clause: str) -> set[str]:
    """Binary features of one clause: char n-grams (with clause-boundary marks) and jieba words.
    (Words of the rest of the turn as context were tried and added nothing out of fold.)"""
    _jieba_ready()
    marked = f"^{clause}$"
    out = {f"c:{marked[i:i + n]}" for n in (1, 2, 3) for i in range(len(marked) - n + 1)
           if marked[i:i + n] not in ("^", "$")}
    return out | {f"w:{w}" for w in jieba.lcut(clause) if w.strip()}


@dataclass
class RuleModel:
    intercept: float
    weights: dict[str, float]
    threshold: float

    def probability(self, feats: set[str]) -> float:
        z = self.intercept + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class ClauseClassifier:
    """The per-rule models of one artefact; ``hits`` scores one agent turn."""

    def __init__(self, models: dict[str, RuleModel], meta: dict | None = None):
        unknown = set(models) - set(CLASSIFIER_RULES)
        if unknown:
            raise ValueError(f"QA classifier: unknown rules {sorted(unknown)}; known: {list(CLASSIFIER_RULES)}")
        self.models, self.meta = models, meta or {}

    @classmethod
    def from_file(cls, path: Path) -> "ClauseClassifier":
        data = json.loads(path.read_text(encoding="utf-8"))
        models = {rule: RuleModel(float(m["intercept"]), {k: float(v) for k, v in m["weights"].items()},
                                  float(m["threshold"])) for rule, m in data["rules"].items()}
        return cls(models, data.get("meta"))

    def to_dict(self) -> dict:
        return {"meta": self.meta, "rules": {r: {"intercept": m.intercept, "threshold": m.threshold,
                                                  "weights": m.weights} for r, m in self.models.items()}}

    def hits(self, text: str) -> dict[str, tuple[Clause, float]]:
        """For each rule whose model clears its threshold on a clause of ``text``: the best clause and its probability."""
        out: dict[str, tuple[Clause, float]] = {}
        for c in clauses(text):
            feats = features(c.text)
            for rule, model in self.models.items():
                p = model.probability(feats)
                if p >= model.threshold and (rule not in out or p > out[rule][1]):
                    out[rule] = (c, p)
        return out
