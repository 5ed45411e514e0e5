"""The 员工助手 (staff copilot) tab in a real headless Chromium, on the shared e2e server (no model):
a staff request is answered by the right assistant, the tab says which one and who answered, and
the collapsed tool details show the arguments the assistant got.

Run: ``.venv/bin/python -m pytest tests/e2e/test_copilot_tab.py -q``.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import save_screenshot
from tests.e2e.test_workbench import LONG, fill, open_tab

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
expect = pytest.importorskip("playwright.sync_api").expect


def test_copilot_routes_a_request_to_the_chain_map_and_shows_who_answered(page):
    open_tab(page, "员工助手")
    chat, status = page.locator("#copilot-chat"), page.locator("#copilot-status")
    fill(page, "copilot-input", "帮我看看无锡市宜兴市丁蜀镇的陶都紫砂有限公司在产业链哪个环节，生产紫砂壶、茶具")
    page.locator("#copilot-send").click()
    expect(status).to_contain_text("产业链地图助手", timeout=LONG * 2)
    expect(status).to_contain_text("确定性关键词路由作答")
    expect(chat).to_contain_text("细分行业：宜兴紫砂壶制作", timeout=LONG)
    expect(chat).to_contain_text("产业链环节")
    details = chat.get_by_text(re.compile("调用的助手：产业链地图助手")).first
    expect(details).to_be_visible()
    args_line = chat.get_by_text(re.compile("产业链地图助手（成功）｜参数：")).first
    expect(args_line).to_be_hidden()
    details.click()  # expand the collapsed tool details: the arguments the assistant got
    expect(args_line).to_be_visible()
    args_line.scroll_into_view_if_needed()
    expect(page.locator("#copilot-input textarea")).to_have_value("")
    save_screenshot(page, "07-copilot")
