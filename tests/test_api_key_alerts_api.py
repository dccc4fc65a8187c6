"""API keys are no back door: creating one mails the owner, and a password change or signing out everywhere
can revoke them all (audited, their sockets told SESSION_ENDED). Mails go to a real SMTP server."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from auth.clock import FrozenClock
from auth.network import parse_trusted_proxies
from tests.support.actors import LOCKOUT_DELAYS, PASSWORD, User, create_api_key, key_client, reauthenticate
from tests.support.graphql import ME
from tests.support.live import key_socket
from tests.support.live import sign_up as sign_up_on_server
from tests.support.mail import SMTP_PORT, RecordingHandler, received
from tests.support.server import ServerProcess, session_ended

SMTP = f"smtp://127.0.0.1:{SMTP_PORT}"
API_KEYS = "query { apiKeys { id name } }"
EVENTS = "query { securityEvents(first: 100) { edges { node { type } } } }"
CHANGE_PASSWORD = """
mutation Change($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    __typename
    ... on PasswordChanged { signedOutSessions revokedApiKeys }
    ... on Error { code }
  }
}"""
SIGN_OUT_EVERYWHERE = """
mutation Everywhere($keys: Boolean!) {
  signOutEverywhere(revokeApiKeys: $keys) { __typename ... on SessionsRevoked { count revokedApiKeys } }
}"""
SIGN_OUT_EVERYWHERE_DEFAULT = "mutation { signOutEverywhere { __typename ... on SessionsRevoked { revokedApiKeys } } }"
SUBSCRIPTION = "subscription { activeSessions { id } }"


def bodies(handler: RecordingHandler, index: int) -> tuple[str, str]:
    message = handler.received[index].message
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


async def event_types(client) -> list[str]:
    return [edge["node"]["type"] for edge in (await client.data(EVENTS))["securityEvents"]["edges"]]


@pytest.mark.settings(smtp_url=SMTP, trusted_proxies=parse_trusted_proxies("127.0.0.1/32"))
async def test_creating_a_key_mails_the_owner_what_where_and_how_to_revoke_never_the_key(
    smtp: RecordingHandler,
    make_client,
) -> None:
    from tests.support.actors import sign_up_user

    user = await sign_up_user(lambda: make_client(**{"x-forwarded-for": "81.2.69.160"}), "ada@example.com")
    created = await create_api_key(user.browser, "Nightly export")
    assert created["__typename"] == "ApiKeyCreated"
    await received(smtp, 1)
    await asyncio.sleep(0.3)
    assert len(smtp.received) == 1
    mail = smtp.received[0]
    assert mail.rcpt_tos == [user.email]
    assert mail.message["Subject"] == "A new API key was created for your Workestra account"
    text, html = bodies(smtp, 0)
    prefix = created["apiKey"]["prefix"]
    assert "“Nightly export”" in text and f"starting with {prefix})" in text
    assert "81.2.69.xxx" in text and "United Kingdom" in text and "Chrome 131 on macOS" in text
    assert "revoke the key under API keys" in text
    secret = created["secret"]
    assert secret not in text + html and secret[len(prefix) :] not in text + html
    assert "81.2.69.160" not in text + html and "http" not in text.lower()


@pytest.mark.settings(smtp_url=SMTP)
async def test_a_refused_creation_mails_nothing(smtp: RecordingHandler, user: User, clock: FrozenClock) -> None:
    assert (await create_api_key(user.browser, " "))["__typename"] == "InvalidInput"
    clock.advance(15 * 60)
    assert (await create_api_key(user.browser))["__typename"] == "ReauthenticationRequired"
    await asyncio.sleep(0.5)
    assert smtp.received == []


@pytest.mark.settings(smtp_url=SMTP)
async def test_six_wrong_reauthentications_lock_and_send_one_lock_mail(
    smtp: RecordingHandler,
    user: User,
    clock: FrozenClock,
) -> None:
    for delay in LOCKOUT_DELAYS:
        last = await reauthenticate(user.browser, password="wrong password")
        clock.advance(delay)
    assert last["__typename"] == "AccountLocked"
    for _ in range(5):  # refused during the lock: no more mail
        assert (await reauthenticate(user.browser, password="wrong"))["__typename"] == "AccountLocked"
    await received(smtp, 1)
    await asyncio.sleep(0.3)
    assert [m.message["Subject"] for m in smtp.received] == [
        "Your Workestra account was locked after failed sign-in attempts"
    ]
    text, html = bodies(smtp, 0)
    assert "wrong password" not in text + html and PASSWORD not in text + html
    assert (await event_types(user.browser)).count("ACCOUNT_LOCKED") == 1


async def test_changing_the_password_can_revoke_every_key(user: User, make_client) -> None:
    keys = [await create_api_key(user.browser, name) for name in ("one", "two", "three")]
    clients = [key_client(make_client, k["secret"]) for k in keys]
    change = {"currentPassword": PASSWORD, "newPassword": "a brand new passphrase", "revokeApiKeys": True}
    answer = (await user.browser.data(CHANGE_PASSWORD, {"input": change}))["changePassword"]
    assert answer == {"__typename": "PasswordChanged", "signedOutSessions": 0, "revokedApiKeys": 3}
    for client in clients:
        assert (await client.data(ME))["me"] is None
    assert (await user.browser.data(API_KEYS))["apiKeys"] == []
    assert (await event_types(user.browser)).count("API_KEY_REVOKED") == 3


async def test_by_default_a_password_change_keeps_the_keys(user: User, make_client) -> None:
    key = await create_api_key(user.browser)
    change = {"currentPassword": PASSWORD, "newPassword": "a brand new passphrase"}
    answer = (await user.browser.data(CHANGE_PASSWORD, {"input": change}))["changePassword"]
    assert answer["revokedApiKeys"] == 0
    assert (await key_client(make_client, key["secret"]).data(ME))["me"]["email"] == user.email


async def test_a_wrong_current_password_revokes_nothing(user: User, make_client) -> None:
    key = await create_api_key(user.browser)
    change = {"currentPassword": "wrong", "newPassword": "a brand new passphrase", "revokeApiKeys": True}
    assert (await user.browser.data(CHANGE_PASSWORD, {"input": change}))["changePassword"]["code"] == (
        "INVALID_CREDENTIALS"
    )
    assert (await key_client(make_client, key["secret"]).data(ME))["me"] is not None


async def test_signing_out_everywhere_can_revoke_every_key(user: User, other_user: User, make_client) -> None:
    mine = [await create_api_key(user.browser, name) for name in ("one", "two")]
    theirs = await create_api_key(other_user.browser)
    answer = (await user.browser.data(SIGN_OUT_EVERYWHERE, {"keys": True}))["signOutEverywhere"]
    assert answer == {"__typename": "SessionsRevoked", "count": 1, "revokedApiKeys": 2}
    for key in mine:
        assert (await key_client(make_client, key["secret"]).data(ME))["me"] is None
    # Another account's key is untouched; the audit log tells both revocations.
    assert (await key_client(make_client, theirs["secret"]).data(ME))["me"]["email"] == other_user.email
    key_reader = key_client(make_client, theirs["secret"])
    assert "API_KEY_REVOKED" not in await event_types(key_reader)
    events = await _events_of(user, make_client)
    assert events.count("API_KEY_REVOKED") == 2 and events.count("SIGNED_OUT_EVERYWHERE") == 1


async def _events_of(user: User, make_client) -> list[str]:
    from tests.support.graphql import SIGN_IN

    again = make_client()
    await again.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    return await event_types(again)


@pytest.mark.parametrize("document", [SIGN_OUT_EVERYWHERE_DEFAULT, SIGN_OUT_EVERYWHERE])
async def test_by_default_signing_out_everywhere_keeps_the_keys(user: User, make_client, document: str) -> None:
    key = await create_api_key(user.browser)
    answer = (await user.browser.data(document, {"keys": False}))["signOutEverywhere"]
    assert answer["revokedApiKeys"] == 0
    assert (await key_client(make_client, key["secret"]).data(ME))["me"]["email"] == user.email


# Over a real WebSocket: the keys' sockets are told SESSION_ENDED (REVOKED), then closed.


@pytest.mark.server
@pytest.mark.parametrize("how", ["changePassword", "signOutEverywhere"])
async def test_revoked_keys_sockets_are_told_session_ended_then_closed(
    live_server: ServerProcess,
    how: str,
) -> None:
    _, laptop = await sign_up_on_server(live_server)
    sockets = []
    for name in ("a", "b"):
        socket = await key_socket(live_server, (await create_api_key(laptop.client, name))["secret"])
        await socket.subscribe(SUBSCRIPTION)
        await socket.next_data()
        sockets.append(socket)
    if how == "changePassword":
        change = {"currentPassword": PASSWORD, "newPassword": f"new passphrase {uuid.uuid4().hex[:6]}"}
        answer = await laptop.client.data(CHANGE_PASSWORD, {"input": {**change, "revokeApiKeys": True}})
        assert answer["changePassword"]["revokedApiKeys"] == 2
    else:
        answer = await laptop.client.data(SIGN_OUT_EVERYWHERE, {"keys": True})
        assert answer["signOutEverywhere"]["revokedApiKeys"] == 2
    for socket in sockets:
        assert await socket.messages_until_close(timeout=2) == ([session_ended("1", "REVOKED")], 4403)
