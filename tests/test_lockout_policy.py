"""The delay and lock table as a pure function, and the password length/normalisation rules."""

from __future__ import annotations

import pytest

from auth.errors import PasswordPolicyViolation
from auth.lockout import LockoutPolicy, Verdict
from auth.passwords import PasswordPolicy, candidate_password, normalize_password

POLICY = LockoutPolicy()


@pytest.mark.parametrize(
    ("failures", "verdict"),
    [
        (1, Verdict(delay_seconds=1)),
        (2, Verdict(delay_seconds=2)),
        (3, Verdict(delay_seconds=4)),
        (4, Verdict(delay_seconds=8)),
        (5, Verdict(delay_seconds=16)),
        (6, Verdict(lock_seconds=900)),
        (7, Verdict(lock_seconds=900)),
        (10_000, Verdict(lock_seconds=900)),
    ],
)
def test_delay_ladder_and_lock(failures: int, verdict: Verdict) -> None:
    assert POLICY.after_failure(failures) == verdict
    assert POLICY.after_failure(failures).locks is (failures >= 6)


@pytest.mark.parametrize("failures", [0, -1])
def test_failures_count_from_one(failures: int) -> None:
    with pytest.raises(ValueError):
        POLICY.after_failure(failures)


def test_the_sixth_failure_locks() -> None:
    assert POLICY.lock_after == 6


RULES = PasswordPolicy()
COMBINING_E = "e\u0301"  # two code points that NFKC composes into one


@pytest.mark.parametrize(
    ("password", "outcome"),
    [
        ("a" * 7, "PASSWORD_TOO_SHORT"),
        ("a" * 8, "ok"),
        ("a" * 128, "ok"),
        ("a" * 129, "PASSWORD_TOO_LONG"),
        ("😀" * 7, "PASSWORD_TOO_SHORT"),
        ("😀" * 8, "ok"),
        ("😀" * 128, "ok"),
        ("😀" * 129, "PASSWORD_TOO_LONG"),
        (COMBINING_E * 7, "PASSWORD_TOO_SHORT"),  # 14 code points typed, 7 after NFKC
        (COMBINING_E * 8, "ok"),
        (COMBINING_E * 128, "ok"),
        (COMBINING_E * 129, "PASSWORD_TOO_LONG"),
        ("\x00" * 8, "ok"),
        ("", "PASSWORD_TOO_SHORT"),
        ("x" * 1_000_000, "PASSWORD_TOO_LONG"),
        ("ﬁ" * 64, "ok"),  # each ligature becomes "fi": 128 after NFKC
        ("ﬁ" * 65, "PASSWORD_TOO_LONG"),
    ],
)
def test_password_length_is_counted_in_code_points_after_nfkc(password: str, outcome: str) -> None:
    if outcome == "ok":
        assert normalize_password(password, RULES)
    else:
        with pytest.raises(PasswordPolicyViolation) as refused:
            normalize_password(password, RULES)
        assert refused.value.code == outcome


def test_normalisation_makes_equivalent_spellings_equal() -> None:
    assert normalize_password("caf" + COMBINING_E + "1234", RULES) == normalize_password("café1234", RULES)
    assert candidate_password("x" * 10_000, RULES) is None


async def test_a_cold_burst_of_unknown_emails_makes_the_timing_hash_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from auth.hash_pool import hash_charge
    from auth.passwords import PasswordHasher

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, concurrency=4)
    hashed: list[str] = []
    real_hash = hasher.hash

    async def counting_hash(password: str, **charge: object) -> str:
        hashed.append(password)
        return await real_hash(password, **charge)

    monkeypatch.setattr(hasher, "hash", counting_hash)
    charge = hash_charge("nobody@example.com", "203.0.113.9")
    await asyncio.gather(*(hasher.waste_time(f"guess {i}", charge=charge) for i in range(32)))
    assert len(hashed) == 1


async def test_no_more_hashes_run_at_once_than_the_concurrency_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each argon2 run takes memory_cost of RAM: a flood must queue, never run them all at once."""
    import asyncio
    import threading
    import time

    from auth.hash_pool import hash_charge
    from auth.passwords import PasswordHasher

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, concurrency=2)
    running = peak = 0
    guard = threading.Lock()
    real = hasher._hasher

    class SlowVerifier:
        hash = staticmethod(real.hash)

        @staticmethod
        def verify(password_hash: str, password: bytes) -> bool:
            nonlocal running, peak
            with guard:
                running += 1
                peak = max(peak, running)
            time.sleep(0.02)
            try:
                return real.verify(password_hash, password)
            finally:
                with guard:
                    running -= 1

    monkeypatch.setattr(hasher, "_hasher", SlowVerifier())
    charges = [hash_charge(f"user{i % 3}@example.com", f"203.0.113.{i % 2}") for i in range(12)]
    stored = await hasher.hash("a long enough password", charge=charges[0])
    results = await asyncio.gather(
        *(hasher.verify(stored, "a long enough password", charge=charge) for charge in charges)
    )
    assert results == [True] * 12
    assert peak == 2
    assert (hasher.pool.running, hasher.pool.waiting) == (0, 0)
