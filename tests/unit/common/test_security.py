import time

import pytest

from server.ratelimit import RateLimiter, SharedRateLimiter
from server.security import ApiKeys, ensure_dev_key, key_fingerprint
from tools.storage import SqliteDatabase


def test_keys_map_to_customers_and_staff_and_reject_others():
    keys = ApiKeys("secret-key-1:cust_a, secret-key-2\nstaff-key-99:staff:li.ming")
    assert len(keys) == 3
    a = keys.lookup("secret-key-1")
    assert a.customer_id == "cust_a" and a.role == "customer" and not a.is_staff
    assert keys.lookup("secret-key-2").customer_id.startswith("cust_")
    staff = keys.lookup("staff-key-99")
    assert staff.is_staff and staff.name == "li.ming" and staff.customer_id == "staff:li.ming"
    assert keys.lookup("nope") is None and keys.has_staff()


def test_key_id_fingerprints_the_whole_key():
    """Two keys sharing their first characters are two callers (the limiter used to key on 6 chars)."""
    keys = ApiKeys("samepfx-key-1:cust_a,samepfx-key-2:cust_b")
    a, b = keys.lookup("samepfx-key-1"), keys.lookup("samepfx-key-2")
    assert a.key_id != b.key_id and a.key_id == key_fingerprint("samepfx-key-1")
    assert "samepfx" not in a.key_id  # nothing of the key itself is logged


@pytest.mark.parametrize("spec", ["short", "long-enough-key:bad id!", "long-enough-key:staff:bad name"])
def test_bad_key_specs_are_refused(spec):
    with pytest.raises(ValueError):
        ApiKeys(spec)


def test_dev_keys_are_created_once_private_with_a_staff_key(tmp_path):
    spec = ensure_dev_key("", tmp_path)
    assert ensure_dev_key("", tmp_path) == spec
    assert (tmp_path / "api_keys.txt").stat().st_mode & 0o077 == 0
    keys = ApiKeys(spec)
    roles = sorted(keys.lookup(line.split(":")[0]).role for line in spec.splitlines())
    assert roles == ["customer", "staff"]
    assert ensure_dev_key("given-key-123", tmp_path) == "given-key-123"


def test_an_old_dev_file_gets_a_staff_key(tmp_path):
    (tmp_path / "api_keys.txt").write_text("pk-old-customer-key:demo_customer\n", encoding="utf-8")
    keys = ApiKeys(ensure_dev_key("", tmp_path))
    assert keys.has_staff() and keys.lookup("pk-old-customer-key").customer_id == "demo_customer"


def test_rate_limiter_blocks_after_capacity():
    rl = RateLimiter(per_minute=3)
    assert [rl.allow("k")[0] for _ in range(4)] == [True, True, True, False]
    ok, retry = rl.allow("k")
    assert not ok and retry > 0
    assert rl.allow("other")[0]


def test_shared_limiter_is_one_bucket_for_every_process(tmp_path):
    """Two limiters on one file (two workers) share each key's bucket; buckets are per key."""
    w1 = SharedRateLimiter(4, SqliteDatabase(tmp_path / "rl.sqlite"))
    w2 = SharedRateLimiter(4, SqliteDatabase(tmp_path / "rl.sqlite"))
    got = [w.allow("k1")[0] for w in (w1, w2, w1, w2, w1)]
    assert got == [True, True, True, True, False]
    ok, retry = w2.allow("k1")
    assert not ok and 0 < retry <= 15.0
    assert w2.allow("k2")[0]
    time.sleep(0.3)  # 4/min refills one token in 15 s: still refused
    assert not w1.allow("k1")[0]
