"""Self-service rate at a guaranteed precision (issue #13 part 3): the figure a bank manages the bot by.

A verbatim FAQ answer is an approved text shown with confidence; a bank accepts it only if nearly all
of them answer the question asked. So the verbatim threshold is not chosen for balanced accuracy (as
``bench/cs_calibrate.py`` does for the shipped default) but for a precision floor:

1. the user questions of a set are split, seeded, into a calibration half and a test half;
2. the real bot answers every calibration question once; each turn's FAQ candidates (faq id, the
   calibrated probability the answer node compares with the threshold, the topic check's verdict)
   are read from the graph state, so the verbatim decision can be replayed at any threshold — the
   answer node shows the best candidate whose topic agrees when its score reaches the threshold;
3. the lowest threshold of the grid at which the replayed verbatim answers are ≥ 95% right *with
   confidence*: the one-sided Clopper–Pearson lower bound of their precision (90% by default) must reach
   the target, not only the observed share. The observed share alone picks the threshold where the
   calibration half just scrapes 95%, and the test half then falls below it about half the time (seed 0
   of the UnionPay log: 0.937 on test). None reaching it: nothing is answered verbatim;
4. a bot built with that threshold answers the test half: precision of its verbatim answers,
   self-service rate (share answered verbatim), hand-off share (not answered verbatim and handed off,
   or "not sure" — which offers the hand-off and, now, the 「您是不是想问」 suggestions), the share
   answered otherwise (grounded, account, refused …) and the suggestions' hit rate.

Used by ``bench/cs_self_service.py`` (prints the table) and ``eval/suites/cs_self_service.py``
(``puhui eval`` carries the figures). Two sets: the UnionPay 95516 FAQ (shared data; a bot on those
745 entries, their index built once into a cache folder) and the project's own customer-service eval
set (``eval/datasets/customer_service.jsonl``, the bot on the shipped corpus).
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scipy.stats import beta

from agents.customer_service.build import build_deps
from agents.customer_service.faq_match import MatchParams, load_params, with_threshold
from agents.customer_service.service import CsService
from eval.schema import DATASETS_DIR, load_cases
from eval.unionpay import TEST_QUERIES, benchmark_order, build_index, faq_entries, load
from kb.corpus import FaqFile
from kb.schema import FaqEntry
from kb.service import KnowledgeBase

TARGET_PRECISION = 0.95
#: one-sided confidence that the chosen threshold's precision is ≥ the target (0: the observed share only)
CONFIDENCE = 0.9
#: candidate thresholds: 0.01 steps, and 0.001 steps above 0.9 (a KB whose calibrated probabilities crowd
#: near 1 — the UnionPay FAQ's do — still gets the lowest threshold that holds, not the grid's last step)
GRID = tuple(sorted({round(0.01 * i, 2) for i in range(1, 100)} | {round(0.9 + 0.001 * i, 3) for i in range(1, 100)}))
NEVER = 1.0  # a threshold no calibrated probability reaches (the matcher's sigmoid is clipped below 1)
SPLIT_SEED = 13
UNIONPAY_QUESTIONS = TEST_QUERIES  # the first 1,000 in benchmark order, as bench.unionpay_faq
HANDED_OFF = ("handoff", "handoff_pending", "not_sure")


@dataclass(frozen=True)
class Question:
    id: str
    message: str
    gold: str | None  # the FAQ entry that answers it; None: no entry does
    expect_handoff: bool = False
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    faq_id: str
    score: float
    topic_ok: bool
    handoff: bool = False  # the entry hands off after its answer (complaints …)


@dataclass
class TurnRecord:
    """One question through the real bot: what it replied and the candidates it decided on."""

    question: Question
    outcome: str
    faq_id: str | None
    handed_off: bool
    candidates: list[Candidate] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    def right(self, faq_id: str | None, entry_hands_off: bool = False) -> bool:
        """A verbatim answer with ``faq_id`` is the right standard question (where a hand-off is
        expected, an entry that answers and then hands off is right too, as in the customer_service suite)."""
        return faq_id == self.question.gold or (self.question.expect_handoff and entry_hands_off)

    def hands_off(self, faq_id: str | None) -> bool:
        return any(c.handoff for c in self.candidates if c.faq_id == faq_id)


def split_halves(items: Sequence[Any], seed: int = SPLIT_SEED) -> tuple[list[Any], list[Any]]:
    """(calibration half, test half), shuffled with ``seed``; the test half gets the odd one."""
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    half = len(shuffled) // 2
    return shuffled[:half], shuffled[half:]


def verbatim_at(record: TurnRecord, threshold: float) -> Candidate | None:
    """The candidate the answer node shows verbatim at ``threshold``: the highest-scoring one whose
    topic agrees, when it reaches the threshold (agents/customer_service/nodes: retrieve puts an
    agreeing candidate above the threshold first; answer shows the first one that passes)."""
    ok = [c for c in record.candidates if c.topic_ok]
    best = max(ok, key=lambda c: c.score, default=None)
    return best if best is not None and best.score >= threshold else None


@dataclass(frozen=True)
class Operating:
    """Verbatim precision and coverage at one threshold (replayed from recorded candidates)."""

    threshold: float
    answered: int
    right: int
    n: int

    @property
    def precision(self) -> float:
        return self.right / self.answered if self.answered else 1.0

    @property
    def self_service(self) -> float:
        return self.answered / self.n if self.n else 0.0

    def lower_bound(self, confidence: float = CONFIDENCE) -> float:
        """The precision this point guarantees at ``confidence``: the exact (Clopper–Pearson) one-sided
        lower bound of a binomial share; the observed share when ``confidence`` is 0."""
        return precision_lower_bound(self.right, self.answered, confidence)


def precision_lower_bound(right: int, answered: int, confidence: float = CONFIDENCE) -> float:
    if not 0.0 <= confidence < 1.0:
        raise ValueError(f"confidence: {confidence} is not in [0, 1)")
    if answered == 0 or right == 0:
        return 0.0
    if confidence == 0.0:
        return right / answered
    return float(beta.ppf(1.0 - confidence, right, answered - right + 1))


def operating_point(records: Sequence[TurnRecord], threshold: float) -> Operating:
    answered = right = 0
    for r in records:
        c = verbatim_at(r, threshold)
        if c is not None:
            answered += 1
            right += r.right(c.faq_id, c.handoff)
    return Operating(threshold, answered, right, len(records))


def choose_threshold(records: Sequence[TurnRecord], target: float = TARGET_PRECISION,
                     grid: Iterable[float] = GRID, confidence: float = CONFIDENCE) -> Operating:
    """The lowest threshold whose verbatim answers are ≥ ``target`` right at ``confidence`` (the lower
    bound of their precision reaches it; 0 = the observed share); ``NEVER`` when no threshold of the grid
    does. Each grid point is bounded on its own: the answered sets are nested, so the bounds move
    together, but no multiplicity correction is applied."""
    for t in sorted(grid):
        point = operating_point(records, t)
        if point.answered and point.lower_bound(confidence) >= target:
            return point
    return Operating(NEVER, 0, 0, len(records))


def measured_figures(records: Sequence[TurnRecord]) -> dict[str, float]:
    """What the bot really did on the test half (no replay): the headline figures."""
    n = len(records) or 1
    verbatim = [r for r in records if r.outcome == "faq"]
    right = sum(r.right(r.faq_id, r.hands_off(r.faq_id)) for r in verbatim)
    offered = [r for r in records if r.suggestions]
    return {"questions": float(len(records)),
            "verbatim_precision": right / len(verbatim) if verbatim else 1.0,
            "self_service_rate": len(verbatim) / n,
            "handoff_share": sum(r.handed_off and r.outcome != "faq" for r in records) / n,
            "other_answer_share": sum(r.outcome != "faq" and not r.handed_off for r in records) / n,
            "suggested_share": len(offered) / n,
            "suggestion_hit": (sum(r.question.gold in r.suggestions for r in offered) / len(offered)) if offered else 0.0}


def replay_agreement(records: Sequence[TurnRecord], threshold: float) -> float:
    """Share of turns where the replayed decision at ``threshold`` is what the bot (run with that
    threshold) did: the check that replaying the calibration half stands for the real answer node."""
    same = 0
    for r in records:
        c = verbatim_at(r, threshold)
        same += (c.faq_id if c else None) == (r.faq_id if r.outcome == "faq" else None)
    return same / len(records) if records else 1.0


# --- running the bot -------------------------------------------------------------------------------

def record_turn(bot: CsService, question: Question, customer_id: str = "self_service") -> TurnRecord:
    """Play the question (after its history) in a fresh session; read the candidates from the state."""
    info, _ = bot.create_session(customer_id, "eval")
    for earlier in question.history:
        bot.send(info.id, customer_id, earlier)
    reply = bot.send(info.id, customer_id, question.message).reply
    values = bot.graph.get_state({"configurable": {"thread_id": info.id}}).values
    cands = [Candidate(h["faq_id"], float(h["score"]), bool(h.get("topic_ok", True)), bool(h.get("handoff")))
             for h in values.get("faq_hits") or []]
    return TurnRecord(question, reply.outcome, reply.faq_id,
                      reply.handoff is not None or reply.outcome in HANDED_OFF, cands,
                      [s.faq_id for s in reply.suggestions])


def record_all(bot: CsService, questions: Sequence[Question],
               progress: Callable[[int, int], None] | None = None) -> list[TurnRecord]:
    out = []
    for i, q in enumerate(questions, 1):
        out.append(record_turn(bot, q))
        if progress and (i % 100 == 0 or i == len(questions)):
            progress(i, len(questions))
    return out


@dataclass
class BotFactory:
    """Builds the bot for one set at a given threshold (same corpus, embedder and KB each time)."""

    corpus: Any
    embedder: Any
    kb: Any
    faqs: Sequence[FaqEntry] | None = None  # replace mode: the FAQ entries the bot answers from (build_deps)

    @property
    def params(self) -> MatchParams:
        return load_params(getattr(self.embedder, "model_id", None) if self.embedder is not None else None)

    def bot(self, threshold: float | None = None) -> CsService:
        params = self.params if threshold is None else with_threshold(self.params, threshold)
        return CsService(build_deps(self.corpus, embedder=self.embedder, kb=self.kb, params=params, faqs=self.faqs),
                        ":memory:")


# --- the two sets ----------------------------------------------------------------------------------

def own_questions(path: Path = DATASETS_DIR / "customer_service.jsonl") -> list[Question]:
    """The project's customer-service eval set (expected FAQ entry or hand-off per case)."""
    return [Question(c.id, c.input["message"], c.expected.get("faq_id"), bool(c.expected.get("handoff")),
                     tuple(c.input.get("history", []))) for c in load_cases(path)]


