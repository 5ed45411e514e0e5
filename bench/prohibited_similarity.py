"""Does e5 similarity to the prohibited list's exemplars help? ``python -m bench.prohibited_similarity``.

For every application in eval/datasets/loan_review.jsonl, each clause of the name, scope and purpose
is compared with the exemplars of kb/corpus/policies/prohibited_business.rules.yaml (e5, the
project's embedder); the best similarity per application is set against its label (prohibited or
not). Printed: for each threshold, how many prohibited cases clear it, how many lawful ones do, and
how many prohibited cases it would add beyond the lexicon and patterns. Decides the default of
``PUHUI_PROHIBITED_SIMILARITY`` (0 = off) — issue #19.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from core.services import Services
from core.settings import Settings
from tools.credit.prohibited import ExemplarIndex, application_texts, load_policy, screen

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    settings = Settings()
    policy = load_policy()
    index = ExemplarIndex(policy, Services(settings).embedder, 0.0)
    rows = []
    for line in (ROOT / "eval" / "datasets" / "loan_review.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        app = case["input"]
        if not isinstance(app, dict) or not isinstance(app.get("enterprise"), dict) or not isinstance(app.get("loan"), dict):
            continue
        texts = application_texts(app)
        best = 0.0
        for field in ("name", "business_scope", "purpose"):
            for clause in (c.strip() for c in re.split(r"[；。;\n]", texts[field])):
                hit = index.best(clause) if clause else None
                best = max(best, hit[2] if hit else 0.0)
        rows.append((case["tags"]["category"] == "prohibited", best, bool(screen(policy, texts))))
    bad = sum(r[0] for r in rows)
    print(f"{len(rows)} applications, {bad} prohibited; lexicon+patterns catch {sum(r[0] and r[2] for r in rows)}")
    print("threshold  prohibited>=t  lawful>=t  added beyond lexicon")
    for t in (0.86, 0.88, 0.89, 0.90, 0.91, 0.92, 0.93):
        print(f"{t:9.2f}  {sum(r[0] and r[1] >= t for r in rows):13d}  {sum((not r[0]) and r[1] >= t for r in rows):9d}"
              f"  {sum(r[0] and r[1] >= t and not r[2] for r in rows):20d}")


if __name__ == "__main__":
    main()
