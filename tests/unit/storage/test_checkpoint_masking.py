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
