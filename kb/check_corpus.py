"""`python -m kb.check_corpus [DIR]`: validate the corpus and print every problem as path:line: message."""

from __future__ import annotations

import sys
from pathlib import Path

from kb.corpus import load_corpus, reference_errors
from kb.gbt import load_gbt_codes


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).parent / "corpus"
    corpus = load_corpus(root)
    errors = list(corpus.errors) + reference_errors(corpus)
    codes = load_gbt_codes()
    if codes:
        for doc in corpus.industries.values():
            for c in doc.meta.gbt_codes:  # type: ignore[attr-defined]
                if c not in codes:
                    errors.append(f"{doc.path}:2: unknown GB/T 4754-2017 code {c!r}")
    for e in errors:
        print(e)
    print(f"industries={len(corpus.industries)} products={len(corpus.products)} policies={len(corpus.policies)} "
          f"faq={len(corpus.faqs)} similar={sum(len(f.similar) for f in corpus.faqs)} errors={len(errors)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
