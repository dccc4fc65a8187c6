"""The sweep ends expired sessions a batch at a time: each once, audited once, whatever runs alongside it.

Concurrent sweeps (the socket check's ``among`` sweep runs without the lease) and a revocation racing the
sweep are run against the same backlog; what must hold is that every session ends exactly once, with
exactly one event saying why. On PostgreSQL the sweep passes over a session another transaction holds
rather than wait for it, so it cannot deadlock with a revocation.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

import auth.sessions
from auth.clock import FrozenClock
from auth.network import mask_ip
from auth.sessions import sweep_expired_sessions
from models import SecurityEvent, SecurityEventType, Session
from tests.support.actors import PASSWORD, User, node_key
from tests.support.databases import Backend
from tests.support.graphql import IPHONE_UA, ME, REVOKE_SESSION, SIGN_IN, GraphQLClient

WEEK = 7 * 86400
ENDINGS = (SecurityEventType.SESSION_EXPIRED, SecurityEventType.SESSION_REVOKED)


async def sign_in(make_client, user: User, client: str = "WEB") -> tuple[GraphQLClient, str]:
    device = make_client(**{"user-agent": IPHONE_UA})
    data = await device.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD, "client": client}})
    payload = data["signIn"]
    assert payload["__typename"] == "SignedIn", payload
    if client == "MOBILE":
        device.token = payload["token"]
    return device, payload["session"]["id"]


def sweep(app: Any, **options: Any) -> Any:
    """The app's sweep, as its timer runs it (or, with ``among=``, as its socket check does)."""
    services = app.state.services
    return sweep_expired_sessions(
        clock=services.clock, policy=services.session_policy, events=services.events, **options
    )


async def endings_of(session_id: str) -> list[str]:
    return await SecurityEvent.filter(session_id=session_id, type__in=ENDINGS).values_list("type", flat=True)


async def test_concurrent_sweeps_end_and_audit_each_expired_session_once(
    app: Any, user: User, other_user: User, make_client, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for person in (user, other_user):
        for _ in range(5):
            await sign_in(make_client, person)
    backlog = [str(i) for i in await Session.filter(ended_at=None).values_list("id", flat=True)]
    assert len(backlog) == 12
    # Batches smaller than the backlog, so that the sweeps read overlapping batches several times over.
    monkeypatch.setattr(auth.sessions, "SWEEP_BATCH", 5)
    clock.advance(WEEK + 1)

    ended = await asyncio.gather(sweep(app), sweep(app), sweep(app, among=backlog))

    assert sum(ended) == 12
    for session in await Session.filter(id__in=backlog):
        assert (session.end_reason, session.ended_at) == ("EXPIRED", clock.now())
        [event] = await SecurityEvent.filter(session_id=session.id, type__in=ENDINGS)
        # The event is about the session: its account, the device and the masked IP it signed in from.
        assert (event.type, event.account_id, event.occurred_at) == ("SESSION_EXPIRED", session.account_id, clock.now())
        assert (event.browser, event.os, event.user_agent) == (session.browser, session.os, session.user_agent)
        assert (event.ip_address, event.location) == (mask_ip(session.ip_address), session.location)
    assert await sweep(app) == 0


@pytest.mark.parametrize("sweep_first", [True, False], ids=["sweep-first", "revoke-first"])
async def test_a_sweep_racing_a_revocation_ends_the_session_once(
    app: Any, user: User, make_client, clock: FrozenClock, sweep_first: bool
) -> None:
    _, candidate_id = await sign_in(make_client, user)
    candidate = node_key(candidate_id)
    phone, _ = await sign_in(make_client, user, "MOBILE")
    clock.advance(WEEK + 1)  # the web sessions are past their timeout, the phone's is not
    revoke = phone.data(REVOKE_SESSION, {"id": candidate_id})

    if sweep_first:
        swept, revoked = await asyncio.gather(sweep(app), revoke)
    else:
        revoked, swept = await asyncio.gather(revoke, sweep(app))

    ended = await Session.get(id=candidate)
    [ending] = await endings_of(candidate)
    if ended.end_reason == "REVOKED":
        assert ending == "SESSION_REVOKED"
        assert revoked["revokeSession"]["__typename"] == "SessionRevoked"
        assert swept == 1  # the browser's own session only
    else:
        assert (ended.end_reason, ending) == ("EXPIRED", "SESSION_EXPIRED")
        assert (revoked["revokeSession"]["__typename"], revoked["revokeSession"]["code"]) == ("NotFound", "NOT_FOUND")
        assert swept == 2
    assert (await phone.data(ME))["me"] is not None


async def test_the_socket_checks_sweep_ends_only_sessions_past_their_timeout(
    app: Any, user: User, make_client, clock: FrozenClock
) -> None:
    _, expired_id = await sign_in(make_client, user)
    phone, live_id = await sign_in(make_client, user, "MOBILE")
    _, revoked_id = await sign_in(make_client, user, "MOBILE")
    revocation = await phone.data(REVOKE_SESSION, {"id": revoked_id})
    assert revocation["revokeSession"]["__typename"] == "SessionRevoked"
    expired, live, revoked = (node_key(i) for i in (expired_id, live_id, revoked_id))
    clock.advance(WEEK + 1)

    # As the socket check asks it: sessions it no longer finds live, here with one that is and one revoked.
    assert await sweep(app, among=[expired, live, revoked]) == 1

    assert (await Session.get(id=expired)).end_reason == "EXPIRED"
    assert (await Session.get(id=live)).ended_at is None
    assert (await Session.get(id=revoked)).end_reason == "REVOKED"
    assert await endings_of(expired) == ["SESSION_EXPIRED"]
    assert await endings_of(live) == []
    assert await endings_of(revoked) == ["SESSION_REVOKED"]
    assert (await phone.data(ME))["me"] is not None


async def test_a_sweep_passes_over_a_session_another_transaction_holds(
    app: Any, user: User, make_client, clock: FrozenClock, backend: Backend
) -> None:
    """On PostgreSQL the sweep never waits on a row lock, so it cannot deadlock with a revocation in progress."""
    if not backend.is_postgres:
        pytest.skip("SQLite has no row locks: its writers take turns, one transaction at a time per process")
    _, held_id = await sign_in(make_client, user)
    held = node_key(held_id)
    clock.advance(WEEK + 1)
    locked, done = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        # As a revocation ending it would: the row stays locked until this transaction ends.
        async with in_transaction() as holder:
            await Session.filter(id=held).using_db(holder).update(last_active_at=clock.now() - timedelta(days=8))
            locked.set()
            await done.wait()

    holding = asyncio.create_task(hold())
    await locked.wait()
    # Were the sweep to wait for the lock, this would never return (the holder waits for it).
    assert await sweep(app) == 1  # the browser's own session only
    done.set()
    await holding
    assert (await Session.get(id=held)).ended_at is None
    assert await sweep(app) == 1
    assert await endings_of(held) == ["SESSION_EXPIRED"]
