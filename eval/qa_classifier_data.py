"""The QA clause classifier's training data (issue #19): which dialogs, and which clauses count as what.

Training/dev data only: the qa_compliance dialogs of rounds 1, 2, 4–8 (never variant ``heldout``, never
eval/datasets/qa_compliance_heldout.jsonl), the qa_inspection dialogs, and the approved FAQ answers of
the corpus as clean sentences. Used by eval/qa_classifier_train.py and eval/qa_classifier_oof.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from agents.qa_inspection.service import QaService
from core.settings import PROJECT_ROOT
from eval.schema import DATASETS_DIR, EvalCase, load_cases
from kb.corpus import load_corpus
from tools.qa.classifier import CLASSIFIER_RULES, clauses
from tools.qa.dialogs import dialog_from_obj
from tools.qa.meaning import gate_open

TRAIN_SOURCES = (("qa_compliance_dialogs.jsonl", {"round2", "round4", "round5", "round6", "round7", "round8", "bot", "human"}),
                 ("qa_dialogs.jsonl", None))
HELDOUT_FILES = ("qa_compliance_heldout.jsonl",)


@dataclass
class Sample:
    group: str
    text: str
    turn: str
    labels: set[str]
    unknown: set[str]  # rules labelled in the dialog without evidence: neither positive nor negative
    #: per positive rule, the labelled evidence inside the clause (clause offsets): what a narrowed span should cover
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)


def training_cases() -> list[EvalCase]:
    """The labelled dialogs the classifier may learn from (never variant ``heldout``, never a held-out file)."""
    out = []
    for name, variants in TRAIN_SOURCES:
        if name in HELDOUT_FILES:
            raise ValueError(f"{name} is a held-out set: never train on it")
        out += [c for c in load_cases(DATASETS_DIR / name)
                if c.tags.variant != "heldout" and (variants is None or c.tags.variant in variants)]
    return out


#: rules whose finding is gated on the dialog around the turn (tools/qa/meaning.gate_open)
GATED_RULES = ("handoff_refused", "unresolved_no_handoff")


@lru_cache(maxsize=1)
def _gates():
    """The rubric's rules and the inspector's context, to ask whether a gate is open at a turn."""
    base = QaService.from_corpus(load_corpus(PROJECT_ROOT / "kb" / "corpus"), classifier=False)
    return {r.id: r for r in base.rubric.rules}, base.ctx


def _closed(case: EvalCase) -> dict[int, set[str]]:
    """Per agent turn, the gated rules whose gate is closed there: a finding could not count at that turn
    whatever the clause says (a transfer follows, no request for a human before it)."""
    rules, ctx = _gates()
    dialog = dialog_from_obj(case.input, case.id)
    return {k: {r for r in GATED_RULES if r in rules and not gate_open(dialog, rules[r], ctx, k)}
            for k, t in enumerate(case.input["turns"]) if t["role"] == "agent"}


def dialog_samples(cases: list[EvalCase] | None = None, all_negatives: bool = False) -> list[Sample]:
    """Clauses of the agent turns with their labels. A clean clause in a turn where a gated rule's gate
    is closed is no negative for that rule: the gate, not the classifier, decides there (「这个我不太清楚，
    我帮您转人工」 means "unable"; the transfer after it is what makes the dialog clean), and a clause
    labelled with one rule is no negative for the others. ``all_negatives`` trains as before this
    (issue #19, branch qa-recall): both count as negatives."""
    out = []
    for case in training_cases() if cases is None else cases:
        closed = {} if all_negatives else _closed(case)
        evidence = case.expected.get("evidence", [])
        with_evidence = {e["rule"] for e in evidence}
        unknown = {r for r in case.expected["rules"] if r in CLASSIFIER_RULES and r not in with_evidence}
        for k, turn in enumerate(case.input["turns"]):
            if turn["role"] != "agent":
                continue
            in_turn = {e["rule"] for e in evidence if e["turn"] == k}
            for c in clauses(turn["text"]):
                hit = [e for e in evidence if e["turn"] == k and e["start"] < c.end and c.start < e["end"]
                       and e["rule"] in CLASSIFIER_RULES]
                labels = {e["rule"] for e in hit}
                spans = {e["rule"]: (max(e["start"], c.start) - c.start, min(e["end"], c.end) - c.start) for e in hit}
                # the other clauses of a turn that breaks the rule often break it too (「人工这会儿都不在，
                # 您跟我说就行」 is labelled on the second): neither positive nor negative for that rule
                # a clause that breaks one rule is no clean example for the others (「单位没发你问银行干嘛」 is
                # labelled rude; it deflects too)
                cross = set(CLASSIFIER_RULES) - labels if labels and not all_negatives else set()
                out.append(Sample(case.id, c.text, turn["text"], labels,
                                  unknown | (in_turn - labels) | (closed.get(k, set()) - labels) | cross, spans))
    return out


def faq_samples() -> list[Sample]:
    """Approved answers: how a compliant agent talks (clean for every rule)."""
    corpus = load_corpus(PROJECT_ROOT / "kb" / "corpus")
    return [Sample(f"faq:{f.id}", c.text, f.answer, set(), set()) for f in corpus.faqs for c in clauses(f.answer)]