def unionpay_questions(csv_path: Path, limit: int = UNIONPAY_QUESTIONS) -> list[Question]:
    """The UnionPay user questions bench.unionpay_faq scores (seed 0 shuffle, first ``limit``)."""
    rows, _ = load(csv_path)
    return [Question(f"up-{int(r['question_id']):05d}", r["question"], f"faq_up_{r['label_id']}")
            for r in benchmark_order(rows)[:limit]]


def unionpay_corpus(corpus: Any, csv_path: Path) -> Any:
    """The shipped corpus with its FAQ replaced by the UnionPay entries (policies, products kept:
    the guard and the compliance rules are the bank's, the FAQ is the one under test)."""
    _, labels = load(csv_path)
    return dataclasses.replace(corpus, faq_files=[FaqFile(path=csv_path.name, entries=faq_entries(labels, {}), sha256="")])


def unionpay_kb(workdir: Path, csv_path: Path, embedder: Any) -> Any:
    """A KnowledgeBase on the UnionPay index (standard questions + answers, the bench's builder),
    built once into ``workdir`` and reused while the data file and the embedder are the same."""
    collection = "self-service-unionpay"
    stamp = {"csv": str(csv_path), "size": csv_path.stat().st_size, "embedder": getattr(embedder, "model_id", "")}
    marker = workdir / "built.json"
    if not marker.is_file() or json.loads(marker.read_text(encoding="utf-8")) != stamp:
        workdir.mkdir(parents=True, exist_ok=True)
        _, labels = load(csv_path)
        build_index(workdir, labels, {}, True, embedder=embedder, collection=collection)
        marker.write_text(json.dumps(stamp), encoding="utf-8")
    return KnowledgeBase(index_dir=workdir, embedder=embedder, collection=collection)
