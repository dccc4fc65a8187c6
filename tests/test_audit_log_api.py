"""The security audit log through the GraphQL API: one event per change, own events only, pages, retention."""

from __future__ import annotations

import base64
import re

import httpx
import pytest
from tortoise.connection import get_connection

from auth.clock import FrozenClock
from models import Account, SecurityEvent
from tests.support.actors import PASSWORD, User, enable, node_key, sign_up_user, start_setup, totp
from tests.support.graphql import (
    ACTIVE_SESSIONS,
    IPHONE_UA,
    ME,
    REVOKE_OTHERS,
    REVOKE_SESSION,
    SIGN_IN,
    SIGN_OUT,
    SIGN_OUT_EVERYWHERE,
    GraphQLClient,
    error_codes,
)
from tests.support.two_factor import DISABLE, REGENERATE, challenge_for, verify, wrong_code

DAY = 86400

EVENTS = """
query Events($first: Int, $after: String) {
  securityEvents(first: $first, after: $after) {
    edges { cursor node { id type occurredAt ipAddress device { browser os } location sessionId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""

CHANGE_PASSWORD = """
mutation Change($input: ChangePasswordInput!) { changePassword(input: $input) { __typename } }"""


async def events(client: GraphQLClient, first: int = 100, after: str | None = None) -> dict:
    return (await client.data(EVENTS, {"first": first, "after": after}))["securityEvents"]


async def types(client: GraphQLClient) -> list[str]:
    """The client's account's event types, oldest first."""
    return [edge["node"]["type"] for edge in reversed((await events(client))["edges"])]


async def stored_types(account_id: str) -> list[str]:
    """The types of the account's stored events, oldest first; ``account_id`` is its global id."""
    account = await Account.get(public_id=node_key(account_id))
    return [row.type for row in await SecurityEvent.filter(account_id=account.id).order_by("id")]


async def sign_in(make_client, user: User, password: str = PASSWORD, kind: str = "WEB", **headers: str):
    device = make_client(**headers)
    payload = (await device.data(SIGN_IN, {"input": {"email": user.email, "password": password, "client": kind}}))[
        "signIn"
    ]
    if kind == "MOBILE" and payload["__typename"] == "SignedIn":
        device.token = payload["token"]
    return device, payload


async def test_sign_up_and_sign_in_are_recorded_with_time_masked_ip_device_and_session(
    app, user: User, clock: FrozenClock
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("81.2.69.160", 4711)), base_url="http://testserver"
    ) as http:
        phone = GraphQLClient(http, headers={"user-agent": IPHONE_UA})
        clock.advance(60)
        payload = (await phone.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}}))["signIn"]
        listed = {s["id"]: s for s in (await phone.data(ACTIVE_SESSIONS))["activeSessions"]}
        page = await events(phone)
    alert, newest, oldest = (edge["node"] for edge in page["edges"])
    # A sign-in from a client that was no known device of the account is told to its owner, and logged.
    assert alert["type"] == "NEW_DEVICE_SIGN_IN" and alert["sessionId"] == payload["session"]["id"]
    assert alert["ipAddress"] == "81.2.69.xxx"
    assert oldest["type"] == "SIGN_UP" and oldest["sessionId"] == user.session_id
    assert oldest["occurredAt"] == "2026-01-05T09:00:00+00:00"
    assert oldest["ipAddress"] == "127.0.0.xxx"
    assert oldest["device"] == {"browser": "Chrome 131", "os": listed[user.session_id]["device"]["os"]}
    assert newest["type"] == "SIGN_IN"
    assert newest["sessionId"] == payload["session"]["id"]
    assert newest["occurredAt"] == clock.now().isoformat()
    assert newest["ipAddress"] == "81.2.69.xxx"
    assert newest["device"] == {"browser": "Mobile Safari 18", "os": "iOS 18"}
    assert newest["location"] == listed[payload["session"]["id"]]["location"] == "United Kingdom"
    stored = await SecurityEvent.get(public_id=node_key(newest["id"]))
    assert stored.ip_address == "81.2.69.xxx"  # stored masked, not only shown masked
    assert page["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": page["edges"][0]["cursor"],
        "endCursor": page["edges"][-1]["cursor"],
    }


