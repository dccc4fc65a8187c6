"""activeSessions, revokeSession, revokeAllOtherSessions, signOutEverywhere and idle expiry."""

from __future__ import annotations

import asyncio

import pytest

from auth.clock import FrozenClock
from models import Session
from tests.support.actors import PASSWORD, User
from tests.support.graphql import (
    ACTIVE_SESSIONS,
    IPHONE_UA,
    ME,
    REVOKE_OTHERS,
    REVOKE_SESSION,
    SIGN_IN,
    SIGN_OUT_EVERYWHERE,
    GraphQLClient,
    error_codes,
)

DAY = 86400


async def sign_in(make_client, user: User, client: str = "WEB", **headers: str) -> tuple[GraphQLClient, dict]:
    device = make_client(**headers)
    data = await device.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD, "client": client}})
    payload = data["signIn"]
    assert payload["__typename"] == "SignedIn", payload
    if client == "MOBILE":
        device.token = payload["token"]
    return device, payload["session"]


async def test_active_sessions_lists_own_devices_most_recent_first(user: User, make_client, clock: FrozenClock) -> None:
    clock.advance(minutes=5)
    phone, phone_session = await sign_in(make_client, user, "MOBILE", **{"user-agent": IPHONE_UA})
    sessions = (await phone.data(ACTIVE_SESSIONS))["activeSessions"]
    assert [s["id"] for s in sessions] == [phone_session["id"], user.session_id]
    assert [s["current"] for s in sessions] == [True, False]
    assert sessions[0]["client"] == "MOBILE"
    assert sessions[0]["device"] == {"browser": "Mobile Safari 18", "os": "iOS 18"}
    assert sessions[0]["expiresAt"] == "2026-02-04T09:05:00+00:00"  # 30 days after its last activity
    assert sessions[1]["expiresAt"] == "2026-01-12T09:00:00+00:00"  # 7 days for WEB
    browser_view = (await user.browser.data(ACTIVE_SESSIONS))["activeSessions"]
    assert [s["current"] for s in browser_view] == [False, True]


async def test_active_sessions_requires_a_session(anonymous: GraphQLClient) -> None:
    body = await anonymous.execute(ACTIVE_SESSIONS)
    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_sessions_of_other_people_are_invisible_and_untouchable(user: User, other_user: User) -> None:
    sessions = (await other_user.browser.data(ACTIVE_SESSIONS))["activeSessions"]
    assert [s["id"] for s in sessions] == [other_user.session_id]
    data = await other_user.browser.data(REVOKE_SESSION, {"id": user.session_id})
    assert data["revokeSession"] == {"__typename": "NotFound", "code": "NOT_FOUND", "message": "Not found."}
    assert (await user.browser.data(ME))["me"]["email"] == user.email


# A well-formed id nobody has, written out: test ids must be the same in every worker process of ``make test``.
UNKNOWN_UUID = "6f58804e-b459-4a40-9a8a-8d34561ee59a"


@pytest.mark.parametrize("bad_id", ["", "not-a-uuid", UNKNOWN_UUID, "' OR 1=1 --", "\x00", "x" * 10_000])
async def test_revoking_an_unknown_id_is_not_found(user: User, bad_id: str) -> None:
    data = await user.browser.data(REVOKE_SESSION, {"id": bad_id})
    assert data["revokeSession"]["__typename"] == "NotFound"


async def test_revoke_session_signs_that_device_out_at_once(user: User, make_client) -> None:
    phone, phone_session = await sign_in(make_client, user, "MOBILE")
    data = await user.browser.data(REVOKE_SESSION, {"id": phone_session["id"]})
    assert data["revokeSession"] == {"__typename": "SessionRevoked", "id": phone_session["id"]}
    assert (await phone.data(ME))["me"] is None
    body = await phone.execute(ACTIVE_SESSIONS)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    again = await user.browser.data(REVOKE_SESSION, {"id": phone_session["id"]})
    assert again["revokeSession"]["__typename"] == "NotFound"
    remaining = (await user.browser.data(ACTIVE_SESSIONS))["activeSessions"]
    assert [s["id"] for s in remaining] == [user.session_id]


async def test_revoke_all_other_sessions_keeps_only_the_current_one(user: User, make_client) -> None:
    devices = [await sign_in(make_client, user, kind) for kind in ("WEB", "MOBILE", "MOBILE")]
    data = await user.browser.data(REVOKE_OTHERS)
    assert data["revokeAllOtherSessions"] == {"__typename": "SessionsRevoked", "count": 3}
    for device, _ in devices:
        assert (await device.data(ME))["me"] is None
    assert [s["id"] for s in (await user.browser.data(ACTIVE_SESSIONS))["activeSessions"]] == [user.session_id]
    assert (await user.browser.data(REVOKE_OTHERS))["revokeAllOtherSessions"]["count"] == 0


