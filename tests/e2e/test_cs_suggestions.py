"""「您是不是想问」 in the 客服 tab, in a real headless Chromium on the shared e2e server (e5, no model):
a question no FAQ entry is sure enough for shows its candidate standard questions as buttons;
clicking one sends it, the approved answer comes back verbatim and the buttons go away.

Run: ``.venv/bin/python -m pytest tests/e2e/test_cs_suggestions.py -q``.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_workbench import LONG, fill, open_tab

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
expect = pytest.importorskip("playwright.sync_api").expect
#: on the e2e corpus (loans, accounts, complaints FAQ) its best candidate, 随借随还的利息怎么算？, scores
#: about 0.23, below the shipped threshold (0.26) and above the suggestion floor (0.11)
VAGUE = "关于利息"
OFFERED = "随借随还的利息怎么算？"


def test_a_suggested_question_is_a_button_that_sends_it(page):
    open_tab(page, "客服")
    page.locator("#cs-new").click()
    chat, status = page.locator("#cs-chat"), page.locator("#cs-status")
    expect(status).to_contain_text("已创建", timeout=LONG)
    button = page.locator("#cs-suggest-0")
    fill(page, "cs-input", VAGUE)
    page.locator("#cs-send").click()
    expect(status).to_contain_text("您是不是想问", timeout=LONG * 2)
    expect(chat).to_contain_text("您是不是想问")
    expect(button).to_be_visible()
    expect(button).to_have_text(OFFERED)
    button.click()
    expect(status).to_contain_text("标准答案", timeout=LONG)
    expect(chat.get_by_text(OFFERED, exact=True).last).to_be_visible()  # sent as the customer's message
    expect(button).to_be_hidden()
