"""How a QA clause-classifier artefact does on chosen rounds of qa_compliance_dialogs.jsonl (issue #19).

``python -m bench.qa_classifier_rounds --model OLD.json --variants round7,round8`` inspects the dialogs
of those variants with the rules plus the given artefact (default: the shipped one) and prints per-rule
precision/recall and the evidence overlap, as the qa_compliance suite scores them. Used once to see how
the model of branch qa-recall did on rounds 7–8 before they were trained on (they were fresh for it):
``git show 632bd6d:agents/qa_inspection/data/qa_clause_model.json > /tmp/old.json``. Refuses the
``heldout`` variant: those dialogs are for the held-out suite only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from agents.qa_inspection.service import CLASSIFIER_MODEL, QaService
from core.settings import PROJECT_ROOT
from eval.metrics.rules import per_rule_prf
from eval.schema import DATASETS_DIR, load_cases
from eval.suites.qa_inspection import QaComplianceSuite
from kb.corpus import load_corpus
from tools.qa.classifier import ClauseClassifier


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=CLASSIFIER_MODEL)
    parser.add_argument("--variants", default="round7,round8")
    args = parser.parse_args(argv)
    variants = {v for v in args.variants.split(",") if v}
    if "heldout" in variants:
        parser.error("--variants: heldout dialogs are scored by the qa_compliance_heldout suite only")
    base = QaService.from_corpus(load_corpus(PROJECT_ROOT / "kb" / "corpus"), classifier=False)
    svc = QaService(base.rubric, base.compliance, base.ctx.facts, classifier=ClauseClassifier.from_file(args.model))
    cases = [c for c in load_cases(DATASETS_DIR / "qa_compliance_dialogs.jsonl") if c.tags.variant in variants]
    suite = QaComplianceSuite()
    outs = [suite.run_case(c, svc) for c in cases]
    prf = per_rule_prf([set(o.output["expected"]) for o in outs], [set(o.output["predicted"]) for o in outs])
    overlaps = [o.scores["evidence_overlap"] for o in outs if "evidence_overlap" in o.scores]
    print(f"{args.model.name} on {sorted(variants)} ({len(cases)} dialogs)")
    for rule, m in prf.items():
        print(f"  {rule}: P {m['precision']:.3f} R {m['recall']:.3f} (support {int(m['support'])})")
    if overlaps:
        print(f"  evidence_overlap {sum(overlaps) / len(overlaps):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
