"""Segment and chain-stage linking of a whole base in one batch.

Registered business scopes repeat a great deal (the same few standard phrases per trade), so the
base is factorised on its scope text and ``kb.linking.EntityLinker`` runs once per distinct text; the
answers are broadcast back to every row with one take. ``cache`` (scope → (segment, score)) survives
between runs in the service, so a second campaign on the same base links nothing anew.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

import numpy as np
import pandas as pd

from kb.linking.linker import EntityLinker

UNKNOWN = "unknown"


def link_base(base: pd.DataFrame, linker: EntityLinker, cache: MutableMapping[str, tuple[str, float]] | None = None,
              progress: Callable[[float], None] | None = None) -> pd.DataFrame:
    """Columns ``segment`` (``unknown`` below the linker's threshold), ``link_score``, ``stage``, ``linked``."""
    cache = {} if cache is None else cache
    codes, uniques = pd.factorize(base["scope"], sort=False)
    segments = np.empty(len(uniques), dtype=object)
    scores = np.zeros(len(uniques))
    step = max(1, len(uniques) // 20)
    for k, text in enumerate(uniques):
        if text not in cache:
            result = linker.link(text) if text.strip() else None
            cache[text] = (result.segment or UNKNOWN, result.score) if result else (UNKNOWN, 0.0)
        segments[k], scores[k] = cache[text]
        if progress and k % step == 0:
            progress(k / len(uniques))
    stage_of = {sid: doc.chain_stage for sid, doc in linker.industries.items()}
    seg = pd.Series(segments[codes] if len(uniques) else np.array([], dtype=object), index=base.index)
    out = pd.DataFrame({"segment": seg, "link_score": scores[codes] if len(uniques) else 0.0}, index=base.index)
    out["stage"] = seg.map(stage_of).fillna(UNKNOWN)
    out["linked"] = out["segment"] != UNKNOWN
    return out
