import pytest

from server.security import ApiKeys, RateLimiter, ensure_dev_key


def test_keys_map_to_customers_and_reject_others():
    keys = ApiKeys("secret-key-1:cust_a, secret-key-2")
    assert len(keys) == 2
    assert keys.lookup("secret-key-1").customer_id == "cust_a"
    assert keys.lookup("secret-key-2").customer_id.startswith("cust_")
    assert keys.lookup("secret-key-1").key_id == "secret"
    assert keys.lookup("nope") is None


def test_short_keys_are_refused():
    with pytest.raises(ValueError):
        ApiKeys("short")


def test_dev_key_is_created_once_and_private(tmp_path):
    spec = ensure_dev_key("", tmp_path)
    assert ensure_dev_key("", tmp_path) == spec
    assert (tmp_path / "api_keys.txt").stat().st_mode & 0o077 == 0
    assert ApiKeys(spec).lookup(spec.split(":")[0]) is not None
    assert ensure_dev_key("given-key-123", tmp_path) == "given-key-123"


def test_rate_limiter_blocks_after_capacity():
    rl = RateLimiter(per_minute=3)
    assert [rl.allow("k")[0] for _ in range(4)] == [True, True, True, False]
    ok, retry = rl.allow("k")
    assert not ok and retry > 0
    assert rl.allow("other")[0]
