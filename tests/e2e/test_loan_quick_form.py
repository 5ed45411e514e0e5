"""The 贷款审查 tab's 快速试算 mode in a real headless Chromium, on the shared e2e server (no model):
an application with the credit-report fields left empty gets a decision, and the summary lists every
field filled from ``QuickCreditDefaults`` (issue #19).

Run: ``.venv/bin/python -m pytest tests/e2e/test_loan_quick_form.py -q``.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import save_screenshot
from tests.e2e.test_workbench import LONG, open_tab
from tools.credit.quick_form import QUICK_CREDIT_DEFAULTS

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
expect = pytest.importorskip("playwright.sync_api").expect

CREDIT_LABELS = ("近24月逾期次数", "最长逾期天数", "近3月查询", "近6月查询", "现有负债（万元）")


def test_quick_form_without_a_credit_report_shows_the_decision_and_the_defaults(page):
    open_tab(page, "贷款审查")
    tab = page.locator("#tab-loan")
    tab.get_by_role("button", name="填入示例").click()
    expect(tab.get_by_label("企业名称", exact=True).first).to_have_value(re.compile("眼镜"), timeout=LONG)
    for label in CREDIT_LABELS:  # no credit report at hand: leave its facts empty
        box = tab.get_by_label(label, exact=True)
        box.fill("")
        expect(box).to_have_value("")
    quick = page.locator("#loan-quick input[type=checkbox]")
    quick.check()
    try:
        page.locator("#loan-submit").click()
        summary = page.locator("#loan-summary")
        expect(summary).to_contain_text("同意授信", timeout=LONG * 2)
        expect(summary).to_contain_text("已按默认值填写")
        for name in QUICK_CREDIT_DEFAULTS.model_dump():
            expect(summary).to_contain_text(f"owner.credit_report.{name}")
        expect(summary).to_contain_text("近3月查询")
        summary.scroll_into_view_if_needed()
        save_screenshot(page, "02-loan-review-quick", full_page=False)

        tab.get_by_label("近3月查询", exact=True).fill("-1")  # a bad value is named, not a traceback
        page.locator("#loan-submit").click()
        expect(summary).to_contain_text("申请资料有误", timeout=LONG)
        expect(summary).to_contain_text("owner.credit_report.inquiries_3m")
    finally:
        quick.uncheck()  # the page is shared: the full-form test that follows expects the normal mode
