"""Checkpoints never keep an unmasked ID-card, mobile or bank-card number, whoever wrote it into the
state (a model's rewritten query, for one); ids that only look like numbers stay as they are."""

from agents.common.checkpoint import MaskingSerializer, sqlite_state


def test_strings_are_masked_on_write_and_ids_kept(tmp_path):
    serde = MaskingSerializer()
    state = {"understanding": {"query": "手机13812345678收不到验证码", "slots": ["110101199003074514"]},
             "passages": [{"chunk_id": "faq_mobile_banking_019:19507059363f607e", "score": 0.8123456789012344}],
             "turn_index": 3}
    back = serde.loads_typed(serde.dumps_typed(state))
    assert back["understanding"]["query"] == "手机138****5678收不到验证码"
    assert back["understanding"]["slots"] == ["110***********4514"]
    assert back["passages"] == state["passages"] and back["turn_index"] == 3


def test_sqlite_state_store_uses_it(tmp_path):
    store = sqlite_state(tmp_path / "cp.sqlite")
    assert isinstance(store.saver.serde, MaskingSerializer)
    store.close()


def test_a_graph_run_leaves_no_number_in_the_sqlite_file(tmp_path):
    """A plain ``str`` channel (a staff member's question) and the run's metadata are masked too."""
    from typing import TypedDict

    from langgraph.graph import END, START, StateGraph

    class S(TypedDict):
        question: str

    g = StateGraph(S)
    g.add_node("echo", lambda s: {"question": s["question"] + "，已记录"})
    g.add_edge(START, "echo")
    g.add_edge("echo", END)
    store = sqlite_state(tmp_path / "cp.sqlite")
    graph = g.compile(checkpointer=store.saver)
    out = graph.invoke({"question": "客户手机13812345678问挂失"},
                       {"configurable": {"thread_id": "t1"}, "metadata": {"note": "13812345678"}})
    assert "13812345678" in out["question"]  # the caller gets its own answer back unchanged
    store.close()
    raw = (tmp_path / "cp.sqlite").read_bytes()
    assert b"13812345678" not in raw and "138****5678".encode() in raw


def test_postgres_saver_masks_inline_values_and_metadata(monkeypatch):
    """Postgres keeps primitive channel values inline in JSONB, past the serializer: ``put`` masks them."""
    from langgraph.checkpoint.postgres import PostgresSaver

    from agents.common.checkpoint import MaskingPostgresSaver

    seen = {}
    monkeypatch.setattr(PostgresSaver, "put", lambda self, config, cp, md, versions: seen.update(cp=cp, md=md))
    saver = MaskingPostgresSaver.__new__(MaskingPostgresSaver)
    saver.put({}, {"channel_values": {"question": "手机13812345678"}}, {"writes": {"q": "13812345678"}}, {})
    assert seen["cp"]["channel_values"]["question"] == "手机138****5678"
    assert seen["md"]["writes"]["q"] == "138****5678"


def test_addresses_are_never_masked():
    """A checkpoint id whose last UUID segment is all digits (mobile-like) is parsed back by LangGraph
    (``binascii.unhexlify``): ids, parents and channel versions pass through untouched."""
    import binascii

    version = "00000000000000000000000000000002.0.8406583717329165"
    cp = {"id": "1f1ee793-a1a0-68a0-bfff-138123456789", "channel_versions": {"q": version},
          "versions_seen": {"n": {"q": version}},
          "channel_values": {"question": "手机13812345678"}}
    back = MaskingSerializer().loads_typed(MaskingSerializer().dumps_typed(cp))
    assert back["id"] == cp["id"] and binascii.unhexlify(back["id"].replace("-", ""))
    assert back["channel_versions"] == cp["channel_versions"] and back["versions_seen"] == cp["versions_seen"]
    assert back["channel_values"]["question"] == "手机138****5678"
