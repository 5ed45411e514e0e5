"""The 质检 tab shows the model judge's grounded suggestions under each dialog, apart from the
findings, marked as waiting for a person; with none, nothing is added."""

from __future__ import annotations

import json

from agents.qa_inspection.service import QaService
from tests.llm_fakes import ScriptedChatModel
from tests.unit.qa.conftest import C, G, dialog


def test_suggestions_are_listed_under_the_dialog(corpus):
    from server.ui.qa_tab import highlight_dialog, suggestions_html

    d = dialog(G, "查下进度", "您的手机13912345678已登记，<自己等着吧>。", "好", C)
    reply = {"note": "不合格。", "suggestions": [
        {"rule_id": "rude_language", "turn": 3, "evidence": "<自己等着吧>", "reason": "语气不耐烦"}]}
    qa = QaService.from_corpus(corpus, ScriptedChatModel(script=[json.dumps(reply, ensure_ascii=False)]))
    rep = qa.inspect(d)
    names = {r.id: r.name for r in qa.rubric.rules}
    page = highlight_dialog(d, rep, names)
    assert "模型建议（待人工确认）" in page
    assert "<li>服务用语不当（rude_language）· 2·坐席：“&lt;自己等着吧&gt;”——语气不耐烦</li>" in page
    assert "13912345678" not in page and "<mark" in page  # the PII finding is still highlighted, masked
    clean = QaService.from_corpus(corpus).inspect(d)
    assert suggestions_html(clean, names) == "" and "模型建议" not in highlight_dialog(d, clean, names)


def test_summary_says_who_wrote_the_review_notes():
    from types import SimpleNamespace

    from server.ui.qa_tab import review_sources_line

    reports = [SimpleNamespace(llm="llm", llm_reason=None), SimpleNamespace(llm="fallback", llm_reason="timeout"),
               SimpleNamespace(llm="fallback", llm_reason="timeout")]
    assert review_sources_line(reports) == "点评撰写：大模型 1 通，回退 2 通（timeout 2）；评分只来自规则。"
    assert review_sources_line([SimpleNamespace(llm="none", llm_reason="no_model")]) == "点评撰写：确定性 1 通；评分只来自规则。"
