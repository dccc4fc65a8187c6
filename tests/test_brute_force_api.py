"""Progressive delay, lockout, per-IP limit and the lockout mail, through the GraphQL API."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from auth.clock import FrozenClock
from auth.network import parse_trusted_proxies
from models import AttemptCounter, OutboxMessage
from tests.support.actors import PASSWORD, User
from tests.support.graphql import SIGN_IN, GraphQLClient

WRONG = "definitely not it"


async def attempt(client: GraphQLClient, email: str, password: str, **headers: str) -> tuple[str, int | None]:
    data = await client.data(SIGN_IN, {"input": {"email": email, "password": password}}, headers=headers)
    payload = data["signIn"]
    return payload["__typename"], payload.get("retryAfterSeconds")


async def run_ladder(client: GraphQLClient, email: str, clock: FrozenClock) -> list[tuple[str, int | None]]:
    """Five wrong passwords, each retried too early and then after its delay, then the sixth."""
    seen = []
    for delay in (1, 2, 4, 8, 16):
        seen.append(await attempt(client, email, WRONG))
        seen.append(await attempt(client, email, PASSWORD))  # too early: refused, not evaluated
        clock.advance(delay - 0.5)
        seen.append(await attempt(client, email, PASSWORD))
        clock.advance(0.5)
    seen.append(await attempt(client, email, WRONG))
    return seen


EXPECTED_LADDER = [
    ("InvalidCredentials", None),
    ("TooManyAttempts", 1),
    ("TooManyAttempts", 1),
    ("InvalidCredentials", None),
    ("TooManyAttempts", 2),
    ("TooManyAttempts", 1),
    ("InvalidCredentials", None),
    ("TooManyAttempts", 4),
    ("TooManyAttempts", 1),
    ("InvalidCredentials", None),
    ("TooManyAttempts", 8),
    ("TooManyAttempts", 1),
    ("InvalidCredentials", None),
    ("TooManyAttempts", 16),
    ("TooManyAttempts", 1),
    ("AccountLocked", 900),
]


async def test_the_delay_ladder_then_the_lock(user: User, make_client, clock: FrozenClock) -> None:
    attacker = make_client()
    assert await run_ladder(attacker, user.email, clock) == EXPECTED_LADDER
    # Locked: even the right password is refused unevaluated, and trying does not extend the lock.
    clock.advance(600)
    assert await attempt(attacker, user.email, PASSWORD) == ("AccountLocked", 300)
    clock.advance(299)
    assert await attempt(attacker, user.email, WRONG) == ("AccountLocked", 1)
    clock.advance(1)
    assert (await attempt(attacker, user.email, PASSWORD))[0] == "SignedIn"


async def test_an_unknown_email_meets_exactly_the_same_answers(user: User, make_client, clock: FrozenClock) -> None:
    assert await run_ladder(make_client(), "nobody@example.com", clock) == EXPECTED_LADDER
    assert await OutboxMessage.filter(kind="lockout").count() == 0


async def test_emails_are_counted_normalised(user: User, make_client, clock: FrozenClock) -> None:
    attacker = make_client()
    assert (await attempt(attacker, "  ADA@example.com", WRONG))[0] == "InvalidCredentials"
    assert await attempt(attacker, "ada@EXAMPLE.com ", PASSWORD) == ("TooManyAttempts", 1)


async def test_the_end_of_a_lock_resets_the_count(user: User, make_client, clock: FrozenClock) -> None:
    attacker = make_client()
    await run_ladder(attacker, user.email, clock)
    clock.advance(900)
    assert await attempt(attacker, user.email, WRONG) == ("InvalidCredentials", None)
    assert await attempt(attacker, user.email, WRONG) == ("TooManyAttempts", 1)


async def test_a_success_resets_the_count(user: User, make_client, clock: FrozenClock) -> None:
    client = make_client()
    for delay in (1, 2, 4):
        assert (await attempt(client, user.email, WRONG))[0] == "InvalidCredentials"
        clock.advance(delay)
    assert (await attempt(client, user.email, PASSWORD))[0] == "SignedIn"
    assert (await attempt(client, user.email, WRONG))[0] == "InvalidCredentials"
    assert await attempt(client, user.email, PASSWORD) == ("TooManyAttempts", 1)


async def test_a_success_counts_only_with_the_session_it_opens(
    user: User, make_client, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reset and the session commit together: a sign-in whose session is not written resets nothing,
    and its attempt is given back at once (no claim left to wait for, its IP reservation returned)."""
    from auth import accounts
    from models import IpFailure

    client = make_client()
    assert (await attempt(client, user.email, WRONG))[0] == "InvalidCredentials"
    clock.advance(1)

    async def session_not_written(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the session insert failed")

    with monkeypatch.context() as patch:
        patch.setattr(accounts, "start_session", session_not_written)
        body = await client.execute(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    assert body["data"] is None and body["errors"]
    counter = await AttemptCounter.get()
    assert (counter.failures, counter.claim, counter.evaluating_until) == (1, None, None)
    assert await IpFailure.all().count() == 1  # the wrong password's; the sign-in's reservation went back
    assert (await attempt(client, user.email, PASSWORD))[0] == "SignedIn"
    counter = await AttemptCounter.get()
    assert (counter.failures, counter.claim) == (0, None)
    assert await IpFailure.all().count() == 1


async def test_failures_a_day_apart_do_not_chain(user: User, make_client, clock: FrozenClock) -> None:
    client = make_client()
    for _ in range(4):
        assert (await attempt(client, user.email, WRONG))[0] == "InvalidCredentials"
        clock.advance(24 * 3600 + 1)
    assert await attempt(client, user.email, PASSWORD) == ("SignedIn", None)


async def test_concurrent_wrong_sign_ins_are_evaluated_once(user: User, make_client, clock: FrozenClock) -> None:
    clients = [make_client() for _ in range(30)]
    results = await asyncio.gather(*(attempt(c, user.email, WRONG) for c in clients))
    kinds = sorted(kind for kind, _ in results)
    assert kinds.count("InvalidCredentials") == 1
    assert kinds.count("TooManyAttempts") == 29
    counter = await AttemptCounter.get()
    assert counter.failures == 1


async def test_aliased_sign_ins_in_one_request_are_evaluated_once(user: User, anonymous: GraphQLClient) -> None:
    aliases = " ".join(
        f'a{i}: signIn(input: {{email: "{user.email}", password: "{WRONG}"}}) {{ __typename }}' for i in range(15)
    )
    data = await anonymous.data(f"mutation {{ {aliases} }}")
    kinds = sorted(payload["__typename"] for payload in data.values())
    assert kinds == ["InvalidCredentials"] + ["TooManyAttempts"] * 14


async def test_too_many_aliases_evaluate_nothing(user: User, anonymous: GraphQLClient) -> None:
    aliases = " ".join(
        f'a{i}: signIn(input: {{email: "{user.email}", password: "{WRONG}"}}) {{ __typename }}' for i in range(20)
    )
    body = await anonymous.execute(f"mutation {{ {aliases} }}")
    assert body["data"] is None
    assert await AttemptCounter.all().count() == 0


async def test_one_mail_per_lockout_with_time_masked_ip_and_device(user: User, make_client, clock: FrozenClock) -> None:
    attacker = make_client()
    await run_ladder(attacker, user.email, clock)
    for _ in range(5):
        assert (await attempt(attacker, user.email, WRONG))[0] == "AccountLocked"
    mails = await OutboxMessage.filter(kind="lockout")
    assert len(mails) == 1
    mail = mails[0]
    assert mail.recipient == user.email
    assert "2026-01-05 09:00 UTC" in mail.text_body
    assert "127.0.0.xxx" in mail.text_body and "127.0.0.1" not in mail.text_body
    assert "Chrome 131 on macOS" in mail.text_body
    assert "change your password" in mail.text_body
    assert "http" not in mail.text_body.lower() and "href" not in mail.html_body
    for secret in (PASSWORD, WRONG):
        assert secret not in mail.text_body and secret not in mail.html_body
    # A second lockout, after the first ended, sends a second mail.
    clock.advance(900)
    await run_ladder(attacker, user.email, clock)
    assert await OutboxMessage.filter(kind="lockout").count() == 2


@pytest.mark.settings(ip_failure_limit=5, trusted_proxies=parse_trusted_proxies("127.0.0.1/32"))
async def test_per_ip_limit_across_emails(user: User, make_client, clock: FrozenClock) -> None:
    attacker = make_client(**{"x-forwarded-for": "198.51.100.7"})
    for i in range(5):
        assert (await attempt(attacker, f"victim{i}@example.com", WRONG))[0] == "InvalidCredentials"
    kind, retry = await attempt(attacker, "victim9@example.com", WRONG)
    assert (kind, retry) == ("TooManyAttempts", 900)
    # Refused attempts do not count, other addresses are unaffected, and the window slides.
    bystander = make_client(**{"x-forwarded-for": "203.0.113.9"})
    assert (await attempt(bystander, user.email, PASSWORD))[0] == "SignedIn"
    clock.advance(900)
    assert (await attempt(attacker, "victim9@example.com", WRONG))[0] == "InvalidCredentials"


@pytest.mark.settings(ip_failure_limit=2)
async def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(make_client) -> None:
    for i in range(2):
        spoofer = make_client(**{"x-forwarded-for": f"192.0.2.{i}"})
        assert (await attempt(spoofer, f"v{i}@example.com", WRONG))[0] == "InvalidCredentials"
    spoofer = make_client(**{"x-forwarded-for": "192.0.2.200"})
    assert (await attempt(spoofer, "v9@example.com", WRONG))[0] == "TooManyAttempts"


@pytest.mark.settings(ip_failure_limit=3)
async def test_successes_do_not_use_up_the_ip_budget(user: User, make_client) -> None:
    client = make_client()
    for _ in range(10):
        assert (await attempt(client, user.email, PASSWORD))[0] == "SignedIn"


async def test_the_sweep_forgets_counters_and_ip_failures_that_no_longer_matter(
    app, user: User, make_client, clock: FrozenClock
) -> None:
    from models import IpFailure

    client = make_client()
    for i in range(3):
        await attempt(client, f"guess{i}@example.com", WRONG)
    await run_ladder(client, user.email, clock)  # the victim is now locked for 15 minutes
    assert await AttemptCounter.all().count() == 4
    clock.advance(16 * 60)
    await app.state.services.sweep_once()
    assert await IpFailure.all().count() == 0
    assert await AttemptCounter.all().count() == 4  # failures within a day still chain
    clock.advance(24 * 3600)
    await app.state.services.sweep_once()
    assert await AttemptCounter.all().count() == 0
    assert (await attempt(client, user.email, PASSWORD))[0] == "SignedIn"


# About 0.1 s per hash on one core: long enough for two sign-ins to overlap, cheap enough to sign up.
SLOW_HASH = 20_000
# Seconds per hash: several times the claim's lease, so the lease must be renewed while it runs.
SLOWER_HASH = 150_000


async def claimed(key_count: int = 1) -> None:
    """Wait until an evaluation holds a claim (the hash of the first request has started)."""
    for _ in range(500):
        if await AttemptCounter.filter(claim__isnull=False).count() >= key_count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no evaluation claimed the email")


@pytest.mark.settings(argon2_time_cost=SLOW_HASH)
async def test_two_devices_signing_in_at_the_same_moment_both_succeed(user: User, make_client) -> None:
    laptop, phone = make_client(), make_client()
    results = await asyncio.gather(attempt(laptop, user.email, PASSWORD), attempt(phone, user.email, PASSWORD))
    assert results == [("SignedIn", None), ("SignedIn", None)]


@pytest.mark.settings(argon2_time_cost=SLOW_HASH)
async def test_an_attempt_that_waits_for_a_wrong_password_in_flight_meets_its_delay(user: User, make_client) -> None:
    first = asyncio.create_task(attempt(make_client(), user.email, WRONG))
    await claimed()
    second = await attempt(make_client(), user.email, WRONG)
    assert await first == ("InvalidCredentials", None)
    # It waited for the first evaluation, whose failure now imposes its one-second delay.
    assert second == ("TooManyAttempts", 1)
    assert (await AttemptCounter.get()).failures == 1


async def leave_a_dead_claim(email: str, clock: FrozenClock, *, failures: int = 0) -> None:
    """What a process killed mid-evaluation leaves behind: a claim nobody renews or releases."""
    from auth.throttle import CLAIM_LEASE_SECONDS, attempt_key

    await AttemptCounter.create(
        key=attempt_key(email),
        failures=failures,
        last_failure_at=clock.now() if failures else None,
        evaluating_until=clock.now() + timedelta(seconds=CLAIM_LEASE_SECONDS),
        claim="0" * 32,
    )


async def test_a_claim_whose_holder_died_blocks_the_email_for_its_lease_only(
    app, user: User, make_client, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auth import throttle
    from auth.throttle import CLAIM_LEASE_SECONDS, attempt_key

    # The holder dies: no renewal of its claim reaches the database any more, and nothing releases it.
    monkeypatch.setattr(throttle, "CLAIM_RENEW_SECONDS", 3600)
    await app.state.services.guard.claim(attempt_key(user.email), "127.0.0.1")
    clock.advance(CLAIM_LEASE_SECONDS)
    assert (await attempt(make_client(), user.email, PASSWORD))[0] == "SignedIn"


async def test_a_live_claim_after_a_failure_answers_the_time_it_has_left(
    user: User, make_client, clock: FrozenClock
) -> None:
    from auth.throttle import CLAIM_LEASE_SECONDS

    await leave_a_dead_claim(user.email, clock, failures=1)
    client = make_client()
    # Refused at once (no waiting behind a probable guess) with the claim's true remaining time.
    assert await attempt(client, user.email, PASSWORD) == ("TooManyAttempts", CLAIM_LEASE_SECONDS)
    clock.advance(CLAIM_LEASE_SECONDS)
    assert (await attempt(client, user.email, PASSWORD))[0] == "SignedIn"


@pytest.mark.settings(argon2_time_cost=SLOWER_HASH)
async def test_a_slow_check_keeps_its_claim_past_the_lease(
    user: User, make_client, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auth import throttle
    from auth.throttle import EVALUATION_HOLD_SECONDS

    monkeypatch.setattr(throttle, "CLAIM_RENEW_SECONDS", 0.05)
    first = asyncio.create_task(attempt(make_client(), user.email, WRONG))
    await claimed()
    # Any lease written at the start would have run out; renewals, made on this clock, keep it alive.
    clock.advance(EVALUATION_HOLD_SECONDS + 1)
    await asyncio.sleep(0.15)
    second = await attempt(make_client(), user.email, WRONG)
    assert await first == ("InvalidCredentials", None)
    assert second == ("TooManyAttempts", 1)  # not evaluated alongside the first
    assert (await AttemptCounter.get()).failures == 1


async def test_a_failure_counts_even_when_its_lease_lapsed_and_another_evaluation_ran(
    app, user: User, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A holder stalled past its lease (no renewals reached the database) still records its failure."""
    from auth import throttle
    from auth.throttle import CLAIM_LEASE_SECONDS, attempt_key

    monkeypatch.setattr(throttle, "CLAIM_RENEW_SECONDS", 3600)
    guard = app.state.services.guard
    key = attempt_key(user.email)
    stalled = await guard.claim(key, "127.0.0.1")
    clock.advance(CLAIM_LEASE_SECONDS)
    meanwhile = await guard.claim(key, "127.0.0.1")
    assert not await guard.failed(meanwhile)
    clock.advance(1)  # past the first failure's delay
    assert not await guard.failed(stalled)
    counter = await AttemptCounter.get(key=key)
    assert (counter.failures, counter.retry_at) == (2, clock.now() + timedelta(seconds=2))