async def test_session_endings_are_recorded_once_each(user: User, make_client, clock: FrozenClock) -> None:
    phone, phone_in = await sign_in(make_client, user, kind="MOBILE")
    tablet, _ = await sign_in(make_client, user, kind="MOBILE")
    assert (await user.browser.data(REVOKE_SESSION, {"id": phone_in["session"]["id"]}))["revokeSession"][
        "__typename"
    ] == "SessionRevoked"
    assert (await user.browser.data(REVOKE_SESSION, {"id": phone_in["session"]["id"]}))["revokeSession"][
        "__typename"
    ] == "NotFound"
    assert (await user.browser.data(REVOKE_OTHERS))["revokeAllOtherSessions"]["count"] == 1
    assert (await user.browser.data(REVOKE_OTHERS))["revokeAllOtherSessions"]["count"] == 0  # nothing changed
    laptop, _ = await sign_in(make_client, user)
    await laptop.data(SIGN_OUT)
    watch, _ = await sign_in(make_client, user, kind="MOBILE")
    page = await events(watch)
    nodes = [edge["node"] for edge in reversed(page["edges"])]
    assert [n["type"] for n in nodes] == [
        "SIGN_UP",
        "SIGN_IN",
        "NEW_DEVICE_SIGN_IN",
        "SIGN_IN",
        "NEW_DEVICE_SIGN_IN",
        "SESSION_REVOKED",
        "OTHER_SESSIONS_REVOKED",
        "SIGN_IN",
        "NEW_DEVICE_SIGN_IN",
        "SIGN_OUT",
        "SIGN_IN",
        "NEW_DEVICE_SIGN_IN",
    ]
    assert nodes[5]["sessionId"] == phone_in["session"]["id"]  # the session that was revoked
    assert nodes[6]["sessionId"] == user.session_id  # the session that kept going
    assert (await watch.data(SIGN_OUT_EVERYWHERE))["signOutEverywhere"]["count"] == 2
    assert (await stored_types(user.id))[-1] == "SIGNED_OUT_EVERYWHERE"
    assert (await stored_types(user.id)).count("SIGNED_OUT_EVERYWHERE") == 1


async def test_expiry_is_recorded_by_the_request_or_the_sweep_whichever_comes_first(
    app, user: User, make_client, clock: FrozenClock
) -> None:
    phone, phone_in = await sign_in(make_client, user, kind="MOBILE")
    clock.advance(7 * DAY)
    assert (await user.browser.data(ME))["me"] is None  # the request finds the web session expired
    assert (await user.browser.data(ME))["me"] is None
    assert await app.state.services.sweep_once() == 0
    expired = await SecurityEvent.filter(type="SESSION_EXPIRED")
    assert [(str(e.session_id), e.browser) for e in expired] == [(user.session_key, "Chrome 131")]
    clock.advance(30 * DAY)
    assert await app.state.services.sweep_once() == 1  # nobody used the phone: the sweep ends it
    assert await app.state.services.sweep_once() == 0
    expired = await SecurityEvent.filter(type="SESSION_EXPIRED").order_by("id")
    assert [str(e.session_id) for e in expired] == [user.session_key, node_key(phone_in["session"]["id"])]
    assert (await phone.data(ME))["me"] is None
    assert await SecurityEvent.filter(type="SESSION_EXPIRED").count() == 2


async def test_failed_sign_ins_and_the_lockout_are_recorded(user: User, make_client, clock: FrozenClock) -> None:
    attacker = make_client()
    for delay in (1, 2, 4, 8, 16):
        _, payload = await sign_in(make_client, user, password="wrong password!")
        assert payload["__typename"] == "InvalidCredentials"
        _, refused = await sign_in(make_client, user, password="wrong password!")
        assert refused["__typename"] == "TooManyAttempts"  # refused, not evaluated: not recorded
        clock.advance(delay)
    _, locked = await sign_in(make_client, user, password="wrong password!")
    assert locked["__typename"] == "AccountLocked"
    _, refused = await sign_in(make_client, user)
    assert refused["__typename"] == "AccountLocked"
    assert await stored_types(user.id) == ["SIGN_UP", *["SIGN_IN_FAILED"] * 6, "ACCOUNT_LOCKED"]
    # An unknown email has no account to own an event: nothing is written.
    before = await SecurityEvent.all().count()
    await attacker.data(SIGN_IN, {"input": {"email": "nobody@example.com", "password": "wrong password!"}})
    assert await SecurityEvent.all().count() == before


