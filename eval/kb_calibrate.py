"""A bank's own verbatim threshold from its labelled question log (``puhui kb calibrate``, issue #13).

The method is eval/self_service.py's, applied to the FAQ the bot answers from and to the bank's questions
instead of a benchmark set: split the log seeded into a calibration and a test half, let the bot (with
the shipped threshold) answer the calibration half once and replay its verbatim decision at every
threshold of the grid, choose the lowest one whose verbatim answers are ≥ the target precision at the
stated confidence (the Clopper–Pearson lower bound of their precision reaches it), then
let a bot with that threshold answer the test half and count what it really did. ``calibrate_and_store``
(the one function behind ``puhui kb calibrate`` and ``POST /v1/kb/faq/calibrate``) stores it with the
scope's fingerprint (kb/faq_threshold.py); the bot built afterwards uses it.

The log is the file ``puhui search --queries`` reads (eval/batch_search.py): JSONL rows
``{"query": …, "expected": <standard question or faq id>}``. Every row must name an entry of the FAQ
the bot answers from: a row without ``expected`` or with an unknown one is an error (``file:line``),
since an unlabelled or mislabelled question would count as a wrong answer and bias the threshold up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.batch_search import QueryRow, read_numbered_queries
from agents.customer_service.build import embedder_or_none, kb_or_none, scoped_faqs
from eval.self_service import (
    CONFIDENCE,
    TARGET_PRECISION,
    BotFactory,
    Operating,
    Question,
    choose_threshold,
    measured_figures,
    operating_point,
    record_all,
    split_halves,
)
from kb.faq_scope import FaqScope, load_scope
from kb.faq_threshold import ThresholdRecord, save_threshold, scope_fingerprint
from kb.schema import FaqEntry
from kb.textnorm import normalize

MIN_QUESTIONS = 2  # one per half; the figures of a tiny log say little, the command prints how many


class LogError(ValueError):
    """A row of the log that cannot be used; ``index`` is its position (None: the log as a whole)."""

    def __init__(self, message: str, index: int | None = None):
        super().__init__(message)
        self.index = index


def read_log(path: Path, entries: Sequence[FaqEntry]) -> list[Question]:
    """The log's rows as labelled questions (gold = the FAQ id). ValueError with ``file:line: reason``
    on the first unreadable, unlabelled or unknown row, or when there are fewer than MIN_QUESTIONS."""
    numbered = read_numbered_queries(path)  # file:line errors for bad JSON / blank query; "no queries" if empty
    return label_rows([row for _, row in numbered], entries, lambda i: f"{path}:{numbered[i][0]}", str(path))


def label_rows(rows: Sequence[QueryRow], entries: Sequence[FaqEntry], where: Callable[[int], str],
               source: str = "the log") -> list[Question]:
    """Resolve each row's ``expected`` (an FAQ id, or a standard question in any script) to its entry.
    ``where(i)`` names row i in an error (``file:line`` for the CLI, the body field for HTTP)."""
    by_id = {e.id: e.id for e in entries}
    by_question = {normalize(e.question).strip(): e.id for e in entries}
    out: list[Question] = []
    for i, row in enumerate(rows):
        if not row.expected:
            raise LogError(f"{where(i)}: expected: missing (a standard question or FAQ id of the current FAQ)", i)
        gold = by_id.get(row.expected.strip()) or by_question.get(normalize(row.expected).strip())
        if gold is None:
            raise LogError(f"{where(i)}: expected: {row.expected!r} is no standard question or FAQ id of the "
                             f"FAQ the bot answers from ({len(entries)} entries; see `puhui kb faq-scope`)", i)
        out.append(Question(f"log-{i + 1:05d}", row.query, gold))
    if len(out) < MIN_QUESTIONS:
        raise LogError(f"{source}: {len(out)} labelled question(s); at least {MIN_QUESTIONS} are needed (one per half)")
    return out


@dataclass(frozen=True)
class Calibration:
    """The threshold chosen on the calibration half, and the test half's figures with it."""

    choice: Operating  # on the calibration half (replayed)
    shipped: float
    shipped_test: Operating  # the shipped threshold replayed on the test half's turns, for comparison
    figures: dict[str, float]  # measured_figures() of the bot with the chosen threshold on the test half
    calibration_questions: int
    test_questions: int
    target: float  # the precision asked for
    confidence: float  # the one-sided confidence its lower bound was held to
    seed: int  # of the calibration/test split

    def record(self, entries: Sequence[FaqEntry], embedder_id: str | None, *, scope: str,
               questions: str) -> ThresholdRecord:
        """What kb/faq_threshold.py stores for the bot built afterwards."""
        return ThresholdRecord(
            threshold=self.choice.threshold, fingerprint=scope_fingerprint(entries, embedder_id), scope=scope,
            entries=len(entries), embedder=embedder_id or "lexical", target_precision=self.target,
            confidence=self.confidence, seed=self.seed,
            questions=questions, shipped_threshold=self.shipped,
            calibration={"questions": float(self.calibration_questions), "precision": round(self.choice.precision, 4),
                         "precision_lower_bound": round(self.choice.lower_bound(self.confidence), 4),
                         "self_service_rate": round(self.choice.self_service, 4)},
            test={**{k: round(v, 4) for k, v in self.figures.items()},
                  "shipped_precision": round(self.shipped_test.precision, 4),
                  "shipped_self_service_rate": round(self.shipped_test.self_service, 4)})

    def lines(self) -> list[str]:
        f, c, s, target, confidence = self.figures, self.choice, self.shipped_test, self.target, self.confidence
        chosen = "none reaches it: nothing is answered verbatim" if c.answered == 0 else f"{c.threshold:.3f}"
        return [f"calibration: {self.calibration_questions} questions; threshold for ≥ {target:.0%} precision at "
                f"{confidence:.0%} confidence: {chosen} (precision {c.precision:.3f}, lower bound "
                f"{c.lower_bound(confidence):.3f}, self-service {c.self_service:.3f})",
                f"test: {self.test_questions} questions; verbatim precision {f['verbatim_precision']:.3f}, "
                f"self-service {f['self_service_rate']:.3f}, hand-off {f['handoff_share']:.3f}, "
                f"other answers {f['other_answer_share']:.3f}",
                f"shipped threshold {self.shipped:.3f} on the same test questions: precision {s.precision:.3f}, "
                f"self-service {s.self_service:.3f}"]