async def test_sign_out_everywhere_counts_the_current_session(user: User, make_client) -> None:
    phone, _ = await sign_in(make_client, user, "MOBILE")
    data = await user.browser.data(SIGN_OUT_EVERYWHERE)
    assert data["signOutEverywhere"] == {"__typename": "SessionsRevoked", "count": 2}
    assert (await user.browser.data(ME))["me"] is None
    assert (await phone.data(ME))["me"] is None


async def test_concurrent_revocations_count_each_session_once(user: User, make_client) -> None:
    for _ in range(4):
        await sign_in(make_client, user, "MOBILE")
    phone, _ = await sign_in(make_client, user, "MOBILE")
    results = await asyncio.gather(user.browser.execute(REVOKE_OTHERS), phone.execute(REVOKE_OTHERS))
    # A call whose own session the other call ended first is simply no longer signed in.
    counts = [
        0 if error_codes(r) == ["UNAUTHENTICATED"] else r["data"]["revokeAllOtherSessions"]["count"] for r in results
    ]
    # Six sessions. Each call ends every session but its own, so racing calls may end each other's;
    # what must hold is that every session is ended by exactly one call, and none twice.
    live = await Session.filter(ended_at=None).count()
    assert live <= 1
    assert sum(counts) + live == 6


@pytest.mark.parametrize(("client", "idle_days"), [("WEB", 7), ("MOBILE", 30)])
async def test_idle_sessions_expire_per_client_kind(
    user: User, make_client, clock: FrozenClock, client: str, idle_days: int
) -> None:
    device, _ = await sign_in(make_client, user, client)
    clock.advance(idle_days * DAY - 1)
    assert (await device.data(ME))["me"] is not None  # still alive, and this request is activity
    clock.advance(idle_days * DAY - 1)
    assert (await device.data(ME))["me"] is not None
    clock.advance(idle_days * DAY)
    assert (await device.data(ME))["me"] is None
    clock.advance(-idle_days * DAY)  # turning the clock back does not revive an expired session
    assert (await device.data(ME))["me"] is None


async def test_a_mobile_user_agent_does_not_give_a_web_session_thirty_days(user: User, clock: FrozenClock) -> None:
    clock.advance(7 * DAY)
    body = await user.browser.execute(ME, headers={"user-agent": IPHONE_UA})
    assert body == {"data": {"me": None}}


async def test_last_activity_is_written_at_most_once_a_minute(user: User, clock: FrozenClock) -> None:
    created = (await Session.get(id=user.session_key)).last_active_at
    clock.advance(59)
    await user.browser.data(ME)
    assert (await Session.get(id=user.session_key)).last_active_at == created
    clock.advance(1)
    await asyncio.gather(*(user.browser.data(ME) for _ in range(5)))
    after = (await Session.get(id=user.session_key)).last_active_at
    assert after == clock.now()
    listed = (await user.browser.data(ACTIVE_SESSIONS))["activeSessions"][0]
    assert listed["lastActiveAt"] == clock.now().isoformat()


async def test_expired_sessions_leave_the_list(user: User, make_client, clock: FrozenClock) -> None:
    phone, phone_session = await sign_in(make_client, user, "MOBILE")
    clock.advance(8 * DAY)
    sessions = (await phone.data(ACTIVE_SESSIONS))["activeSessions"]
    assert [s["id"] for s in sessions] == [phone_session["id"]]


async def test_the_sweep_ends_idle_sessions_nobody_uses(app, user: User, make_client, clock: FrozenClock) -> None:
    await sign_in(make_client, user, "MOBILE")
    clock.advance(7 * DAY + 1)
    services = app.state.services
    assert await services.sweep_once() == 1
    assert await services.sweep_once() == 0
    ended = await Session.get(id=user.session_key)
    assert ended.ended_at == clock.now()
    assert ended.end_reason == "EXPIRED"


@pytest.mark.parametrize(
    ("environ", "refused"),
    [
        ({"SOCKET_CHECK_INTERVAL_MS": "1001"}, "SOCKET_CHECK_INTERVAL_MS"),
        ({"SOCKET_CHECK_INTERVAL_MS": "49"}, "SOCKET_CHECK_INTERVAL_MS"),
        ({"SOCKET_CHECK_INTERVAL_MS": "half"}, "SOCKET_CHECK_INTERVAL_MS"),
        ({"ACTIVITY_ANNOUNCE_INTERVAL": "-1"}, "ACTIVITY_ANNOUNCE_INTERVAL"),
        ({"SOCKET_CHECK_INTERVAL_MS": "1000", "ACTIVITY_ANNOUNCE_INTERVAL": "0"}, None),
    ],
)
def test_the_socket_check_must_run_at_least_every_second(environ: dict[str, str], refused: str | None) -> None:
    """A socket must close within a second of its credential's end, so a slower check is refused."""
    from workestra.settings import Settings, SettingsError

    if refused is None:
        settings = Settings.from_env(environ, env_file=None)
        assert (settings.socket_check_interval_ms, settings.activity_announce_interval) == (1000, 0)
        return
    with pytest.raises(SettingsError, match=refused):
        Settings.from_env(environ, env_file=None)
