"""The hot queries read only the requester's rows (or the sweep's batch), on both databases, with or without statistics.

A database of many accounts is seeded; each hot operation is served through the API while the SQL the
app sends is recorded, then the database's own plan of every recorded statement is judged.
"""

from __future__ import annotations

from typing import Any

import pytest
from tortoise.connection import get_connection

from auth.audit import encode_cursor
from auth.clock import FrozenClock
from models import Account, SecurityEvent, SecurityEventType, Session
from tests.support.actors import PASSWORD, User
from tests.support.graphql import ACTIVE_SESSIONS, IPHONE_UA, ME, REVOKE_SESSION, SIGN_IN
from tests.support.query_plans import Recorder, Statement, analyze, install_recorder, plan_faults, seed_accounts

EVENTS = """
query Events($first: Int, $after: String) {
  securityEvents(first: $first, after: $after) { edges { cursor node { id type } } pageInfo { hasNextPage } }
}"""

# What the sweep may lead an index with: the client kind of its per-kind batches, and the age of what it prunes.
SWEEP_KEYS = frozenset({"client", "occurred_at", "last_failure_at", "expires_at"})
NO_KEYS: frozenset[str] = frozenset()


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    return install_recorder(monkeypatch)


async def faults_of(statements: list[Statement], batch_keys: frozenset[str]) -> list[str]:
    """Every fault of the plans of ``statements`` (each distinct SQL text judged once)."""
    connection = get_connection("default")
    distinct = {statement.sql: statement for statement in statements}
    found = []
    for statement in distinct.values():
        found += [
            f"{fault}\n    in {statement.sql}"
            for fault in await plan_faults(connection, statement, batch_keys=batch_keys)
        ]
    return found


async def served(recorder: Recorder, operation: Any, batch_keys: frozenset[str] = NO_KEYS) -> list[str]:
    with recorder.recording():
        await operation()
    assert recorder.reads(), "no statement was recorded"
    return await faults_of(recorder.reads(), batch_keys)


@pytest.mark.parametrize("statistics", [False, True], ids=["no-statistics", "analyzed"])
async def test_every_hot_query_reads_only_the_requesters_rows(
    statistics: bool, app: Any, user: User, make_client, clock: FrozenClock, recorder: Recorder
) -> None:
    await seed_accounts(clock.now())
    phone = make_client(**{"user-agent": IPHONE_UA})
    signed = await phone.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD, "client": "MOBILE"}})
    phone_session = signed["signIn"]["session"]["id"]
    account = await Account.get(email=user.email)
    await SecurityEvent.bulk_create(
        [
            SecurityEvent(account_id=account.id, type=SecurityEventType.SIGN_IN, occurred_at=clock.now())
            for _ in range(120)
        ]
    )
    deep = await SecurityEvent.filter(account_id=account.id).order_by("id").offset(10).first()
    assert deep is not None
    if statistics:
        await analyze(get_connection("default"))
    clock.advance(minutes=5)  # so that the requests write the sessions' activity too

    faults = {
        "me": await served(recorder, lambda: user.browser.data(ME)),
        "activeSessions": await served(recorder, lambda: user.browser.data(ACTIVE_SESSIONS)),
        "securityEvents first page": await served(recorder, lambda: user.browser.data(EVENTS, {"first": 20})),
        "securityEvents deep cursor": await served(
            recorder, lambda: user.browser.data(EVENTS, {"first": 20, "after": encode_cursor(deep.public_id)})
        ),
        "signIn": await served(
            recorder,
            lambda: make_client().data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}}),
        ),
        "revokeSession": await served(recorder, lambda: user.browser.data(REVOKE_SESSION, {"id": phone_session})),
        "sweep": await served(recorder, app.state.services.sweep_once, SWEEP_KEYS),
    }
    report = [f"{name}: {fault}" for name, found in faults.items() for fault in found]
    assert not report, "\n".join(report)
    # The sweep did its work on the seed: idle sessions past their timeout were ended.
    assert await Session.filter(end_reason="EXPIRED").exists()