def calibrate(factory: BotFactory, questions: Sequence[Question], target: float = TARGET_PRECISION, seed: int = 0,
              progress: Callable[[str, int, int], None] | None = None,
              confidence: float = CONFIDENCE) -> Calibration:
    """Choose the verbatim threshold on a seeded calibration half, measure it on the test half."""
    if not 0.0 < target <= 1.0:
        raise ValueError(f"precision: {target} is not in (0, 1]")
    if not 0.0 <= confidence < 1.0:
        raise ValueError(f"confidence: {confidence} is not in [0, 1)")
    cal, test = split_halves(questions, seed)
    shipped = factory.bot()
    try:
        cal_records = record_all(shipped, cal, _step(progress, "calibration"))
    finally:
        shipped.close()
    choice = choose_threshold(cal_records, target, confidence=confidence)
    tuned = factory.bot(choice.threshold)
    try:
        test_records = record_all(tuned, test, _step(progress, "test"))
    finally:
        tuned.close()
    default = factory.params.threshold
    return Calibration(choice, default, operating_point(test_records, default), measured_figures(test_records),
                       len(cal), len(test), target, confidence, seed)


def _step(progress: Callable[[str, int, int], None] | None, label: str) -> Callable[[int, int], None] | None:
    return (lambda i, n: progress(label, i, n)) if progress else None


@dataclass(frozen=True)
class CurrentFaq:
    """The FAQ the bot of a data dir answers from: one import (replace mode) or every corpus entry."""

    scope: FaqScope | None
    faqs: list[FaqEntry] | None  # build_deps(faqs=…): None = every FAQ entry of the corpus
    entries: list[FaqEntry]


def current_faq(services: Any) -> CurrentFaq:
    """As ``CsService.from_services`` sees it. ValueError names a corrupt scope file."""
    data_dir = services.settings.data_dir
    scope = load_scope(data_dir)
    faqs = scoped_faqs(data_dir)
    return CurrentFaq(scope, faqs, list(services.corpus.faqs) if faqs is None else faqs)


def calibrate_and_store(services: Any, faq: CurrentFaq, questions: Sequence[Question], target: float, seed: int,
                        source: str, progress: Callable[[str, int, int], None] | None = None,
                        confidence: float = CONFIDENCE) -> tuple[Calibration, ThresholdRecord]:
    """What ``puhui kb calibrate`` and ``POST /v1/kb/faq/calibrate`` do: calibrate the bot of these
    services (its embedder and KB, no LLM) on the questions and store the threshold for this FAQ."""
    embedder = embedder_or_none(services)
    factory = BotFactory(services.corpus, embedder, kb_or_none(services), faq.faqs)
    result = calibrate(factory, questions, target, seed, progress, confidence)
    embedder_id = getattr(embedder, "model_id", None) if embedder is not None else None
    record = save_threshold(services.settings.data_dir, result.record(
        faq.entries, embedder_id, scope=faq.scope.name if faq.scope else "", questions=source))
    return result, record


def write_log(path: Path, rows: Sequence[tuple[str, str]]) -> Path:
    """A question log in the format read_log reads (benches and tests write their sets with it)."""
    path.write_text("".join(json.dumps({"query": q, "expected": e}, ensure_ascii=False) + "\n" for q, e in rows),
                    encoding="utf-8")
    return path
