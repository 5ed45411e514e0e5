"""Uploading a corpus document from the workbench: validated like ingestion, written atomically or not at all."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from kb.corpus import load_corpus
from server.ui.corpus_upload import INDUSTRY_SECTIONS, check_upload, write_atomically
from tests.corpus_docs import industry_doc

PRODUCT = """\
---
id: prod_tax_loan
doc_type: product
name: 禾信税务贷
category: loan
summary: 按纳税额核定额度的线上信用贷款。
target_customers: [小微企业]
amount_wan: {min: 10, max: 300}
tenor_months: {min: 6, max: 12}
rate_pct: {min: 3.5, max: 7.5}
---
## 产品概述
线上申请。
"""

BODY = "".join(f"## {s}\n{s}的具体内容，含数字 12 万元。\n\n" for s in INDUSTRY_SECTIONS)


industry = partial(industry_doc, body=BODY)


FAQ = """\
- id: faq_loans_001
  category: 贷款
  question: 税务贷怎么申请？
  similar: [税务贷在哪里办, 怎么申请税务贷款, 税务贷申请流程]
  answer: 通过手机银行提交申请，审批结果以审核为准。
  products: [prod_tax_loan]
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for rel, text in {"products/prod_tax_loan.md": PRODUCT, "industries/danyang_eyewear.md": industry(),
                      "faq/loans.yaml": FAQ}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    assert load_corpus(tmp_path).errors == []
    return tmp_path


def test_valid_industry_replaces_the_file_named_by_its_id(root):
    new = industry(name="丹阳眼镜镜片制造")
    check = check_upload("whatever-name.md", new.encode(), load_corpus(root))
    assert check.ok and check.target == "industries/danyang_eyewear.md" and check.replaces
    write_atomically(root, check)
    assert load_corpus(root).industry("danyang_eyewear").name == "丹阳眼镜镜片制造"
    assert sorted(p.name for p in (root / "industries").iterdir()) == ["danyang_eyewear.md"]  # no temp file left


def test_new_faq_file_is_added_under_faq(root):
    faq = FAQ.replace("faq_loans_001", "faq_tax_001")
    check = check_upload("tax.yaml", faq.encode(), load_corpus(root))
    assert check.ok and check.target == "faq/tax.yaml" and not check.replaces
    write_atomically(root, check)
    assert {e.id for e in load_corpus(root).faqs} == {"faq_loans_001", "faq_tax_001"}


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bad.md", industry().replace("chain_stage: midstream", "chain_stage: [oops").encode(), "bad.md:"),
        ("bad.md", industry().replace("risk_grade: 2", "risk_grade: 9").encode(), "risk_grade"),
        ("bad.md", industry(product="prod_missing").encode(), "prod_missing"),
        ("bad.md", industry(body=BODY.replace("## 风险要点", "## 风险")).encode(), "风险要点"),
        ("bad.md", "## 没有元数据\n正文\n".encode(), "bad.md:1: missing YAML front matter"),
        ("bad.md", "---\nid: x\nname: 眼镜\n---\n".encode("gbk"), "UTF-8"),
        ("loans.yaml", FAQ.replace("answer: 通过手机银行提交申请，审批结果以审核为准。", "answer: '  '").encode(),
         "loans.yaml:1: entry 1 answer"),  # blank once trimmed (similar questions are optional: issue #20)
        ("other.yaml", FAQ.encode(), "已在 faq/loans.yaml 中使用"),
        ("Bad Name.yaml", FAQ.encode(), "文件名"),
        ("notes.txt", b"hello", "只接受"),
        ("big.md", b"x" * (600 * 1024), "文件过大"),
    ],
)
def test_malformed_uploads_are_rejected_with_file_line_messages(root, name, data, expected):
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    check = check_upload(name, data, load_corpus(root))
    assert not check.ok
    assert any(expected in e for e in check.errors), check.errors
    assert all(e.split(":", 2)[1].isdigit() for e in check.errors), check.errors  # file:line: message
    with pytest.raises(ValueError):
        write_atomically(root, check)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_yaml_error_points_at_the_broken_line(root):
    text = industry().replace("peak_months: [7, 8]", "peak_months: [7, 8")
    check = check_upload("x.md", text.encode(), load_corpus(root))
    line = int(check.errors[0].split(":")[1])
    assert "peak_months" in text.splitlines()[line - 1] or "peak_months" in text.splitlines()[line - 2], check.errors
