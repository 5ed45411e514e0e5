"""「您是不是想问」 (issue #13 part 3): below the verbatim threshold the graph offers the top candidate
standard questions instead of a bare "not sure"; answered verbatim, it offers none.

The matcher is a fake with fixed scores (the real entries of the corpus, so the topic check runs on
them as in production); the rest of the graph is the real one."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from agents.customer_service.faq_match import MatchParams
from agents.customer_service.schemas import FaqHit
from agents.customer_service.suggest import suggestions
from tests.unit.customer_service.conftest import FakeKB

THRESHOLD, FLOOR = 0.5, 0.1


@dataclass
class FakeMatcher:
    """``match`` returns the scripted scores for a message; a standard question sent back as the
    message matches its own entry at 0.99 (what the real matcher does with an exact question)."""

    by_id: dict
    scripted: dict[str, list[tuple[str, float]]]
    params: MatchParams = MatchParams(threshold=THRESHOLD, suggest_threshold=FLOOR)
    uses_dense: bool = False

    def match(self, query, query_vec=None, k=3):
        exact = [(e.id, 0.99) for e in self.by_id.values() if e.question == query]
        out = []
        for fid, score in (exact or self.scripted.get(query, []))[:k]:
            e = self.by_id[fid]
            out.append(FaqHit(faq_id=e.id, question=e.question, answer=e.answer, category=e.category, score=score,
                              handoff=e.handoff, products=e.products, disclosure=e.disclosure, matched_text=e.question))
        return out


VAGUE = "卡的那个事情怎么弄"
CANDIDATES = [("faq_cards_002", 0.42), ("faq_cards_001", 0.31), ("faq_cards_003", 0.18)]


@pytest.fixture
def bot(base_deps, tmp_path):
    from agents.customer_service.service import CsService

    by_id = {e.id: e for e in base_deps.matcher.entries}
    matcher = FakeMatcher(by_id, {VAGUE: CANDIDATES, "很低的分数": [("faq_cards_002", 0.05)],
                                  "答得上": [("faq_cards_002", 0.8), ("faq_cards_001", 0.3)]})
    svc = CsService(replace(base_deps, matcher=matcher, kb=FakeKB(), accounts=None), tmp_path / "cs.sqlite")
    yield svc
    svc.close()


def turn(bot, session, text):
    return bot.send(session, "c1", text).reply


def test_below_threshold_the_top_three_candidates_are_offered_in_order(bot, base_deps):
    info, _ = bot.create_session("c1")
    r = turn(bot, info.id, VAGUE)
    assert r.outcome == "not_sure" and r.handoff is None and r.faq_id is None
    assert [s.faq_id for s in r.suggestions] == [fid for fid, _ in CANDIDATES]
    assert [s.score for s in r.suggestions] == [s for _, s in CANDIDATES]
    questions = [base_deps.matcher.by_id[fid].question for fid, _ in CANDIDATES]
    assert [s.question for s in r.suggestions] == questions
    assert "您是不是想问" in r.text and all(f"{i}. {q}" in r.text for i, q in enumerate(questions, 1))
    assert "转人工" in r.text  # the hand-off is still offered


def test_sending_a_suggested_question_gets_its_approved_answer_verbatim(bot):
    info, _ = bot.create_session("c1")
    offered = turn(bot, info.id, VAGUE).suggestions[1]
    r = turn(bot, info.id, offered.question)
    assert r.outcome == "faq" and r.faq_id == offered.faq_id and r.suggestions == []


def test_answered_verbatim_offers_no_suggestion(bot):
    info, _ = bot.create_session("c1")
    r = turn(bot, info.id, "答得上")
    assert r.outcome == "faq" and r.faq_id == "faq_cards_002" and r.suggestions == []


def test_candidates_below_the_floor_are_not_offered(bot):
    info, _ = bot.create_session("c1")
    r = turn(bot, info.id, "很低的分数")
    assert r.outcome == "not_sure" and r.suggestions == [] and "您是不是想问" not in r.text


def test_the_hand_off_turn_offers_no_suggestion(bot):
    """Suggestions come before the hand-off: once the session is handed over, the human answers."""
    info, _ = bot.create_session("c1")
    first = turn(bot, info.id, VAGUE)
    second = turn(bot, info.id, VAGUE)
    assert first.suggestions and second.handoff is not None and second.suggestions == []


def test_suggestions_are_recorded_in_the_transcript(bot):
    info, _ = bot.create_session("c1")
    turn(bot, info.id, VAGUE)
    bot_turn = bot.view(info.id, "c1").transcript[-1]
    assert bot_turn.meta["suggestions"] == [fid for fid, _ in CANDIDATES]


def hit(fid: str, score: float, topic_ok: bool = True) -> FaqHit:
    return FaqHit(faq_id=fid, question=f"问题{fid}", answer="答", category="c", score=score, topic_ok=topic_ok)


def test_suggestions_skip_other_topics_duplicates_and_keep_three():
    hits = [hit("a", 0.2), hit("b", 0.4, topic_ok=False), hit("c", 0.3), hit("a", 0.25), hit("d", 0.15), hit("e", 0.12)]
    assert [s.faq_id for s in suggestions(hits, floor=0.1)] == ["c", "a", "d"]
    assert suggestions(hits, floor=0.5) == []


def test_workbench_buttons_show_the_offered_questions_and_clicking_one_sends_it(bot, base_deps):
    from types import SimpleNamespace

    from server.ui.cs_tab import new_session, send_with_suggestions

    services = SimpleNamespace(cached=lambda name, build: bot)  # CsService.from_services → this bot
    history, sid, _ = new_session(services, "c1")
    history, box, sid2, status, *buttons = send_with_suggestions(services, VAGUE, history, sid, "c1")
    questions = [base_deps.matcher.by_id[fid].question for fid, _ in CANDIDATES]
    assert sid2 == sid and [b["visible"] for b in buttons] == [True] * 3 and [b["value"] for b in buttons] == questions
    assert "您是不是想问" in status
    history, _, _, status, *buttons = send_with_suggestions(services, buttons[0]["value"], history, sid, "c1")
    assert "标准答案" in status and history[-3]["content"] == questions[0]  # then the answer, then its sources
    assert [b["visible"] for b in buttons] == [False] * 3