async def test_password_change_is_recorded_once_and_its_sign_outs_are_not_separate_events(
    user: User, make_client, clock: FrozenClock
) -> None:
    await sign_in(make_client, user, kind="MOBILE")
    wrong = {"currentPassword": "not the password", "newPassword": "another long password"}
    assert (await user.browser.data(CHANGE_PASSWORD, {"input": wrong}))["changePassword"]["__typename"] == (
        "InvalidCredentials"
    )
    clock.advance(1)
    right = {"currentPassword": PASSWORD, "newPassword": "another long password"}
    assert (await user.browser.data(CHANGE_PASSWORD, {"input": right}))["changePassword"]["__typename"] == (
        "PasswordChanged"
    )
    assert await types(user.browser) == [
        "SIGN_UP",
        "SIGN_IN",
        "NEW_DEVICE_SIGN_IN",
        "SIGN_IN_FAILED",
        "PASSWORD_CHANGED",
    ]
    changed = (await events(user.browser, first=1))["edges"][0]["node"]
    assert changed["sessionId"] == user.session_id


async def test_two_factor_changes_codes_and_backup_codes_are_recorded(
    user: User, make_client, clock: FrozenClock
) -> None:
    setup = await start_setup(user.browser)
    assert (await enable(user.browser, totp(setup["secret"], clock)))["__typename"] == "TotpEnabled"
    clock.advance(30)
    phone = make_client()
    challenge = await challenge_for(phone, user.email)
    assert (await verify(phone, challenge, wrong_code(setup["secret"], clock)))["code"] == "INVALID_CODE"
    assert (await verify(phone, challenge, "not a code"))["code"] == "INVALID_CODE"  # not a code: counts nowhere
    clock.advance(1)
    signed_in = await verify(phone, challenge, setup["backupCodes"][0])
    assert signed_in["__typename"] == "SignedIn"
    assert (await verify(make_client(), await challenge_for(make_client(), user.email), setup["backupCodes"][0]))[
        "code"
    ] == "INVALID_CODE"  # used: a failure, not a second use
    clock.advance(1)
    regenerated = (await user.browser.data(REGENERATE, {"password": PASSWORD}))["regenerateBackupCodes"]
    assert regenerated["__typename"] == "BackupCodes"
    disabled = (await user.browser.data(DISABLE, {"password": PASSWORD}))["disableTotp"]
    assert disabled["__typename"] == "TotpDisabled"
    assert await types(user.browser) == [
        "SIGN_UP",
        "TOTP_ENABLED",
        "TWO_FACTOR_FAILED",
        "BACKUP_CODE_USED",
        "SIGN_IN",
        "NEW_DEVICE_SIGN_IN",
        "TWO_FACTOR_FAILED",
        "BACKUP_CODES_REGENERATED",
        "TOTP_DISABLED",
    ]
    nodes = {edge["node"]["type"]: edge["node"] for edge in (await events(user.browser))["edges"]}
    assert nodes["SIGN_IN"]["sessionId"] == signed_in["session"]["id"]
    assert nodes["TOTP_ENABLED"]["sessionId"] == nodes["TOTP_DISABLED"]["sessionId"] == user.session_id


async def _audit_text(columns: str = "*") -> list[str]:
    connection = get_connection("default")
    rows = await connection.execute_query_dict(f'SELECT {columns} FROM "security_event"')
    return [str(value) for row in rows for value in row.values() if value is not None]


