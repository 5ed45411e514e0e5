"""Several corpus roots in one index: ours (the built-in corpus) and a bank's own, side by side.

Each root has a short name — its *source* — that every chunk carries and that search filters on
(``puhui search --source jining``, ``source`` in the KB API). Files of the main root keep their plain
relative path as their key in the index (so an index built before roots existed stays valid); files of
another root are keyed ``<name>:<relative path>``, which keeps two roots' ``faq/x.yaml`` apart and shows
in citations where a passage came from. Configured by ``PUHUI_EXTRA_CORPORA`` (issue #20).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: the source name of the main corpus root (PUHUI_CORPUS_DIR)
MAIN_SOURCE = "puhui"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class CorpusRoot:
    name: str
    path: Path

    def key(self, rel: str) -> str:
        """The index key of a file at ``rel`` (forward slashes) under this root."""
        return rel if self.name == MAIN_SOURCE else f"{self.name}:{rel}"


def source_of(key: str) -> str:
    """The source name of an index key (a key without ``name:`` belongs to the main root)."""
    name, sep, _ = key.partition(":")
    return name if sep and NAME_PATTERN.match(name) else MAIN_SOURCE


def parse_extra_corpora(spec: str) -> list[CorpusRoot]:
    """``name=path`` pairs separated by commas, semicolons or line breaks → roots (ValueError on a bad one)."""
    roots: list[CorpusRoot] = []
    for item in re.split(r"[,;\n]", spec or ""):
        item = item.strip()
        if not item:
            continue
        name, sep, path = item.partition("=")
        name, path = name.strip(), path.strip()
        if not sep or not path:
            raise ValueError(f"extra_corpora: {item!r} must be name=path, e.g. jining=/data/jining_faq")
        if not NAME_PATTERN.match(name) or name == MAIN_SOURCE:
            raise ValueError(f"extra_corpora: source name {name!r} must match {NAME_PATTERN.pattern} "
                             f"and differ from {MAIN_SOURCE!r}")
        if any(r.name == name for r in roots):
            raise ValueError(f"extra_corpora: source name {name!r} is given twice")
        roots.append(CorpusRoot(name, Path(path).expanduser().resolve()))
    return roots


def all_roots(main: Path, extra: list[CorpusRoot] | tuple[CorpusRoot, ...] = ()) -> list[CorpusRoot]:
    return [CorpusRoot(MAIN_SOURCE, Path(main)), *extra]
