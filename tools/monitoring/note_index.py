"""Search over attached field notes: one chunk per note section, BM25 over characters (the KB's own
lexical index, kb.retrieval.lexical), built from the store on each query — notes number in the
hundreds, so a rebuild costs milliseconds and the index can never be stale."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from kb.retrieval.lexical import LexicalIndex
from tools.monitoring.profiles import ProfileStore


class NoteHit(BaseModel):
    note_id: str
    segment: str
    section: str
    text: str
    score: float


def search_notes(store: ProfileStore, query: str, k: int = 5, segment: str | None = None) -> list[NoteHit]:
    chunks = store.note_chunks(segment)
    if not chunks or not query.strip():
        return []
    index = LexicalIndex("char").build([f"{c['note_id']}#{c['section']}" for c in chunks], [c["text"] for c in chunks])
    scores = index.scores(query)
    order = np.argsort(-scores)[:k]
    return [NoteHit(**{key: chunks[i][key] for key in ("note_id", "segment", "section", "text")}, score=float(scores[i]))
            for i in order if scores[i] > 0]
