"""Evidence narrower than a clause for the QA clause classifier (issue #19): a learned start and end.

A clause that scores is often longer than the words an inspector quotes: a topic in front
(「外币的业务我这边弄不了」 → 「我这边弄不了」, 「最低利率包在我身上」 → 「包在我身上」) or a particle
behind (「不可能亏的」 → 「不可能亏」). Spreading the classifier's n-gram weights over the characters
and taking the best-scoring run did worse than the whole clause out of fold (weights of a rule say
*whether* a clause breaks it, not *where* the quote begins). So the start and the end are learned
on their own, from the labelled spans: each character boundary of a positive clause is a candidate,
described by the characters and jieba words on either side, whether it is a word boundary, and how
far it is from the clause's ends (generic features, and the same per rule); one logistic
regression scores starts, one scores ends (eval/qa_classifier_train.py fits them). The evidence is
the best-scoring start, then the best-scoring end at least ``MIN_SPAN`` characters after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.qa.words import words

MIN_SPAN = 2


def _bucket(n: int) -> str:
    return str(n) if n <= 3 else "4-5" if n <= 5 else "6-8" if n <= 8 else "9+"


def boundary_features(clause: str, rule: str) -> list[set[str]]:
    """Features of each boundary 0..len(clause) (boundary i sits before character i)."""
    n = len(clause)
    ws = words(clause)
    starts, ends = {a: w for w, a, _ in ws}, {b: w for w, _, b in ws}
    out = []
    for i in range(n + 1):
        f = {f"b1:{clause[i - 1] if i else '^'}", f"a1:{clause[i] if i < n else '$'}",
             f"b2:{clause[max(0, i - 2):i] if i >= 2 else '^' + clause[:i]}",
             f"a2:{clause[i:i + 2] if i + 2 <= n else clause[i:] + '$'}",
             f"bw:{ends.get(i, '')}", f"aw:{starts.get(i, '')}", f"wb:{int(i in starts or i == n)}",
             f"from_start:{_bucket(i)}", f"to_end:{_bucket(n - i)}"}
        out.append(f | {f"{rule}|{x}" for x in f})
    return out


@dataclass
class SpanModel:
    """Weights of the start and the end scorers (feature → weight) and their intercepts."""
    start: dict[str, float]
    end: dict[str, float]
    start_intercept: float = 0.0
    end_intercept: float = 0.0

    @staticmethod
    def _score(weights: dict[str, float], intercept: float, feats: set[str]) -> float:
        return intercept + sum(weights.get(f, 0.0) for f in feats)

    def narrow(self, clause: str, rule: str) -> tuple[int, int]:
        """The quote inside ``clause`` (clause offsets); the whole clause when it is too short to cut."""
        n = len(clause)
        if n <= MIN_SPAN:
            return 0, n
        feats = boundary_features(clause, rule)
        a = max(range(n - MIN_SPAN + 1), key=lambda i: self._score(self.start, self.start_intercept, feats[i]))
        b = max(range(a + MIN_SPAN, n + 1), key=lambda i: self._score(self.end, self.end_intercept, feats[i]))
        return a, b

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "start_intercept": self.start_intercept,
                "end_intercept": self.end_intercept}

    @classmethod
    def from_dict(cls, data: dict) -> "SpanModel":
        return cls({k: float(v) for k, v in data["start"].items()}, {k: float(v) for k, v in data["end"].items()},
                   float(data.get("start_intercept", 0.0)), float(data.get("end_intercept", 0.0)))

