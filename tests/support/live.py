"""A real uvicorn server for a test module, and the devices signed in on it over HTTP and WebSocket.

A pytest plugin (listed in ``tests/conftest.py``): ``live_server`` is a module's uvicorn with default settings.
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.actors import PASSWORD
from tests.support.databases import Backend
from tests.support.graphql import SIGN_IN, SIGN_UP, GraphQLClient
from tests.support.redis_server import RedisServer
from tests.support.server import GraphQLSocket, ServerProcess, free_port

SUBSCRIPTION = "subscription { activeSessions { id current client } }"


APP_ORIGIN = "https://app.workestra.test"
# What a sign-in mutation (anything that sets or clears the cookie) gets over the WebSocket.
REFUSAL = {
    "message": "This operation sets or clears the session cookie: send it over HTTP, not the WebSocket.",
    "extensions": {"code": "HTTP_ONLY"},
}


def server_env(backend: Backend, directory: Path, **extra: str) -> dict[str, str]:
    """The environment of a server on ``backend`` (its own SQLite file under ``directory``, its own channel)."""
    database = backend.database_url if backend.is_postgres else f"sqlite://{directory / 'server.sqlite3'}"
    return {
        "DATABASE_URL": database,
        "BROADCAST_URL": backend.broadcast_url,
        "BROADCAST_CHANNEL": f"workestra-test-{uuid.uuid4().hex}",
        "ALLOWED_ORIGINS": APP_ORIGIN,
        **extra,
    }


@dataclass
class Device:
    client: GraphQLClient
    token: str
    session_id: str


async def sign_up(server: ServerProcess) -> tuple[str, Device]:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    return email, await _signed_in(server, SIGN_UP, "signUp", email)


async def sign_in(server: ServerProcess, email: str) -> Device:
    return await _signed_in(server, SIGN_IN, "signIn", email)


async def _signed_in(server: ServerProcess, document: str, field: str, email: str) -> Device:
    client = GraphQLClient(httpx.AsyncClient(base_url=server.url, timeout=10))
    data = await client.data(document, {"input": {"email": email, "password": PASSWORD, "client": "MOBILE"}})
    payload = data[field]
    assert payload["__typename"] == "SignedIn", payload
    client.token = payload["token"]
    return Device(client, payload["token"], payload["session"]["id"])


async def subscribed(server: ServerProcess, device: Device) -> tuple[GraphQLSocket, list[dict]]:
    socket = await GraphQLSocket.open(server.ws_url)
    assert (await socket.init({"authorization": f"Bearer {device.token}"}))["type"] == "connection_ack"
    await socket.subscribe(SUBSCRIPTION)
    return socket, (await socket.next_data())["activeSessions"]


@contextlib.contextmanager
def two_servers(env: dict[str, str], directory: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two processes with the same settings (on SQLite, the same file), started one after the other."""
    first = ServerProcess(env, directory / "a.log").start()
    second = ServerProcess(env, directory / "b.log").start()
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


def start_server(backend: Backend, directory: Path, **settings: str) -> ServerProcess:
    """A uvicorn process on ``backend`` with ``settings`` (environment variables) over the defaults."""
    return ServerProcess(server_env(backend, directory, **settings), directory / "server.log").start()


async def signed_in_socket(server: ServerProcess) -> GraphQLSocket:
    """A socket acknowledged for a freshly signed-up MOBILE session."""
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        signed_up = await GraphQLClient(http).data(
            "mutation($input: SignUpInput!) { signUp(input: $input) { ... on SignedIn { token } } }",
            {"input": {"email": f"{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD, "client": "MOBILE"}},
        )
    socket = await GraphQLSocket.open(server.ws_url)
    ack = await socket.init({"authorization": f"Bearer {signed_up['signUp']['token']}"})
    assert ack["type"] == "connection_ack", ack
    return socket


async def over_socket(server: ServerProcess, device: Device, query: str, variables: dict[str, Any]) -> list[dict]:
    """Run one operation on a socket opened with the device's token; every message it got, up to its end."""
    socket = await GraphQLSocket.open(server.ws_url)
    assert (await socket.init({"authorization": f"Bearer {device.token}"}))["type"] == "connection_ack"
    await socket.send({"id": "op", "type": "subscribe", "payload": {"query": query, "variables": variables}})
    messages = []
    while not messages or messages[-1]["type"] not in {"complete", "error"}:
        messages.append(await socket.receive())
    await socket.close()
    return messages


async def key_socket(server: ServerProcess, secret: str) -> GraphQLSocket:
    """A socket acknowledged for the API key ``secret``."""
    socket = await GraphQLSocket.open(server.ws_url)
    assert (await socket.init({"authorization": f"Bearer {secret}"}))["type"] == "connection_ack"
    return socket


@pytest.fixture(scope="module")
def live_server(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A uvicorn of the module's own on the test's backend, with default settings."""
    directory = tmp_path_factory.mktemp("live")
    process = ServerProcess(server_env(backend, directory), directory / "server.log").start()
    yield process
    process.stop()


@contextlib.contextmanager
def running_pair(
    backend: Backend, directory: Path, **env: str
) -> Iterator[tuple[ServerProcess, ServerProcess, RedisServer]]:
    """Two processes on ``backend``'s database and a private Redis of their own."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is required for this test"
    redis = RedisServer(binary, free_port(), directory)
    redis.start()
    environment = server_env(backend, directory, BROADCAST_URL=redis.url, **env)
    # Started one after the other: the second process finds the migrations already applied.
    first = ServerProcess(environment, directory / "a.log").start()
    second = ServerProcess(environment, directory / "b.log").start()
    try:
        yield first, second, redis
    finally:
        first.stop()
        second.stop()
        redis.stop()
