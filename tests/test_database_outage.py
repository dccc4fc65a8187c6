"""The database briefly gone: a clear retryable SERVICE_UNAVAILABLE (HTTP 503), never a driver message;
the pool recovers by itself."""

from __future__ import annotations

import asyncio
import collections
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
import tortoise.exceptions

from models.outages import is_database_outage
from tests.support.actors import PASSWORD
from tests.support.databases import PG_ADMIN_URL, Backend
from tests.support.graphql import ME, SIGN_IN, SIGN_UP, GraphQLClient
from tests.support.live import server_env
from tests.support.proxy import TcpProxy
from tests.support.server import GraphQLSocket, ServerProcess

pytestmark = pytest.mark.server

# What a driver or the ORM says; none of it may reach a client.
DRIVER_WORDS = ("asyncpg", "tortoise", "connect", "Errno", "socket", "refused", "closed", "state", "127.0.0.1")


def _through(proxy: TcpProxy, database_url: str) -> str:
    parts = urlsplit(database_url)
    return database_url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{proxy.port}", 1)


async def test_a_request_while_the_database_is_unreachable_is_a_retryable_503_then_the_pool_recovers(
    backend: Backend, tmp_path: Path
) -> None:
    if not backend.is_postgres:
        pytest.skip("the database is a TCP server only on PostgreSQL")
    target = urlsplit(backend.database_url)
    proxy = await TcpProxy(target.hostname or "127.0.0.1", target.port or 5432).start()
    # Development mode: the mode that used to show driver messages to clients.
    env = server_env(backend, tmp_path, DATABASE_URL=_through(proxy, backend.database_url), ENVIRONMENT="development")
    server = ServerProcess(env, tmp_path / "server.log")
    # The proxy runs on this event loop: wait for the server in a thread, so it can forward meanwhile.
    await asyncio.to_thread(server.start)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=15) as http:
            email = f"{uuid.uuid4().hex[:8]}@example.com"
            signed_up = await GraphQLClient(http).data(
                SIGN_UP, {"input": {"email": email, "password": PASSWORD, "client": "MOBILE"}}
            )
            mobile = GraphQLClient(http, token=signed_up["signUp"]["token"])
            assert (await mobile.data(ME))["me"]["email"] == email

            await proxy.cut()
            for attempt in range(3):
                for document, variables in ((ME, None), (SIGN_IN, {"input": {"email": email, "password": PASSWORD}})):
                    response = await mobile.post(
                        document, variables, headers={"x-request-id": f"trace-outage-{attempt}"}
                    )
                    assert response.status_code == 503, response.text
                    assert response.headers["retry-after"] == "1"
                    errors = response.json()["errors"]
                    assert [error["extensions"]["code"] for error in errors] == ["SERVICE_UNAVAILABLE"]
                    assert errors[0]["extensions"]["requestId"] == f"trace-outage-{attempt}"
                    assert not any(word in response.text for word in DRIVER_WORDS), response.text
            # A socket opened meanwhile is told to try again later, not left hanging or closed as unauthorised.
            socket = await GraphQLSocket.open(server.ws_url)
            await socket.send({"type": "connection_init", "payload": {"authorization": f"Bearer {mobile.token}"}})
            assert await socket.closed_with() == 1013

            await proxy.start()
            # The very next request succeeds: the pool replaces its dead connections by itself.
            assert (await mobile.data(ME))["me"]["email"] == email
            assert (await mobile.data(SIGN_IN, {"input": {"email": email, "password": PASSWORD}}))["signIn"][
                "__typename"
            ] == "SignedIn"
    finally:
        await asyncio.to_thread(server.stop)
        await proxy.cut()
    log = (tmp_path / "server.log").read_text()
    outage_lines = [line for line in log.splitlines() if "request_id=trace-outage-0" in line and "graphql" in line]
    assert len(outage_lines) == 2, outage_lines
    assert all("level=WARNING" in line and "codes=SERVICE_UNAVAILABLE:1" in line for line in outage_lines)
    # An outage is not a bug: one WARNING per request, no ERROR line for it.
    assert not [line for line in log.splitlines() if "logger=workestra.errors" in line and "level=ERROR" in line]


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (ConnectionRefusedError(111, "Connect call failed"), True),
        (OSError("Multiple exceptions: [Errno 111] Connect call failed"), True),
        (asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"), True),
        (asyncpg.exceptions.CannotConnectNowError("the database system is starting up"), True),
        (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"), True),
        (asyncpg.exceptions.InterfaceError("connection is closed"), True),
        (
            asyncpg.exceptions.InternalClientError("cannot switch to state 15; another operation (2) is in progress"),
            True,
        ),
        (tortoise.exceptions.DBConnectionError("Can't establish connection"), True),
        (tortoise.exceptions.OperationalError("syntax error at or near"), False),
        (tortoise.exceptions.IntegrityError("duplicate key value"), False),
        (asyncpg.exceptions.UniqueViolationError("duplicate key value"), False),
        (ValueError("Python int too large to convert to SQLite INTEGER"), False),
        (RuntimeError("a bug"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else str(value),
)
def test_what_counts_as_the_database_briefly_gone(error: BaseException, outage: bool) -> None:
    assert is_database_outage(error) is outage


def test_an_outage_is_recognised_through_the_exceptions_it_caused() -> None:
    try:
        try:
            raise ConnectionResetError("reset by peer")
        except ConnectionResetError as reset:
            raise RuntimeError("query failed") from reset
    except RuntimeError as wrapped:
        assert is_database_outage(wrapped)
    assert not is_database_outage(None)


async def test_connections_terminated_under_load_answer_service_unavailable_and_nothing_else(
    backend: Backend, tmp_path: Path
) -> None:
    if not backend.is_postgres:
        pytest.skip("PostgreSQL backends are what gets terminated")
    database = urlsplit(backend.database_url).path.lstrip("/")
    server = ServerProcess(server_env(backend, tmp_path, ENVIRONMENT="development"), tmp_path / "server.log").start()
    outcomes: collections.Counter[str] = collections.Counter()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=15) as http:
            clients = []
            for _ in range(6):
                email = f"{uuid.uuid4().hex[:8]}@example.com"
                signed_up = await GraphQLClient(http).data(
                    SIGN_UP, {"input": {"email": email, "password": PASSWORD, "client": "MOBILE"}}
                )
                clients.append((email, GraphQLClient(http, token=signed_up["signUp"]["token"])))
            running = True

            async def load(email: str, client: GraphQLClient) -> None:
                while running:
                    for document, variables in (
                        (ME, None),
                        (SIGN_IN, {"input": {"email": email, "password": PASSWORD}}),
                    ):
                        response = await client.post(document, variables)
                        body = response.json()
                        codes = {error.get("extensions", {}).get("code") for error in body.get("errors", [])}
                        outcomes[f"{response.status_code} {','.join(sorted(map(str, codes)))}"] += 1
                        assert codes <= {"SERVICE_UNAVAILABLE"}, response.text
                        assert not any(word in response.text for word in DRIVER_WORDS), response.text

            workers = [asyncio.create_task(load(email, client)) for email, client in clients]
            admin = await asyncpg.connect(PG_ADMIN_URL)
            try:
                for _ in range(5):
                    await asyncio.sleep(0.4)
                    await admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", database
                    )
            finally:
                await admin.close()
            running = False
            await asyncio.gather(*workers)
            # Every client's next request succeeds: the pool replaced the terminated connections by itself.
            for email, client in clients:
                assert (await client.data(ME))["me"]["email"] == email
    finally:
        server.stop()
    assert any(outcome.startswith("503 SERVICE_UNAVAILABLE") for outcome in outcomes), outcomes
    log = (tmp_path / "server.log").read_text()
    assert not [line for line in log.splitlines() if "logger=workestra.errors" in line and "level=ERROR" in line]
