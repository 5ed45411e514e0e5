"""Reading dialogs (JSON / JSONL / CSV, lenient names, clear errors) and batch outputs."""

from __future__ import annotations

import json

import pytest

from agents.qa_inspection.batch import inspect_folder
from tools.qa.dialogs import DialogFormatError, dialogs_from_csv, dialogs_from_json, dialogs_from_jsonl, parse_ts
from tools.qa.gaps import group_gaps
from tools.qa.models import GapCandidate


def test_json_shapes_and_role_names():
    one = {"conversation_id": "x", "messages": [{"speaker": "坐席", "content": "您好"}, {"from": "客户", "message": "在吗"}]}
    for text in (json.dumps(one), json.dumps([one]), json.dumps({"dialogs": [one]})):
        [d] = dialogs_from_json(text)
        assert d.id == "x" and [t.role for t in d.turns] == ["agent", "customer"]


def test_csv_groups_rows_by_dialog_in_order():
    text = "dialog_id,role,text,ts\na,agent,您好,09:00:00\na,customer,在吗,09:00:30\nb,user,hi,\n"
    a, b = dialogs_from_csv(text)
    assert a.id == "a" and a.turns[1].ts - a.turns[0].ts == 30 and b.turns[0].role == "customer"


def test_errors_name_file_line_and_field():
    with pytest.raises(DialogFormatError) as exc:
        dialogs_from_jsonl('{"id": "a", "turns": [{"role": "alien", "text": "x"}]}\nnot json\n', "x.jsonl")
    problems = exc.value.problems
    assert problems[0].startswith("x.jsonl:1:") and "alien" in problems[0]
    assert problems[1].startswith("x.jsonl:2: not JSON")
    with pytest.raises(DialogFormatError, match="missing column"):
        dialogs_from_csv("id,speaker\n1,agent\n", "y.csv")


def test_timestamps():
    assert parse_ts("2025-01-01T00:00:10+00:00") - parse_ts("2025-01-01T00:00:00+00:00") == 10
    assert parse_ts("01:02:03") == 3723 and parse_ts(5) == 5.0 and parse_ts("") is None
    with pytest.raises(ValueError):
        parse_ts("yesterday")


def test_batch_covers_every_dialog_and_writes_outputs(inspector, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    good = {"dialogs": [{"id": f"d{i}", "turns": [{"role": "agent", "text": "说吧"}, {"role": "customer", "text": "理财保本吗"},
                                                   {"role": "agent", "text": "保本的。"}]} for i in range(3)]}
    (src / "a.json").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    (src / "b.csv").write_text("dialog_id,role,text\nc1,agent,您好，请问有什么可以帮您\nc1,customer,谢谢\nc1,agent,再见\n",
                               encoding="utf-8")
    (src / "bad.json").write_text("{broken", encoding="utf-8")
    summary, files = inspect_folder(inspector, src, tmp_path / "out")
    assert summary.dialogs == 4 and summary.passed == 1 and summary.pass_rate == 0.25
    assert {r.rule_id: r.dialogs for r in summary.by_rule}["forbidden_promise"] == 3
    assert summary.errors and summary.errors[0].startswith("bad.json:1")
    assert summary.worst[0]["dialog_id"].startswith("d")
    for f in files.values():
        assert f.exists() and f.stat().st_size > 0
    assert files["chart"].read_bytes()[:4] == b"\x89PNG"
    assert len(files["findings"].read_text(encoding="utf-8").splitlines()) == 4


def test_gap_grouping():
    gaps = [GapCandidate(question=q, dialog_id=str(i), turn=1, reason="bot_not_sure")
            for i, q in enumerate(["保险箱怎么租", "保险箱怎么租啊", "黄金怎么买"])]
    groups = group_gaps(gaps)
    assert groups[0].count == 2 and groups[1].question == "黄金怎么买"


def test_batch_outputs_carry_the_judges_suggestions(corpus, tmp_path):
    from agents.qa_inspection.service import QaService
    from tests.llm_fakes import ScriptedChatModel

    reply = json.dumps({"note": "合格，但坐席语气不耐烦。", "suggestions": [
        {"rule_id": "rude_language", "turn": 1, "evidence": "别来烦我", "reason": "推诿"}]}, ensure_ascii=False)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text("dialog_id,role,text\nc1,agent,您好，自己上网查去，别来烦我。\nc1,customer,好\n",
                               encoding="utf-8")
    qa = QaService.from_corpus(corpus, ScriptedChatModel(script=[reply]), classifier=False)  # rules only: they miss it
    summary, files = inspect_folder(qa, src, tmp_path / "out")
    [row] = [json.loads(line) for line in files["findings"].read_text(encoding="utf-8").splitlines()]
    assert [s["rule_id"] for s in row["llm_suggestions"]] == ["rude_language"] and "rude_language" not in {
        f["rule_id"] for f in row["findings"]}
    assert summary.llm_suggestions == 1 and "模型建议（待人工确认，不计分）：1 条" in files["summary_md"].read_text("utf-8")
