"""The QA inspector as one object: policies + KB facts + the compiled graph, built once per process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.qa_inspection.graph import build_graph
from agents.qa_inspection.nodes import QaNodes
from kb.faq_scope import Branding, load_branding
from tools.cs.policy import CsCompliance, QaRubric, load_cs_compliance, load_qa_rubric
from tools.qa.classifier import ClauseClassifier
from tools.qa.dialogs import Dialog
from tools.qa.facts import KbFacts
from tools.qa.models import DialogReport
from tools.qa.rules import RuleContext
from tools.qa.semantic import ExemplarMatcher

EXEMPLARS = Path(__file__).resolve().parent / "data" / "exemplars.yaml"
#: the clause classifiers trained by ``python -m eval.qa_classifier_train`` (issue #19)
CLASSIFIER_MODEL = Path(__file__).resolve().parent / "data" / "qa_clause_model.json"


class QaService:
    def __init__(self, rubric: QaRubric, compliance: CsCompliance, facts: KbFacts | None = None, llm: Any = None,
                 llm_timeout_s: float = 20.0, semantic: ExemplarMatcher | None = None,
                 classifier: ClauseClassifier | None = None):
        self.rubric = rubric
        self.compliance = compliance
        self.ctx = RuleContext(rubric=rubric, compliance=compliance, facts=facts, semantic=semantic,
                               classifier=classifier)
        self.graph = build_graph(QaNodes(self.ctx, llm, llm_timeout_s))

    @classmethod
    def from_corpus(cls, corpus: Any, llm: Any = None, llm_timeout_s: float = 20.0,
                    embedder: Any = None, classifier: bool = True, branding: Branding | None = None) -> "QaService":
        """The shipped clause classifiers add what the rules miss unless ``classifier`` is False; with an
        ``embedder``, the e5 similarity to labelled exemplars does too (issue #19). ``branding``: replace
        mode with a bank's own hotline (kb/faq_scope.py), which is then an official number — the bot
        built on that scope gives it, and the inspector must not flag the bank's own number."""
        rubric, compliance = load_qa_rubric(corpus), load_cs_compliance(corpus)
        if branding is not None:
            compliance = compliance.branded(branding.bank_name, branding.hotline)
        det = next((r.detector for r in rubric.rules if r.detector.type == "kb_facts"), None)
        facts = KbFacts.from_corpus(corpus, compliance.official_numbers + [compliance.official_hotline],
                                    similarity=float(det.param("sentence_similarity", 0.6)) if det else 0.6,
                                    product_window=int(det.param("product_window", 40)) if det else 40,
                                    bank_name=compliance.bank_name)
        semantic = ExemplarMatcher.from_file(embedder, EXEMPLARS) if embedder is not None else None
        clauses = ClauseClassifier.from_file(CLASSIFIER_MODEL) if classifier else None
        return cls(rubric, compliance, facts, llm, llm_timeout_s, semantic, clauses)

    @classmethod
    def from_services(cls, services: Any) -> "QaService":
        """Shared per process (Services.cached): the rubric and KB facts are parsed once."""
        similarity = getattr(services.settings, "qa_exemplar_similarity", False)
        clauses = getattr(services.settings, "qa_clause_classifier", True)
        return services.cached("qa.inspector", lambda: cls.from_corpus(
            services.corpus, services.llm, services.settings.llm_timeout_s,
            embedder=services.embedder if similarity else None, classifier=clauses,
            branding=load_branding(services.settings.data_dir)))

    def inspect(self, dialog: Dialog) -> DialogReport:
        out = self.graph.invoke({"dialog": dialog.model_dump()})
        return DialogReport.model_validate(out["report"])
