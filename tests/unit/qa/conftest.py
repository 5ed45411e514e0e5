from __future__ import annotations

import pytest

from core.settings import PROJECT_ROOT
from kb.corpus import load_corpus


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(PROJECT_ROOT / "kb" / "corpus")


@pytest.fixture(scope="session")
def inspector(corpus):
    from agents.qa_inspection.service import QaService

    return QaService.from_corpus(corpus)


G = "您好，禾信银行客服，很高兴为您服务。"
C = "请问还有其他可以帮您的吗？感谢来电，再见。"


def dialog(*agent_customer: str, ts: list[float] | None = None, complete: bool = True, channel: str = "human"):
    """Alternating turns starting with the agent; optional timestamps."""
    from tools.qa.dialogs import Dialog

    turns = [{"role": "agent" if i % 2 == 0 else "customer", "text": t} for i, t in enumerate(agent_customer)]
    for t, s in zip(turns, ts or []):
        t["ts"] = s
    return Dialog.model_validate({"id": "d", "turns": turns, "complete": complete, "channel": channel})
