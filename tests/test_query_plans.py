"""The hot queries read only the requester's rows (or the sweep's batch), on both databases, with or without statistics.

A database of many accounts is seeded (sessions, events, keys, counters, known devices, reset links and
requests, leases) once per backend, and each test's app runs on a copy of its own; each hot operation is
served through the API (the sweep and its lease by the app's own objects) while the SQL the app sends is
recorded, then the database's own plan of every recorded statement is judged by ``devtools.query_plans``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tortoise.connection import get_connection

from auth.audit import encode_cursor
from auth.clock import FrozenClock
from auth.sessions import sweep_expired_sessions
from auth.totp import code_at
from devtools.query_plans import SWEEP_KEYS, Recorder, Statement, analyze, plan_faults, recorder_installed
from models import (
    Account,
    KnownDevice,
    Lease,
    PasswordResetToken,
    ResetRequest,
    SecurityEvent,
    SecurityEventType,
    Session,
)
from models.two_factor import BackupCode, TotpSetup
from tests.support.actors import PASSWORD, User, enroll_totp
from tests.support.databases import Backend
from tests.support.graphql import ACTIVE_SESSIONS, IPHONE_UA, ME, REVOKE_SESSION, SIGN_IN, GraphQLClient
from tests.support.mail import SMTP_PORT, RecordingHandler
from tests.support.query_plans import SEEDED_AT, seeded_copy, seeded_database
from tests.support.recovery import PUBLIC_URL, REQUEST_RESET, RESET, mailed_token
from tests.support.settings import test_settings
from tests.support.two_factor import challenge_for, verify
from workestra.lease import JobLease
from workestra.settings import Settings

EVENTS = """
query Events($first: Int, $after: String) {
  securityEvents(first: $first, after: $after) { edges { cursor node { id type } } pageInfo { hasNextPage } }
}"""

KNOWN_DEVICES = "query { knownDevices { id client lastUsedAt } }"
FORGET_DEVICE = """
mutation Forget($id: ID!) {
  forgetDevice(id: $id) { __typename ... on DeviceForgotten { knownDevice { id } } ... on Error { code } }
}"""
# Reset links are mailed to a real SMTP server; no answer floor, the plans are what is judged here.
RECOVERY = {"smtp_url": f"smtp://127.0.0.1:{SMTP_PORT}", "public_url": PUBLIC_URL, "reset_response_floor_ms": 0}
NEW_PASSWORD = "a fresh recovery passphrase"
# The test runs the sweep itself: the app's own, on its timer, would be recorded amid another operation.
NO_TIMED_SWEEP = {"session_sweep_interval": 3600}
NO_KEYS: frozenset[str] = frozenset()


@pytest.fixture(scope="module")
def seeded(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """The many-account database of this backend, seeded once for the module."""
    with seeded_database(backend, tmp_path_factory.mktemp("plans-seed")) as database:
        yield database


@pytest.fixture
def settings(request: pytest.FixtureRequest, seeded: Backend, clock: FrozenClock, tmp_path) -> Iterator[Settings]:
    """The app's settings on a copy of the seeded database of the test's own (instead of an emptied one)."""
    assert clock.now() == SEEDED_AT, "the seed's times are relative to where the test's clock starts"
    marker = request.node.get_closest_marker("settings")
    with seeded_copy(seeded, tmp_path) as database:
        yield test_settings(database, **(marker.kwargs if marker else {}))


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    with recorder_installed() as installed:
        yield installed


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


@pytest.mark.settings(**NO_TIMED_SWEEP)
@pytest.mark.parametrize("statistics", [False, True], ids=["no-statistics", "analyzed"])
async def test_every_hot_query_reads_only_the_requesters_rows(
    statistics: bool, app: Any, user: User, make_client, clock: FrozenClock, recorder: Recorder
) -> None:
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
    # Seeded sessions idle past their timeout, as a socket check would name them.
    idle = await Session.filter(ended_at=None, user_agent="seed").limit(3).values_list("id", flat=True)
    services = app.state.services
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
        # The browser that signed up holds a device cookie: the attempt is looked up by its credential.
        "signIn on a known device": await served(
            recorder, lambda: user.browser.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
        ),
        "revokeSession": await served(recorder, lambda: user.browser.data(REVOKE_SESSION, {"id": phone_session})),
        "the socket check's sweep": await served(
            recorder,
            lambda: sweep_expired_sessions(
                clock=clock, policy=services.session_policy, events=services.events, among=idle
            ),
        ),
        "sweep": await served(recorder, services.sweep_once, SWEEP_KEYS),
    }
    clock.advance(days=8)
    faults["me with an expired session"] = await served(recorder, lambda: user.browser.data(ME))
    report = [f"{name}: {fault}" for name, found in faults.items() for fault in found]
    assert not report, "\n".join(report)
    # The sweeps and the request did their work on the seed: sessions past their timeout were ended.
    assert await Session.filter(id__in=idle, end_reason="EXPIRED").count() == len(idle) == 3
    assert await Session.filter(account_id=account.id, end_reason="EXPIRED").exists()


@pytest.mark.settings(**RECOVERY, **NO_TIMED_SWEEP)
@pytest.mark.parametrize("statistics", [False, True], ids=["no-statistics", "analyzed"])
async def test_devices_resets_and_the_lease_read_only_the_owners_rows(
    statistics: bool, user: User, make_client, clock: FrozenClock, recorder: Recorder, smtp: RecordingHandler
) -> None:
    phone = make_client(**{"user-agent": IPHONE_UA})
    await phone.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD, "client": "MOBILE"}})
    listed = (await user.browser.data(KNOWN_DEVICES))["knownDevices"]
    mobile = next(device["id"] for device in listed if device["client"] == "MOBILE")
    if statistics:
        await analyze(get_connection("default"))
    lease = JobLease("sweep", 60, clock)
    anonymous = make_client()

    faults = {
        "knownDevices": await served(recorder, lambda: user.browser.data(KNOWN_DEVICES)),
        "forgetDevice": await served(recorder, lambda: user.browser.data(FORGET_DEVICE, {"id": mobile})),
        "requestPasswordReset": await served(recorder, lambda: _request_reset(anonymous, user.email)),
        "resetPassword": await served(recorder, lambda: _reset(anonymous, smtp, user.email)),
        "lease claimed": await served(recorder, lease.claim),
        "lease renewed": await served(recorder, lease.claim),
        "lease released": await served(recorder, lease.release),
    }
    report = [f"{name}: {fault}" for name, found in faults.items() for fault in found]
    assert not report, "\n".join(report)
    # The operations did their work among the seeded rows of others.
    assert not await KnownDevice.filter(account__email=user.email, client="MOBILE").exists()
    assert await PasswordResetToken.filter(account__email=user.email).exclude(used_at=None).count() == 1
    assert await ResetRequest.filter(subject__startswith="email:").count() > 1
    assert (await Lease.get(name="sweep")).holder == lease.holder


@pytest.mark.settings(**NO_TIMED_SWEEP)
@pytest.mark.parametrize("statistics", [False, True], ids=["no-statistics", "analyzed"])
async def test_two_factor_reads_only_the_owners_rows(
    statistics: bool, app: Any, user: User, make_client, clock: FrozenClock, recorder: Recorder
) -> None:
    if statistics:
        await analyze(get_connection("default"))
    enrolled = []
    faults = {"startTotpSetup, enableTotp": await served(recorder, lambda: _enroll(user, clock, enrolled))}
    [totp_user] = enrolled
    phone = make_client()
    faults |= {
        "signIn, second factor asked": await served(recorder, lambda: _challenge(phone, user.email, enrolled)),
        "verifyTwoFactor with a code": await served(
            recorder, lambda: _verified(phone, enrolled.pop(), code_at(totp_user.secret, clock.now()))
        ),
        "verifyTwoFactor with a backup code": await served(
            recorder,
            lambda: _verified_after_challenge(make_client(), user.email, totp_user.backup_codes[0]),
        ),
    }
    # Past the hour unconfirmed setups are kept and the challenges' lifetime: the sweep forgets them.
    clock.advance(hours=2)
    faults["sweep"] = await served(recorder, app.state.services.sweep_once, SWEEP_KEYS)
    report = [f"{name}: {fault}" for name, found in faults.items() for fault in found]
    assert not report, "\n".join(report)
    # The sweep did its work on the seed: the unconfirmed setups went, with their codes.
    assert not await TotpSetup.exists()
    assert not await BackupCode.exclude(setup_id=None).exists()


async def _enroll(user: User, clock: FrozenClock, enrolled: list[Any]) -> None:
    enrolled.append(await enroll_totp(user, clock))


async def _challenge(client: GraphQLClient, email: str, challenges: list[Any]) -> None:
    challenges.append(await challenge_for(client, email, kind="MOBILE"))


async def _verified(client: GraphQLClient, challenge: str, code: str) -> None:
    payload = await verify(client, challenge, code)
    assert payload["__typename"] == "SignedIn", payload


async def _verified_after_challenge(client: GraphQLClient, email: str, code: str) -> None:
    await _verified(client, await challenge_for(client, email), code)


async def _request_reset(client: GraphQLClient, email: str) -> None:
    data = await client.data(REQUEST_RESET, {"input": {"email": email}})
    assert data["requestPasswordReset"]["__typename"] == "PasswordResetRequested", data


async def _reset(client: GraphQLClient, smtp: RecordingHandler, email: str) -> None:
    token = await mailed_token(smtp, email)
    data = await client.data(RESET, {"input": {"token": token, "newPassword": NEW_PASSWORD}})
    assert data["resetPassword"]["__typename"] == "PasswordReset", data
