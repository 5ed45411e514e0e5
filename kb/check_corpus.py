"""`python -m kb.check_corpus [DIR]`: validate the corpus and print every problem as path:line: message.

Without DIR it checks the *configured* corpus — ``PUHUI_CORPUS_DIR`` and every root of
``PUHUI_EXTRA_CORPORA`` — not the built-in one (issue #20: it used to report errors=0 for the built-in
corpus while the configured one was elsewhere). It is a command-line entry point, so it reads Settings
itself (allowed in tests/unit/test_architecture.py). Warnings (very short FAQ questions or answers)
are printed but do not fail the check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from core.settings import Settings
from kb.corpus import Corpus, CorpusError, load_corpus, reference_errors
from kb.gbt import load_gbt_codes
from kb.sources import CorpusRoot, all_roots, parse_extra_corpora


def configured_roots() -> list[CorpusRoot]:
    settings = Settings()
    return all_roots(settings.corpus_dir, tuple(parse_extra_corpora(settings.extra_corpora)))


def check_root(root: CorpusRoot, products: set[str]) -> tuple[Corpus, list[str], list[str]]:
    """(corpus, errors, warnings) of one root; ``products`` are those defined by the other roots."""
    corpus = load_corpus(root.path)
    elsewhere = [f"product {p!r} is not defined" for p in products - set(corpus.products)]
    errors: list[CorpusError] = list(corpus.errors)
    errors += [e for e in reference_errors(corpus) if not any(m in e.message for m in elsewhere)]
    codes = load_gbt_codes()
    if codes:
        for doc in corpus.industries.values():
            for c in doc.meta.gbt_codes:  # type: ignore[attr-defined]
                if c not in codes:
                    errors.append(CorpusError(doc.path, 2, f"unknown GB/T 4754-2017 code {c!r}"))
    return (corpus, [root.key(str(e)) for e in errors],
            [root.key(f"{w.path}:{w.line}: warning: {w.message}") for w in corpus.warnings])


def main(argv: list[str]) -> int:
    try:
        roots = all_roots(Path(argv[0])) if argv else configured_roots()
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    missing = [r for r in roots if not r.path.is_dir()]
    if missing:
        for r in missing:
            print(f"error: corpus directory {r.path} ({r.name}) does not exist")
        return 2
    products = {p for r in roots for p in load_corpus(r.path).products} if len(roots) > 1 else set()
    failed = False
    for root in roots:
        corpus, errors, warnings = check_root(root, products)
        for line in errors + warnings:
            print(line)
        print(f"[{root.name}] {root.path}: industries={len(corpus.industries)} products={len(corpus.products)} "
              f"policies={len(corpus.policies)} faq={len(corpus.faqs)} similar={sum(len(f.similar) for f in corpus.faqs)} "
              f"warnings={len(warnings)} errors={len(errors)}")
        failed = failed or bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
