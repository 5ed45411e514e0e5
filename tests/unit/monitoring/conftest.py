"""Shared fixtures: the shipped corpus (read-only) and a MonitoringService over tmp SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.monitoring.service import MonitoringService
from kb.corpus import load_corpus
from prompts.loader import read
from tools.credit.audit import AuditLog
from tools.storage import SqliteDatabase

ROOT = Path(__file__).resolve().parents[3]
FILLED = {"（旺季、淡季月份，本年与往年相比的变化）": "春节后订单回暖，旺季提前到8月。",
          "（主要产品、原料的价格走势，涨跌幅）": "原矿泥料价格上涨约10%。",
          "（订单、客户结构、渠道的变化）": "直播渠道占比提高到四成。",
          "（同业授信、账期、担保、民间借贷情况）": "农商行经营贷放款加快，账期缩短。",
          "（新出现或加重的风险；可写“无明显变化”）": "库存积压，联系人手机13812345678。"}


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(ROOT / "kb" / "corpus")


@pytest.fixture
def note_text() -> str:
    text = read("monitoring/field_note.md")
    for k, v in FILLED.items():
        text = text.replace(k, v)
    return text


@pytest.fixture
def svc(corpus, tmp_path) -> MonitoringService:
    audit = AuditLog(tmp_path / "audit.sqlite")
    return MonitoringService.build(corpus, SqliteDatabase(tmp_path / "monitoring.sqlite"), audit, tmp_path)