async def test_the_audit_log_never_holds_a_password_code_token_or_secret(
    user: User, make_client, clock: FrozenClock
) -> None:
    evil_agent = "Mozilla/5.0 \x1b[31m\tInjected"
    setup = await start_setup(user.browser)
    codes = [totp(setup["secret"], clock)]
    await enable(user.browser, codes[0])
    clock.advance(30)
    phone = make_client(**{"user-agent": evil_agent})
    challenge = await challenge_for(phone, user.email, kind="MOBILE")
    codes.append(wrong_code(setup["secret"], clock))
    await verify(phone, challenge, codes[-1])
    clock.advance(1)
    token = (await verify(phone, challenge, setup["backupCodes"][1]))["token"]
    await user.browser.data(CHANGE_PASSWORD, {"input": {"currentPassword": "guess password 1", "newPassword": "x" * 9}})
    new_password = "a brand new passphrase"
    clock.advance(1)
    await user.browser.data(CHANGE_PASSWORD, {"input": {"currentPassword": PASSWORD, "newPassword": new_password}})
    regenerated = (await user.browser.data(REGENERATE, {"password": new_password}))["regenerateBackupCodes"]["codes"]

    stored = await _audit_text()
    assert any("PASSWORD_CHANGED" == value for value in stored)
    needles = [PASSWORD, new_password, "guess password 1", setup["secret"], token, challenge]
    for code in [*setup["backupCodes"], *regenerated]:
        needles += [code, code.replace("-", "")]
    for value in stored:
        for needle in needles:
            assert needle.lower() not in value.lower()
    # Six digits could occur by chance in a UUID or a timestamp: look for codes in the text columns.
    text = await _audit_text("type, ip_address, user_agent, browser, os, location")
    assert any("Injected" in value for value in text)
    for value in text:
        for code in codes:
            assert not re.search(rf"(?<![0-9]){code}(?![0-9])", value)
        assert not re.search("[\x00-\x1f]", value)


async def test_nobody_sees_another_persons_events(user: User, other_user: User) -> None:
    mine = await events(user.browser)
    theirs = await events(other_user.browser)
    assert [e["node"]["sessionId"] for e in mine["edges"]] == [user.session_id]
    assert [e["node"]["sessionId"] for e in theirs["edges"]] == [other_user.session_id]
    # A cursor names an event of one log: in another person's log it is no cursor, as an unknown one is.
    foreign = await other_user.browser.execute(EVENTS, {"first": 5, "after": mine["edges"][0]["cursor"]})
    assert foreign["data"] is None and error_codes(foreign) == ["INVALID_INPUT"]
    assert foreign["errors"][0]["extensions"]["field"] == "after"


async def test_the_log_needs_a_session(anonymous: GraphQLClient) -> None:
    body = await anonymous.execute(EVENTS, {"first": 5})
    assert body["data"] is None and error_codes(body) == ["UNAUTHENTICATED"]


