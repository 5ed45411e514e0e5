"""The 贷后预警 tab in a real headless Chromium, on the shared e2e server (no model): run a month over a
seeded book, see the portfolio, list 高危 alerts, open a loan's timeline and override its action.

Run: ``.venv/bin/python -m pytest tests/e2e/test_monitoring_tab.py -q``.
"""

from __future__ import annotations

import pytest

from agents.monitoring.service import MonitoringService
from tests.e2e.conftest import save_screenshot
from tests.e2e.test_workbench import LONG, choose, fill, open_tab

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
expect = pytest.importorskip("playwright.sync_api").expect


def test_monitoring_run_alerts_timeline_and_override(page, server):
    svc = MonitoringService.from_services(server.services)
    svc.save_book(svc.synthetic_book(1000, "2026-11", seed=9))
    open_tab(page, "贷后预警")
    fill(page, "mon-month", "2026-11")
    page.locator("#mon-run").click()
    expect(page.locator("#mon-run-out")).to_contain_text("1000 笔", timeout=LONG)
    expect(page.locator("#mon-portfolio")).to_contain_text("高危")
    choose(page, "mon-level", "高危")
    page.locator("#mon-list").click()
    table = page.locator("#mon-warnings")
    expect(table).to_contain_text("高危", timeout=LONG)
    loan = svc.warnings(month="2026-11", level="高危", limit=1)[0].loan_id
    fill(page, "mon-loan", loan)
    page.locator("#mon-timeline-btn").click()
    expect(page.locator("#mon-timeline")).to_contain_text("2026-11", timeout=LONG)
    expect(page.locator("#mon-timeline-notes")).to_contain_text("高危")
    choose(page, "mon-override", "转人工")
    fill(page, "mon-comment", "客户已来电说明")
    page.locator("#mon-decide").click()
    expect(page.locator("#mon-decide-out")).to_contain_text("已写入审计链", timeout=LONG)
    assert svc.timeline(loan)["decisions"][-1]["action"] == "转人工"
    save_screenshot(page, "08-monitoring")
