"""Python `gql` 4 (aiohttp over HTTP, websockets for the subscription) against a real uvicorn.

A browser-style laptop signs up with aiohttp's cookie jar and subscribes with that cookie on the
handshake; a mobile-style phone signs in for a bearer token and subscribes with it in `connection_init`.
The laptop revokes the phone: the phone's subscription raises SESSION_ENDED with its reason and its socket
closes with 4403, while the laptop's list drops the phone. An error union member is read through
`... on Error`.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from gql import Client
from gql.graphql_request import GraphQLRequest
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.exceptions import TransportConnectionFailed, TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import ConnectionClosed

from tests.support import log_guard
from tests.support.actors import PASSWORD
from tests.support.clients import client_server
from tests.support.server import ServerProcess

pytestmark = pytest.mark.server

SESSION = "id current client"
SIGNED_IN = f"__typename ... on SignedIn {{ token session {{ {SESSION} }} }} ... on Error {{ code message }}"
SIGN_UP = f"mutation SignUp($input: SignUpInput!) {{ signUp(input: $input) {{ {SIGNED_IN} }} }}"
SIGN_IN = f"mutation SignIn($input: SignInInput!) {{ signIn(input: $input) {{ {SIGNED_IN} }} }}"
LIVE_SESSIONS = f"subscription LiveSessions {{ activeSessions {{ {SESSION} }} }}"
REVOKE_SESSION = """mutation RevokeSession($id: ID!) {
  revokeSession(id: $id) { __typename ... on SessionRevoked { session { id } } ... on Error { code message } }
}"""
ENDED = {"message": "Your session ended; sign in again.", "extensions": {"code": "SESSION_ENDED", "reason": "REVOKED"}}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = client_server(tmp_path_factory.mktemp("gql"))
    yield process
    process.stop()


@contextlib.asynccontextmanager
async def http_session(server: ServerProcess, **transport: Any) -> AsyncIterator[Any]:
    async with Client(transport=AIOHTTPTransport(url=f"{server.url}/graphql", **transport)) as session:
        yield session


async def _follow(transport: WebsocketsTransport, lists: list[list[str]]) -> None:
    """Collect every list the subscription sends until it ends (the error propagates)."""
    async with Client(transport=transport) as session:
        async for result in session.subscribe(GraphQLRequest(LIVE_SESSIONS)):
            lists.append([s["id"] for s in result["activeSessions"]])


async def _until(predicate: Any, timeout: float = 5) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


async def test_gql_cookie_and_bearer_sign_in_subscription_and_session_ended(server: ServerProcess) -> None:
    log_guard.note("password", PASSWORD)
    email = f"gql-{uuid.uuid4().hex[:10]}@example.com"
    jar = aiohttp.CookieJar(unsafe=True)  # unsafe: the server is addressed by IP (127.0.0.1)
    credentials = {"email": email, "password": PASSWORD}
    async with http_session(server, client_session_args={"cookie_jar": jar}) as laptop:
        up = await laptop.execute(GraphQLRequest(SIGN_UP, variable_values={"input": {**credentials, "client": "WEB"}}))
        assert up["signUp"]["__typename"] == "SignedIn"
        assert up["signUp"]["token"] is None  # a WEB sign-in's token is only the HttpOnly cookie
        cookie = {c.key: c.value for c in jar}
        # The session, and the known-device credential a completed sign-in gives a browser.
        assert sorted(cookie) == ["device", "session"]
        log_guard.note("cookie", cookie["session"])
        log_guard.note("cookie", cookie["device"])
        laptop_id = up["signUp"]["session"]["id"]

        async with http_session(server) as anonymous:
            signed_in = await anonymous.execute(
                GraphQLRequest(SIGN_IN, variable_values={"input": {**credentials, "client": "MOBILE"}})
            )
        phone_token, phone_id = signed_in["signIn"]["token"], signed_in["signIn"]["session"]["id"]
        log_guard.note("token", phone_token)

        laptop_lists: list[list[str]] = []
        phone_lists: list[list[str]] = []
        laptop_socket = WebsocketsTransport(url=server.ws_url, headers={"Cookie": f"session={cookie['session']}"})
        phone_socket = WebsocketsTransport(url=server.ws_url, init_payload={"authorization": f"Bearer {phone_token}"})
        laptop_task = asyncio.create_task(_follow(laptop_socket, laptop_lists))
        phone_task = asyncio.create_task(_follow(phone_socket, phone_lists))
        try:
            await _until(lambda: laptop_lists and phone_lists)
            assert set(laptop_lists[0]) == set(phone_lists[0]) == {laptop_id, phone_id}

            revoked = await laptop.execute(GraphQLRequest(REVOKE_SESSION, variable_values={"id": phone_id}))
            assert revoked["revokeSession"] == {"__typename": "SessionRevoked", "session": {"id": phone_id}}
            with pytest.raises(TransportQueryError) as ended:
                await asyncio.wait_for(phone_task, 5)
            assert ended.value.errors == [ENDED]
            # Its token opens no socket any more: only signing in again helps, so nothing should retry.
            refused = WebsocketsTransport(url=server.ws_url, init_payload={"authorization": f"Bearer {phone_token}"})
            with pytest.raises(TransportConnectionFailed) as refusal:
                await _follow(refused, [])
            closed = refusal.value.__cause__
            assert isinstance(closed, ConnectionClosed) and closed.rcvd is not None and closed.rcvd.code == 4403
            await _until(lambda: laptop_lists[-1] == [laptop_id])

            # An error union member through the interface alone.
            missing = await laptop.execute(GraphQLRequest(REVOKE_SESSION, variable_values={"id": "not-a-session"}))
            assert missing["revokeSession"]["__typename"] == "NotFound"
            assert missing["revokeSession"]["code"] == "NOT_FOUND"
            assert missing["revokeSession"]["message"]
        finally:
            laptop_task.cancel()
            phone_task.cancel()
            await asyncio.gather(laptop_task, phone_task, return_exceptions=True)
