"""The corpus loader: typed documents, malformed files reported by name and line, the rest kept."""

from __future__ import annotations

import textwrap
from pathlib import Path

from kb.corpus import load_corpus, reference_errors
from tests.corpus_docs import industry_doc

BODY = "## 行业概况\n丹陽眼鏡年產鏡片約一億副。\n"  # traditional characters: the loader simplifies them


PRODUCT = """\
---
id: prod_tax_loan
doc_type: product
name: 禾信税务贷
category: loan
summary: 按纳税额核定额度的线上信用贷款。
target_customers: [小微企业]
eligibility:
  - {fact: years_operating, op: ">=", value: 2, text: 经营满2年}
amount_wan: {min: 10, max: 300}
tenor_months: {min: 6, max: 12}
rate_pct: {min: 3.5, max: 7.5}
---
## 产品概述
线上申请。
"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_valid_corpus_loads_typed_and_simplified(tmp_path):
    write(tmp_path, "industries/danyang_eyewear.md", industry_doc("danyang_eyewear", "prod_tax_loan", BODY))
    write(tmp_path, "products/prod_tax_loan.md", PRODUCT)
    write(tmp_path, "faq/loans.yaml", """\
        - id: faq_loans_001
          category: 贷款
          question: 税务贷怎么申请？
          similar: [税务贷在哪里办, 怎么申请税务贷款, 税务贷申請流程]
          answer: 通过手机银行提交申请，审批结果以审核为准。
          products: [prod_tax_loan]
        """)
    corpus = load_corpus(tmp_path)
    assert corpus.errors == [] and reference_errors(corpus) == []
    assert corpus.industry("danyang_eyewear").chain_stage == "midstream"
    assert "丹阳眼镜年产镜片" in corpus.industries["danyang_eyewear"].body  # traditional → simplified
    assert corpus.faqs[0].similar[2] == "税务贷申请流程"
    assert corpus.product("prod_tax_loan").eligibility[0].fact == "years_operating"


def test_malformed_files_are_reported_with_line_and_others_still_load(tmp_path):
    write(tmp_path, "industries/good.md", industry_doc("good", "prod_tax_loan", BODY))
    broken = industry_doc("broken", "prod_tax_loan", BODY).replace("risk_grade: 2", "risk_grade: 9")
    write(tmp_path, "industries/broken.md", broken)
    write(tmp_path, "industries/bad_yaml.md", "---\nid: x\nname: [unclosed\n---\nbody\n")
    write(tmp_path, "industries/no_front.md", "## 行业概况\n没有元数据\n")
    write(tmp_path, "faq/bad.yaml", """\
        - id: faq_x_001
          category: 账户
          question: 如何开户？
          similar: [开户]
          answer: "   "
        - id: faq_x_002
          category: 账户
          question: 如何销户？
          similar: [怎么销户, 销户流程, 注销账户]
          answer: 携带营业执照和公章到开户网点办理。
        """)
    corpus = load_corpus(tmp_path)
    by_file = {e.path: e for e in corpus.errors}
    assert set(corpus.industries) == {"good"}
    assert by_file["industries/broken.md"].line == broken.splitlines().index("risk_grade: 9") + 1
    assert "risk_grade" in by_file["industries/broken.md"].message
    assert by_file["industries/bad_yaml.md"].message.startswith("YAML error")
    assert by_file["industries/no_front.md"].line == 1
    assert by_file["faq/bad.yaml"].line == 1 and "answer" in by_file["faq/bad.yaml"].message  # blank after trimming
    assert [e.id for e in corpus.faqs] == ["faq_x_002"]
    assert str(by_file["faq/bad.yaml"]).startswith("faq/bad.yaml:1: ")


def test_dangling_references_and_duplicates_are_errors(tmp_path):
    write(tmp_path, "industries/a.md", industry_doc("dup", "prod_missing", BODY))
    write(tmp_path, "industries/b.md", industry_doc("dup", "prod_missing", BODY))
    corpus = load_corpus(tmp_path)
    assert any("duplicate id 'dup'" in e.message for e in corpus.errors)
    assert any("prod_missing" in e.message for e in reference_errors(corpus))
