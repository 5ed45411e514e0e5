"""Issue #17: answers from the product and industry documents, and the verbatim path's topic check."""

from __future__ import annotations

import json
import re

import pytest

from agents.common.grounding import check_grounding
from agents.customer_service.doc_answers import DocAnswerer, asked_attributes, product_facts
from agents.customer_service.topic_check import check_topic
from kb.linking.linker import EntityLinker
from tests.unit.customer_service.test_bot import talk


@pytest.fixture(scope="module")
def docs(corpus):
    return DocAnswerer(corpus, EntityLinker.from_corpus(corpus))


def test_comparison_is_a_side_by_side_table_from_both_documents(docs, corpus):
    a = docs.answer("税务贷跟发票贷有啥区别", ["prod_tax_loan", "prod_invoice_loan"])
    assert a.kind == "compare" and [s.id for s in a.sources] == ["prod_tax_loan", "prod_invoice_loan"]
    tax, inv = corpus.products["prod_tax_loan"].meta, corpus.products["prod_invoice_loan"].meta
    header, _, *rows = [line for line in a.text.splitlines() if line.startswith("|")]
    assert all(h in header for h in ("年化利率", "额度", "期限", "申请条件"))
    tax_row, inv_row = rows  # one row per product: every figure of a row from the document it cites
    assert "[1]" in tax_row and f"{tax.rate_pct.max:g}%" in tax_row and f"{tax.amount_wan.max:g}万" in tax_row
    assert "[2]" in inv_row and f"{inv.rate_pct.max:g}%" in inv_row and f"{tax.rate_pct.max:g}%" not in inv_row
    assert check_grounding(a.text, {str(s.n): s.text for s in a.sources}).grounded


def test_attribute_question_quotes_only_that_fact_with_its_citation(docs, corpus):
    a = docs.answer("税务贷最多能贷多少", ["prod_tax_loan"])
    meta = corpus.products["prod_tax_loan"].meta
    assert a.kind == "product" and f"{meta.amount_wan.max:g}万元[1]" in a.text
    assert "利率" not in a.text.split("。")[0]
    assert a.sources[0].id == "prod_tax_loan" and f"{meta.amount_wan.max:g}万" in a.sources[0].text


def test_every_figure_in_a_product_answer_is_in_its_cited_source(docs, corpus):
    for pid in corpus.products:
        for q in ("利率多少", "额度多少", "期限多长", "要什么材料", "收费吗"):
            a = docs.answer(q, [pid])
            if a is None:
                continue
            cited = " ".join(s.text for s in a.sources)
            assert set(re.findall(r"\d+(?:\.\d+)?", re.sub(r"\[\d+\]", "", a.text))) <= set(re.findall(r"\d+(?:\.\d+)?", cited)), (pid, q)


def test_wealth_yield_is_never_quoted_as_a_rate(corpus):
    assert "rate" not in product_facts(corpus.products["prod_wealth"].meta)


def test_trade_financing_question_lists_the_fitting_products(docs, corpus):
    a = docs.answer("开了个小超市，想借点钱周转", [])
    assert a.kind == "industry" and a.sources[0].id == "supermarket"
    fitting = set(corpus.industries["supermarket"].meta.fitting_products)
    assert {s.id for s in a.sources[1:]} <= fitting and "prod_working_capital" in {s.id for s in a.sources}
    assert check_grounding(a.text, {str(s.n): s.text for s in a.sources}).grounded
    assert docs.answer("今天天气怎么样", []) is None
    assert docs.answer("个人住房贷款利率是多少", []) is None  # a trade word in passing is not a business


def test_attribute_words():
    assert asked_attributes("利息多少，最多能借多少") == ["rate", "amount"]
    assert asked_attributes("需要准备啥资料") == ["documents"]


def test_topic_check_rejects_another_product_or_topic(corpus):
    by_id = {e.id: e for e in corpus.faqs}
    cats = {p: d.meta.category for p, d in corpus.products.items()}
    assert not check_topic("信用卡年费多少", [], by_id["faq_cards_009"], cats).agrees  # a debit-card entry
    assert check_topic("借记卡有年费吗", [], by_id["faq_cards_009"], cats).agrees
    assert not check_topic("担保贷的申请条件", ["prod_guarantee_loan"], by_id["faq_loans_008"], cats).agrees
    assert check_topic("税务贷申请条件", ["prod_tax_loan"], by_id["faq_loans_008"], cats).agrees
    assert check_topic("税务贷逾期了会怎样", ["prod_tax_loan"], by_id["faq_loans_016"], cats).agrees  # general loan entry


def test_bot_answers_a_comparison_and_never_a_wrong_verbatim_entry(make_bot):
    bot = make_bot()
    _, [cmp_, card] = talk(bot, "c1", "税务贷跟发票贷有啥区别", "信用卡年费多少")
    assert cmp_.reply.outcome == "grounded" and {s.id for s in cmp_.reply.sources} == {"prod_tax_loan", "prod_invoice_loan"}
    assert cmp_.reply.disclosures == [] or "loan_terms" in cmp_.reply.disclosures
    assert card.reply.faq_id is None  # no credit-card entry: not the debit-card one


def test_model_may_rephrase_a_product_fact_answer_only_within_its_document(make_bot):
    from tests.unit.customer_service.test_llm_paths import fake, send

    understanding = json.dumps({"intent": "product_inquiry", "query": "税务贷最多能贷多少", "products": ["prod_tax_loan"],
                                "slots": {}})
    ok = send(make_bot(llm=fake(understanding, "税务贷的额度是10万至300万元[1]。")), "税务贷最多能贷多少")
    assert ok.outcome == "grounded" and ok.llm == "llm" and ok.text.startswith("税务贷的额度是10万至300万元[1]")
    assert [s.id for s in ok.sources] == ["prod_tax_loan"]
    bad = send(make_bot(llm=fake(understanding, "税务贷最高能贷800万元[1]。")), "税务贷最多能贷多少")
    assert bad.llm == "fallback" and bad.llm_reason == "ungrounded" and "800" not in bad.text and "300万元[1]" in bad.text


def test_a_corpus_without_industries_still_builds_the_bot(tmp_path):
    import shutil

    from agents.customer_service.build import build_deps
    from kb.corpus import load_corpus
    from tests.unit.customer_service.conftest import CORPUS

    for folder in ("products", "policies", "faq"):
        shutil.copytree(CORPUS / folder, tmp_path / folder)
    deps = build_deps(load_corpus(tmp_path))
    assert deps.docs is not None and deps.docs.answer("开了个小超市，想借点钱进货", []) is None
    assert deps.docs.answer("税务贷最多能贷多少", ["prod_tax_loan"]).kind == "product"
