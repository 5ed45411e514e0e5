"""Chunking: heading and sentence boundaries, size bounds, stable ids, FAQ records."""

from __future__ import annotations

from kb.chunking import MAX_CHARS, faq_chunks, markdown_chunks, pack, sections, split_sentences
from kb.corpus import MarkdownDoc
from kb.schema import FaqEntry, PolicyDoc

SENT = "丹阳镜片企业多为家庭作坊，年销售额在三百万元到两千万元之间，应收账款账期六十到九十天。"  # 43 chars


def _doc(body: str, path: str = "policies/credit_policy.md") -> MarkdownDoc:
    meta = PolicyDoc(id="credit_policy", doc_type="policy", name="授信政策", policy_kind="credit")
    return MarkdownDoc(path=path, meta=meta, body=body, body_line=5, sha256="x")


def test_split_sentences_keeps_punctuation_and_quotes():
    parts = split_sentences("年产约1.5亿副。真的吗？“是的！”好；结束")
    assert parts == ["年产约1.5亿副。", "真的吗？", "“是的！”", "好；", "结束"]


def test_sections_follow_headings():
    body = "前言一句。\n\n## 行业概况\n第一段。\n\n### 集群\n司徒镇。\n\n## 风险要点\n价格战。\n"
    got = [(title, ["".join(b) for b in blocks]) for title, blocks in sections(body)]
    assert got == [("", ["前言一句。"]), ("行业概况", ["第一段。"]), ("行业概况 / 集群", ["司徒镇。"]),
                   ("风险要点", ["价格战。"])]


def test_chunks_respect_sections_and_sentences():
    body = "## 行业概况\n" + SENT * 12 + "\n\n## 风险要点\n" + SENT * 3 + "\n"
    chunks = markdown_chunks(_doc(body))
    assert {c.section for c in chunks} == {"行业概况", "风险要点"}
    for c in chunks:
        assert len(c.text) <= MAX_CHARS
        assert c.text.endswith("。")  # never cut inside a sentence
        assert c.text.replace(SENT, "") == ""  # made of whole sentences only
        assert c.search_text.startswith(f"授信政策｜{c.section}\n")
    overview = [c for c in chunks if c.section == "行业概况"]
    assert [len(c.text) for c in overview] == [6 * 43, 6 * 43]  # 516 chars → two balanced chunks, not 387 + 129
    assert [c for c in chunks if c.section == "风险要点"][0].text == SENT * 3


def test_list_items_stay_whole_lines():
    units_text = "## 尽调要点\n- 核实订单。\n- 查看近12个月流水；核对纳税。\n1. 走访工厂\n"
    (chunk,) = markdown_chunks(_doc(units_text))
    assert chunk.text == "- 核实订单。\n- 查看近12个月流水；核对纳税。\n1. 走访工厂"


def test_overlong_sentence_is_split_at_commas():
    long = "，".join(["价格竞争激烈"] * 100) + "。"
    pieces = pack([(long, True)])
    assert all(len(p) <= MAX_CHARS for p in pieces) and "".join(pieces) == long
    assert all(p.endswith("，") for p in pieces[:-1])


def test_ids_are_stable_and_local_to_the_edited_section():
    body = "## 行业概况\n" + SENT + "\n\n## 风险要点\n价格战激烈。\n"
    a, b = markdown_chunks(_doc(body)), markdown_chunks(_doc(body))
    assert [c.id for c in a] == [c.id for c in b]
    edited = markdown_chunks(_doc(body.replace("价格战激烈", "价格战非常激烈")))
    assert a[0].id == edited[0].id and a[1].id != edited[1].id
    moved = markdown_chunks(_doc(body, path="policies/other.md"))
    assert {c.id for c in moved}.isdisjoint(c.id for c in a)


def test_faq_records_point_to_the_same_entry():
    entry = FaqEntry(id="faq_card_lost", category="银行卡", question="银行卡丢了怎么办？",
                     similar=["卡片遗失如何挂失", "我的卡找不到了", "卡片遗失如何挂失", "银行卡丢了怎么办？"],
                     answer="请立即拨打客服热线办理口头挂失。")
    recs = faq_chunks(entry, "faq/cards.yaml")
    assert [r.kind for r in recs] == ["standard", "similar", "similar", "answer"]  # duplicates dropped
    assert {r.faq_id for r in recs} == {"faq_card_lost"} and {r.answer for r in recs} == {entry.answer}
    assert [r.role for r in recs] == ["query", "query", "query", "passage"]
    assert recs[-1].search_text == "银行卡丢了怎么办？\n请立即拨打客服热线办理口头挂失。"
    meta = recs[1].metadata()
    assert meta["title"] == "银行卡丢了怎么办？" and meta["faq_id"] == "faq_card_lost"
    assert meta["doc_type"] == "faq" and meta["category"] == "银行卡" and meta["kind"] == "similar"
    assert all(isinstance(v, str) for v in meta.values())
    assert len({r.id for r in recs}) == len(recs)
    assert [r.kind for r in faq_chunks(entry, "faq/cards.yaml", with_answer=False)][-1] == "similar"
