"""Signing in and the WebSocket, over a real uvicorn process: the mutations that set or clear the session
cookie are refused on a socket, and a browser signing in again closes its earlier session's sockets."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.support.actors import PASSWORD
from tests.support.graphql import (
    ACTIVE_SESSIONS,
    ME,
    REVOKE_SESSION,
    SIGN_IN,
    SIGN_OUT,
    SIGN_OUT_EVERYWHERE,
    SIGN_UP,
    GraphQLClient,
)
from tests.support.live import APP_ORIGIN, REFUSAL, SUBSCRIPTION, Device, over_socket, sign_in, sign_up
from tests.support.server import GraphQLSocket, ServerProcess

pytestmark = pytest.mark.server

EVENTS = "query { securityEvents(first: 100) { edges { node { type } } } }"
VERIFY = """
mutation Verify($challenge: String!, $code: String!) {
  verifyTwoFactor(input: {challenge: $challenge, code: $code}) { __typename ... on Error { code } }
}"""


@pytest.fixture(scope="module")
def server(live_server: ServerProcess) -> ServerProcess:
    """The module's uvicorn, with default settings."""
    return live_server


def refused(messages: list[dict]) -> bool:
    """Whether the operation got exactly one top-level HTTP_ONLY error, no data, and its end."""
    if [m["type"] for m in messages] != ["next", "complete"]:
        return False
    payload = messages[0]["payload"]
    errors = [{"message": e["message"], "extensions": e.get("extensions")} for e in payload.get("errors", [])]
    return payload["data"] is None and errors == [REFUSAL]


def credentials(email: str, client: str) -> dict[str, Any]:
    return {"input": {"email": email, "password": PASSWORD, "client": client}}


async def state_of(device: Device) -> tuple[list[str], list[str]]:
    """The account's live sessions and its audit log, read over HTTP."""
    sessions = [s["id"] for s in (await device.client.data(ACTIVE_SESSIONS))["activeSessions"]]
    events = [e["node"]["type"] for e in (await device.client.data(EVENTS))["securityEvents"]["edges"]]
    return sessions, events


@pytest.mark.parametrize("client", ["WEB", "MOBILE"])
async def test_sign_in_over_the_socket_is_refused_and_opens_no_session(server: ServerProcess, client: str) -> None:
    email, laptop = await sign_up(server)
    before = await state_of(laptop)
    assert before == ([laptop.session_id], ["SIGN_UP"])

    messages = await over_socket(server, laptop, SIGN_IN, credentials(email, client))
    assert refused(messages), messages
    assert await state_of(laptop) == before


async def test_sign_up_over_the_socket_is_refused_and_creates_no_account(server: ServerProcess) -> None:
    _, laptop = await sign_up(server)
    newcomer = f"{uuid.uuid4().hex[:10]}@example.com"
    messages = await over_socket(server, laptop, SIGN_UP, credentials(newcomer, "WEB"))
    assert refused(messages), messages
    # The email is still free: signing up with it over HTTP works.
    answer = await laptop.client.data(SIGN_UP, credentials(newcomer, "MOBILE"))
    assert answer["signUp"]["__typename"] == "SignedIn"


async def test_the_second_sign_in_step_over_the_socket_is_refused(server: ServerProcess) -> None:
    _, laptop = await sign_up(server)
    messages = await over_socket(server, laptop, VERIFY, {"challenge": "x" * 43, "code": "123456"})
    assert refused(messages), messages


@pytest.mark.parametrize("document", [SIGN_OUT, SIGN_OUT_EVERYWHERE], ids=["signOut", "signOutEverywhere"])
async def test_signing_out_over_the_socket_is_refused_and_ends_nothing(server: ServerProcess, document: str) -> None:
    _, laptop = await sign_up(server)
    before = await state_of(laptop)
    messages = await over_socket(server, laptop, document, {})
    assert refused(messages), messages
    assert (await laptop.client.data(ME))["me"] is not None
    assert await state_of(laptop) == before


async def test_revoking_the_sockets_own_session_over_the_socket_is_refused(server: ServerProcess) -> None:
    email, laptop = await sign_up(server)
    before = await state_of(laptop)
    messages = await over_socket(server, laptop, REVOKE_SESSION, {"id": laptop.session_id})
    assert refused(messages), messages
    assert await state_of(laptop) == before
    # Another session may be revoked from a socket: it clears no cookie of this one.
    phone = await sign_in(server, email)
    messages = await over_socket(server, laptop, REVOKE_SESSION, {"id": phone.session_id})
    assert messages[0]["payload"] == {
        "data": {"revokeSession": {"__typename": "SessionRevoked", "id": phone.session_id}}
    }
    # The phone was a new device: its sign-in came with an alert to the owner.
    assert await state_of(laptop) == (before[0], ["SESSION_REVOKED", "NEW_DEVICE_SIGN_IN", "SIGN_IN", "SIGN_UP"])


async def test_signing_in_again_closes_the_sockets_of_the_replaced_session(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        browser = GraphQLClient(http)
        email = f"{uuid.uuid4().hex[:10]}@example.com"
        assert (await browser.data(SIGN_UP, credentials(email, "WEB")))["signUp"]["__typename"] == "SignedIn"
        socket = await GraphQLSocket.open(server.ws_url, cookie=f"session={http.cookies['session']}", origin=APP_ORIGIN)
        assert (await socket.init())["type"] == "connection_ack"
        await socket.subscribe(SUBSCRIPTION)
        assert len((await socket.next_data())["activeSessions"]) == 1
        assert (await browser.data(SIGN_IN, credentials(email, "WEB")))["signIn"]["__typename"] == "SignedIn"
        assert await socket.closed_with(timeout=2) == 4403
        # A socket opened with the new cookie sees only the new session.
        fresh = await GraphQLSocket.open(server.ws_url, cookie=f"session={http.cookies['session']}", origin=APP_ORIGIN)
        assert (await fresh.init())["type"] == "connection_ack"
        await fresh.subscribe(SUBSCRIPTION)
        assert [s["current"] for s in (await fresh.next_data())["activeSessions"]] == [True]
        await fresh.close()
