"""The verbatim threshold calibrated for one FAQ scope (``puhui kb calibrate``, issue #13 parts 1+3).

The precision a verbatim threshold buys depends on the FAQ it is applied to: ≥ 95% right needs 0.989 on
the UnionPay FAQ and 0.04 on ours, and the shipped 0.26 gives ~57–60% on a bank's FAQ in replace mode.
So a threshold chosen on a bank's question log is stored for the FAQ it was chosen on, in its own file
``<data_dir>/cs_threshold.json`` beside ``cs_faq_scope.json`` — not inside it: the scope file is rewritten
by every ``--replace`` import and removed by ``faq-scope --all``, and a threshold must neither be carried
silently onto another FAQ nor lost with a scope. The record carries a fingerprint of what the threshold
was measured on — the entries the bot answers from (ids, questions, similar questions, answers) and the
embedder whose calibrated probability it compares — so a changed FAQ or model makes it *stale*: the bot
then ignores it (the shipped default again) and ``puhui kb faq-scope`` says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from kb.records import read_record, write_text_atomically
from kb.schema import FaqEntry

THRESHOLD_FILE = "cs_threshold.json"
Status = Literal["none", "current", "stale"]


class ThresholdRecord(BaseModel):
    """A verbatim threshold and the figures it was chosen with (test split: held out from the choice)."""

    threshold: float = Field(ge=0.0, le=1.0)
    fingerprint: str  # scope_fingerprint() of the FAQ entries and embedder it was calibrated on
    scope: str = ""  # the replace-mode import name, or "" for every FAQ entry of the corpus
    entries: int = 0
    embedder: str = ""
    target_precision: float = 0.95
    confidence: float = 0.0  # one-sided confidence of the precision bound (0: the observed share; older records)
    seed: int = 0
    questions: str = ""  # the question log it was calibrated on (for the record)
    calibration: dict[str, float] = Field(default_factory=dict)  # precision, self_service, questions
    test: dict[str, float] = Field(default_factory=dict)  # verbatim_precision, self_service_rate, handoff_share …
    shipped_threshold: float | None = None
    set_at: str = ""


def threshold_path(data_dir: Path) -> Path:
    return Path(data_dir) / THRESHOLD_FILE


def scope_fingerprint(entries: Sequence[FaqEntry], embedder_id: str | None) -> str:
    """What a threshold is valid for: the answerable texts of every entry, and the embedder (the
    calibrated probability differs per model). Order-independent: re-reading the files gives the same."""
    h = hashlib.sha256(f"embedder={embedder_id or 'lexical'}\n".encode())
    for e in sorted(entries, key=lambda e: e.id):
        h.update(json.dumps([e.id, e.question, list(e.similar), e.answer], ensure_ascii=False).encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def load_threshold(data_dir: Path) -> ThresholdRecord | None:
    """The stored record, or None. ValueError names a corrupt file."""
    return read_record(threshold_path(data_dir), ThresholdRecord, "threshold record",
                       "re-run `puhui kb calibrate` or delete it")


def save_threshold(data_dir: Path, record: ThresholdRecord) -> ThresholdRecord:
    """Write the record atomically (a reader sees the old one or the new one, never half)."""
    record = record.model_copy(update={"set_at": record.set_at or datetime.now(timezone.utc).isoformat(timespec="seconds")})
    write_text_atomically(threshold_path(data_dir), record.model_dump_json(indent=2) + "\n")
    return record


def threshold_status(data_dir: Path, entries: Sequence[FaqEntry],
                     embedder_id: str | None) -> tuple[Status, ThresholdRecord | None]:
    """("current", record) when the stored threshold was calibrated on exactly these entries and this
    embedder; ("stale", record) when on something else; ("none", None) without one. A corrupt file
    raises ValueError (the caller decides: the bot logs it and uses the default)."""
    record = load_threshold(data_dir)
    if record is None:
        return "none", None
    return ("current" if record.fingerprint == scope_fingerprint(entries, embedder_id) else "stale"), record
