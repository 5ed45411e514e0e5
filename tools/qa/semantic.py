"""The QA inspector's second look by meaning (issue #19): e5 similarity to labelled exemplars.

Lexicons and patterns miss new wording (held-out recall 0.25). With an embedder, each agent turn is
compared with labelled agent turns of each rule (agents/qa_inspection/data/exemplars.yaml) and with
clean replies: the turn counts for a rule when its nearest exemplar is of that rule and it is closer
to it, by at least ``margin``, than to the nearest clean reply. The same gates as the deterministic
rules apply (a refused hand-off needs the customer's request before it; deflection counts only when
no hand-off follows), and a rule the deterministic detectors already found in the dialog is not
added twice. Off unless configured: it needs the e5 model loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml

#: rules the similarity may add, and what has to be true around the turn for each
SEMANTIC_RULES = ("rude_language", "forbidden_promise", "handoff_refused", "unresolved_no_handoff")


class ExemplarMatcher:
    """Exemplar and clean-reply vectors, embedded once per process."""

    def __init__(self, embedder: Any, exemplars: dict[str, list[str]], clean: list[str], margin: float):
        self.embedder, self.margin = embedder, margin
        self.items = [(rule, text) for rule in SEMANTIC_RULES for text in exemplars.get(rule, [])]
        if not self.items or not clean:
            raise ValueError("exemplar similarity needs exemplars and clean replies")
        self.vectors = np.asarray(embedder.embed([t for _, t in self.items], role="passage"), dtype=np.float32)
        self.clean = np.asarray(embedder.embed(clean, role="passage"), dtype=np.float32)

    @classmethod
    def from_file(cls, embedder: Any, path: Path) -> "ExemplarMatcher":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(embedder, data["exemplars"], data["clean"], float(data.get("margin", 0.01)))

    def rule_of(self, text: str) -> tuple[str, float] | None:
        """(rule, margin over the nearest clean reply) when the turn reads like a labelled violation."""
        if len(text.strip()) < 4:
            return None
        v = np.asarray(self.embedder.embed_one(text, role="query"), dtype=np.float32)
        sims = self.vectors @ v
        i = int(np.argmax(sims))
        gap = float(sims[i] - float(np.max(self.clean @ v)))
        return (self.items[i][0], gap) if gap >= self.margin else None