async def test_pages_walk_the_log_newest_first(user: User, make_client, clock: FrozenClock) -> None:
    for _ in range(12):
        clock.advance(1)
        await sign_in(make_client, user, kind="MOBILE")  # a new device each time: SIGN_IN and NEW_DEVICE_SIGN_IN
    account = await Account.get(public_id=node_key(user.id))
    rows = await SecurityEvent.filter(account_id=account.id).order_by("-id").values_list("public_id", flat=True)
    everything = [str(key) for key in rows]
    assert len(everything) == 25
    default = await events(user.browser, first=20)
    assert len(default["edges"]) == 20
    by_default = (await user.browser.data("query { securityEvents { edges { cursor } } }"))["securityEvents"]
    assert len(by_default["edges"]) == 20

    seen: list[str] = []
    after = None
    pages = []
    while True:
        page = await events(user.browser, first=7, after=after)
        pages.append(page)
        seen += [node_key(edge["node"]["id"]) for edge in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(everything)
    assert [len(p["edges"]) for p in pages] == [7, 7, 7, 4]
    times = [edge["node"]["occurredAt"] for p in pages for edge in p["edges"]]
    assert times == sorted(times, reverse=True)
    past_the_end = await events(user.browser, first=5, after=pages[-1]["pageInfo"]["endCursor"])
    assert past_the_end == {
        "edges": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": True, "startCursor": None, "endCursor": None},
    }
    exact = await events(user.browser, first=25)
    assert exact["pageInfo"]["hasNextPage"] is False and len(exact["edges"]) == 25


@pytest.mark.parametrize("first", [0, -1, 101, 2**31 - 1])
async def test_page_sizes_outside_1_to_100_are_refused(user: User, first: int) -> None:
    body = await user.browser.execute(EVENTS, {"first": first})
    assert body["data"] is None
    assert error_codes(body) == ["INVALID_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "first"


async def test_the_largest_page_is_100(user: User) -> None:
    assert len((await events(user.browser, first=100))["edges"]) == 1


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "garbage",
        "!!!!",
        "x" * 10_000,
        "\x00",
        "é",
        base64.urlsafe_b64encode(b"SecurityEvent:").decode(),
        base64.urlsafe_b64encode(b"SecurityEvent:-1").decode(),
        base64.urlsafe_b64encode(b"SecurityEvent:1e3").decode(),
        base64.urlsafe_b64encode(b"Session:1").decode(),
        base64.urlsafe_b64encode(b"SecurityEvent:" + b"9" * 40).decode(),
        base64.urlsafe_b64encode(f"SecurityEvent:{2**63}".encode()).decode(),
        base64.urlsafe_b64encode(b"SecurityEvent:" + b"9" * 19).decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(b"SecurityEventCursor:not-a-uuid").decode(),
        base64.urlsafe_b64encode(b"SecurityEventCursor:{00000000-0000-0000-0000-000000000000}").decode(),
        base64.urlsafe_b64encode(b"SecurityEventCursor:00000000-0000-0000-0000-000000000000").decode().rstrip("="),
    ],
)
async def test_a_garbage_cursor_is_a_clear_error(user: User, cursor: str) -> None:
    body = await user.browser.execute(EVENTS, {"first": 5, "after": cursor})
    assert body["data"] is None
    assert error_codes(body) == ["INVALID_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "after"
    assert body["errors"][0]["message"] == "This is not a cursor from securityEvents."


async def test_a_well_formed_cursor_of_no_event_is_refused(user: User) -> None:
    unknown = base64.urlsafe_b64encode(b"SecurityEventCursor:00000000-0000-4000-8000-000000000000").decode()
    body = await user.browser.execute(EVENTS, {"first": 5, "after": unknown})
    assert body["data"] is None and error_codes(body) == ["INVALID_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "after"


async def test_the_sweep_prunes_events_past_the_retention(app, user: User, make_client, clock: FrozenClock) -> None:
    clock.advance(70 * DAY)
    recent_device, _ = await sign_in(make_client, user, kind="MOBILE")
    clock.advance(20 * DAY)
    services = app.state.services
    await services.sweep_once()
    # Day 90 exactly: the sign-up is 90 days old, not older, so it stays; the idle web session ends now.
    assert await stored_types(user.id) == ["SIGN_UP", "SIGN_IN", "NEW_DEVICE_SIGN_IN", "SESSION_EXPIRED"]
    clock.advance(1)
    await services.sweep_once()
    assert await stored_types(user.id) == ["SIGN_IN", "NEW_DEVICE_SIGN_IN", "SESSION_EXPIRED"]
    assert [e["node"]["type"] for e in (await events(recent_device))["edges"]] == [
        "SESSION_EXPIRED",
        "NEW_DEVICE_SIGN_IN",
        "SIGN_IN",
    ]


@pytest.mark.settings(audit_retention_days=1)
async def test_the_retention_is_configurable(app, user: User, clock: FrozenClock) -> None:
    clock.advance(DAY + 1)
    await app.state.services.sweep_once()
    assert await stored_types(user.id) == []


async def test_a_second_account_signs_up_with_its_own_event(make_client) -> None:
    first = await sign_up_user(make_client, "one@example.com")
    second = await sign_up_user(make_client, "two@example.com")
    assert await stored_types(first.id) == ["SIGN_UP"]
    assert await stored_types(second.id) == ["SIGN_UP"]
