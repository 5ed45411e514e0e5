"""The colloquial customer-service suite (issue #17): the dataset is fresh and well-formed, each reply
is classed as answered-correct / answered-wrong / handed-off / authenticated, and the run reports
the four rates per behaviour, with answered-correct over the answerable cases."""

from __future__ import annotations

import json
from collections import Counter

from agents.customer_service.schemas import BotReply, Handoff, Source
from core.settings import PROJECT_ROOT, Settings
from eval.run import EvalContext, run_all
from eval.schema import DATASETS_DIR, load_cases
from eval.suites.customer_service_colloquial import ANSWERABLE, CustomerServiceColloquialSuite, classify
from kb.corpus import load_corpus
from kb.textnorm import normalize


def _reply(outcome: str, faq_id=None, sources=(), handoff=None, text="") -> BotReply:
    return BotReply(text=text, outcome=outcome, faq_id=faq_id,  # type: ignore[arg-type]
                    sources=[Source(n=i, kind="kb", id=s, title=s) for i, s in enumerate(sources, start=1)],
                    handoff=Handoff(reason=handoff, ticket_id="T", summary="s", at_turn=1) if handoff else None)


def test_dataset_is_fresh_tagged_and_references_the_corpus():
    corpus = load_corpus(PROJECT_ROOT / "kb" / "corpus")
    cases = load_cases(DATASETS_DIR / "customer_service_colloquial.jsonl")
    assert len(cases) >= 150
    known = set(corpus.products) | set(corpus.industries) | {f.id for f in corpus.faqs}
    seen = {normalize(t) for e in corpus.faqs for t in [e.question, *e.similar]}
    for c in cases:
        b = c.expected["behaviour"]
        assert c.tags.model_extra["behaviour"] == b, c.id
        assert set(c.expected["accept"]) <= known, c.id
        assert bool(c.expected["accept"]) == (b in ANSWERABLE), c.id
        assert normalize(c.input["message"]) not in seen, c.id  # not an FAQ entry's own wording
    counts = Counter(c.expected["behaviour"] for c in cases)
    assert all(counts[b] >= 15 for b in ("product", "compare", "industry", "account", "faq", "handoff")), counts


def test_classes():
    prod = {"behaviour": "product", "accept": ["prod_tax_loan"], "must_contain": ["300万"]}
    assert classify(_reply("grounded", sources=["prod_tax_loan"], text="额度10万至300万元[1]"), prod) == "answered_correct"
    assert classify(_reply("grounded", sources=["prod_tax_loan"], text="期限1至12个月[1]"), prod) == "answered_wrong"
    # a verbatim entry about the product that holds the figure is a correct answer
    assert classify(_reply("faq", faq_id="faq_x", text="税务贷额度10万至300万元"), prod,
                    {"faq_x": ["prod_tax_loan"]}) == "answered_correct"
    cmp_ = {"behaviour": "compare", "accept": ["a", "b"], "all_of": True}
    assert classify(_reply("grounded", sources=["a"]), cmp_) == "answered_wrong"
    assert classify(_reply("grounded", sources=["a", "b"]), cmp_) == "answered_correct"
    acct = {"behaviour": "account", "accept": []}
    assert classify(_reply("handoff", handoff="account_verification"), acct) == "authenticated"
    assert classify(_reply("not_sure"), acct) == "handed_off"
    oob = {"behaviour": "handoff", "accept": []}
    assert classify(_reply("faq", faq_id="faq_cards_009"), oob) == "answered_wrong"
    assert classify(_reply("handoff", handoff="repeated_failure"), oob) == "handed_off"


class _Services:
    def __init__(self, corpus):
        self.corpus, self.llm, self.settings = corpus, None, Settings()

    @property
    def embedder(self):
        raise RuntimeError("no embedding model in unit tests")

    @property
    def kb(self):
        raise RuntimeError("no index")


def test_run_reports_rates_per_behaviour(tmp_path):
    corpus = load_corpus(PROJECT_ROOT / "kb" / "corpus")
    ctx = EvalContext(services=_Services(corpus), llm_mode="none", shared_data_dir=tmp_path)

    class Few(CustomerServiceColloquialSuite):
        def load_cases(self, ctx):
            cases = super().load_cases(ctx)
            return [next(c for c in cases if c.expected["behaviour"] == b) for b in ("compare", "account", "handoff")]

    summary = run_all([Few()], ctx, tmp_path, workers=1)["suites"]["customer_service_colloquial"]["summary"]
    assert summary["compare_answered_correct"] == 1.0  # a comparison needs no index: the documents' facts
    outputs = [json.loads(line)["output"] for line in (tmp_path / "customer_service_colloquial" / "results.jsonl").read_text().splitlines()]
    assert summary["account_authenticated"] == 1.0 and summary["handoff_handed_off"] == 1.0, outputs
    assert summary["answerable_correct"] == 1.0 and summary["answered_wrong"] == 0.0
