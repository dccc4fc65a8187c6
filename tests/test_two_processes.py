"""Two uvicorn processes sharing PostgreSQL and Redis, and a Redis restart under live subscriptions."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.actors import PASSWORD
from tests.support.databases import Backend, drop_postgres, postgres_backend
from tests.support.graphql import ME, REVOKE_SESSION, SIGN_IN, SIGN_UP, GraphQLClient
from tests.support.live import (
    APP_ORIGIN,
    SUBSCRIPTION,
    running_pair,
    server_env,
    sign_in,
    sign_up,
    subscribed,
    two_servers,
)
from tests.support.redis_server import RedisServer
from tests.support.server import GraphQLSocket, ServerProcess, session_ended

pytestmark = pytest.mark.server

CREATE_API_KEY = """
mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { __typename ... on ApiKeyCreated { secret apiKey { id } } }
}"""
REVOKE_API_KEY = "mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }"


@pytest.fixture(scope="module")
def shared(backend: Backend) -> Backend:
    if not backend.is_postgres:
        pytest.skip("several processes share state through PostgreSQL and Redis; SQLite + memory:// is one process")
    return backend


@pytest.fixture(scope="module")
def pair(
    shared: Backend, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, ServerProcess, RedisServer]]:
    with running_pair(shared, tmp_path_factory.mktemp("pair")) as processes:
        yield processes


def kill_bus_listener(redis: RedisServer, process: ServerProcess) -> None:
    """Cut one process's pub/sub connection (CLIENT KILL), as a network blip would; nothing else is touched."""
    assert process.process is not None
    name = f"workestra-listen-{process.process.pid}"
    # After an earlier cut the process may still be reconnecting: wait for its listener to be back.
    deadline = time.monotonic() + 10
    while True:
        listing = subprocess.run(["redis-cli", "-p", str(redis.port), "CLIENT", "LIST"], capture_output=True, text=True)
        lines = (
            dict(item.split("=", 1) for item in line.split() if "=" in item) for line in listing.stdout.splitlines()
        )
        ids = [fields["id"] for fields in lines if fields.get("name") == name and fields.get("sub") == "1"]
        if len(ids) == 1 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(ids) == 1, listing.stdout
    killed = subprocess.run(
        ["redis-cli", "-p", str(redis.port), "CLIENT", "KILL", "ID", ids[0]], capture_output=True, text=True
    )
    assert killed.stdout.strip() == "1", killed.stdout


async def test_a_revocation_served_by_a_process_that_just_lost_its_bus_link_still_closes_the_socket(pair) -> None:
    """B has just lost its pub/sub connection and cannot publish; the revocation it serves must still close
    X's socket on A within a second, with nothing but why sent to X before the close."""
    a, b, redis = pair
    email, s = await sign_up(b)
    x = await sign_in(b, email)
    x_socket, _ = await subscribed(a, x)
    s_socket, _ = await subscribed(a, s)

    kill_bus_listener(redis, b)
    revoked = await s.client.data(REVOKE_SESSION, {"id": x.session_id})  # served by process B
    revoked_at = time.monotonic()
    assert revoked["revokeSession"]["__typename"] == "SessionRevoked"
    assert await x_socket.messages_until_close(timeout=1) == ([session_ended("1", "REVOKED")], 4403)
    assert time.monotonic() - revoked_at < 1
    # A's bus never broke, so only B's retried announcement can tell A's dashboard.
    await converged(s_socket, {s.session_id}, timeout=3)
    await s_socket.close()


async def test_a_revoked_api_key_closes_its_socket_on_another_process_without_the_bus(pair) -> None:
    a, b, redis = pair
    _, s = await sign_up(b)
    created = (await s.client.data(CREATE_API_KEY, {"input": {"name": "dashboard"}}))["createApiKey"]
    key_socket = await GraphQLSocket.open(a.ws_url)
    assert (await key_socket.init({"authorization": f"Bearer {created['secret']}"}))["type"] == "connection_ack"
    await key_socket.subscribe(SUBSCRIPTION)
    await key_socket.next_data()

    kill_bus_listener(redis, b)
    revoked = await s.client.data(REVOKE_API_KEY, {"id": created["apiKey"]["id"]})
    revoked_at = time.monotonic()
    assert revoked["revokeApiKey"]["__typename"] == "ApiKeyRevoked"
    assert await key_socket.messages_until_close(timeout=1) == ([session_ended("1", "REVOKED")], 4403)
    assert time.monotonic() - revoked_at < 1


async def test_a_new_operation_on_a_socket_whose_session_ended_closes_it_with_4403(pair) -> None:
    """The same lost announcement, then X subscribes again at once: the answer is SESSION_ENDED and the close,
    not `complete`."""
    a, b, redis = pair
    email, s = await sign_up(b)
    x = await sign_in(b, email)
    x_socket, _ = await subscribed(a, x)

    kill_bus_listener(redis, b)
    revoked = await s.client.data(REVOKE_SESSION, {"id": x.session_id})
    assert revoked["revokeSession"]["__typename"] == "SessionRevoked"
    await x_socket.subscribe(SUBSCRIPTION, op_id="2")
    # The running operation and the new one are told why; nothing else reaches the socket.
    assert await x_socket.messages_until_close(timeout=1) == (
        [session_ended("1", "REVOKED"), session_ended("2", "REVOKED")],
        4403,
    )


async def test_a_revocation_on_one_process_updates_and_closes_sockets_on_the_other(pair) -> None:
    a, b, _ = pair
    email, laptop = await sign_up(a)
    phone = await sign_in(a, email)
    phone_socket, _ = await subscribed(b, phone)
    laptop_socket, first = await subscribed(b, laptop)
    assert {s["id"] for s in first} == {laptop.session_id, phone.session_id}

    revoked = await laptop.client.data(REVOKE_SESSION, {"id": phone.session_id})  # served by process A
    assert revoked["revokeSession"]["__typename"] == "SessionRevoked"
    assert await phone_socket.closed_with(timeout=1) == 4403
    assert [s["id"] for s in (await laptop_socket.next_data(timeout=1))["activeSessions"]] == [laptop.session_id]
    await laptop_socket.close()


async def test_a_sign_in_on_one_process_reaches_subscribers_on_the_other(pair) -> None:
    a, b, _ = pair
    email, laptop = await sign_up(b)
    laptop_socket, _ = await subscribed(b, laptop)
    tablet = await sign_in(a, email)
    update = (await laptop_socket.next_data(timeout=2))["activeSessions"]
    assert {s["id"] for s in update} == {laptop.session_id, tablet.session_id}
    await laptop_socket.close()


async def test_the_bus_survives_a_redis_restart_and_subscribers_resync(pair) -> None:
    a, b, redis = pair
    email, laptop = await sign_up(a)
    phone = await sign_in(a, email)
    phone_socket, _ = await subscribed(b, phone)
    laptop_socket, _ = await subscribed(b, laptop)

    redis.stop()
    # While Redis is down the revocation still lands in the database; its announcement is lost.
    revoked = await laptop.client.data(REVOKE_SESSION, {"id": phone.session_id})
    assert revoked["revokeSession"]["__typename"] == "SessionRevoked"
    assert (await phone.client.data(ME))["me"] is None
    redis.start()

    # After reconnecting, process B resyncs from the database: the revoked socket closes and the
    # dashboard gets the current list, instead of both hanging on a dead subscription.
    assert await phone_socket.closed_with(timeout=15) == 4403
    resynced = (await laptop_socket.next_data(timeout=15))["activeSessions"]
    assert [s["id"] for s in resynced] == [laptop.session_id]

    # And live events flow again across processes.
    tablet = await sign_in(a, email)
    update = (await laptop_socket.next_data(timeout=5))["activeSessions"]
    assert {s["id"] for s in update} == {laptop.session_id, tablet.session_id}
    await laptop_socket.close()


async def test_concurrent_wrong_passwords_across_two_processes_are_evaluated_as_the_rules_allow(pair) -> None:
    import asyncio
    import time

    import httpx

    from tests.support.graphql import SIGN_IN, GraphQLClient

    a, b, _ = pair
    email, _ = await sign_up(a)
    clients = [GraphQLClient(httpx.AsyncClient(base_url=(a if i % 2 else b).url, timeout=30)) for i in range(30)]
    started = time.monotonic()
    results = await asyncio.gather(
        *(c.data(SIGN_IN, {"input": {"email": email, "password": "wrong password"}}) for c in clients)
    )
    elapsed = time.monotonic() - started
    kinds = [r["signIn"]["__typename"] for r in results]
    # Real time passes here, so count what the ladder allows in `elapsed`: one evaluation, plus one
    # more after each cumulative delay (1, 1+2, 1+2+4, ... seconds) that has run out.
    allowed = 1 + sum(1 for threshold in (1, 3, 7, 15, 31) if elapsed >= threshold)
    assert 1 <= kinds.count("InvalidCredentials") <= allowed
    assert set(kinds) <= {"InvalidCredentials", "TooManyAttempts"}
    for client in clients:
        await client.http.aclose()


# About a second per hash on one core: a kill sent once the claim is taken lands inside the hash.
SLOW_ARGON2 = {"ARGON2_TIME_COST": "300000"}


@pytest.fixture
def slow_pair(shared: Backend, tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with two_servers(server_env(shared, tmp_path, **SLOW_ARGON2), tmp_path) as servers:
        yield servers


async def claim_taken(database_url: str, timeout: float = 10) -> None:
    """Wait until some process holds an evaluation claim (its hash is running)."""
    import asyncio

    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await connection.fetchval("SELECT count(*) FROM attempt_counter WHERE claim IS NOT NULL"):
                return
            await asyncio.sleep(0.01)
    finally:
        await connection.close()
    raise AssertionError("no process claimed the email")


async def test_a_process_killed_mid_sign_in_blocks_the_email_only_for_a_lease(shared: Backend, slow_pair) -> None:
    import asyncio
    import os
    import signal

    import httpx

    from tests.support.graphql import SIGN_IN, GraphQLClient

    a, b = slow_pair
    email, _ = await sign_up(a)
    variables = {"input": {"email": email, "password": PASSWORD, "client": "MOBILE"}}
    doomed = GraphQLClient(httpx.AsyncClient(base_url=a.url, timeout=30))
    in_flight = asyncio.create_task(doomed.data(SIGN_IN, variables))
    await claim_taken(shared.database_url)
    assert a.process is not None
    os.killpg(a.process.pid, signal.SIGKILL)
    a.process.wait(timeout=5)
    killed_at = time.monotonic()
    with contextlib.suppress(httpx.HTTPError):
        await in_flight
    await doomed.http.aclose()

    survivor = GraphQLClient(httpx.AsyncClient(base_url=b.url, timeout=30))
    answers = []
    # Bounded well below the 30 s a dead claim used to hold the email.
    while time.monotonic() - killed_at < 20:
        payload = (await survivor.data(SIGN_IN, variables))["signIn"]
        answers.append((payload["__typename"], payload.get("retryAfterSeconds")))
        if payload["__typename"] != "TooManyAttempts":
            break
        await asyncio.sleep(payload["retryAfterSeconds"])
    elapsed = time.monotonic() - killed_at
    # The dead claim ran out within its lease; the surviving process waited for it instead of refusing.
    assert answers[-1] == ("SignedIn", None), answers
    started = time.monotonic()
    assert (await survivor.data(SIGN_IN, variables))["signIn"]["__typename"] == "SignedIn"
    one_sign_in = time.monotonic() - started
    await survivor.http.aclose()
    print(f"signed in {elapsed:.2f} s after the kill (a sign-in alone: {one_sign_in:.2f} s): {answers}")


# Idle timeout of MOBILE sessions in the outage test: long enough to set up, short enough to end mid-outage.
EXPIRY = 8


@pytest.fixture(scope="module")
def expiring_pair(shared: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ...]]:
    # Its sweep ends MOBILE sessions idle for 8 s, so it gets a database of its own.
    own, name = postgres_backend()
    try:
        with running_pair(own, tmp_path_factory.mktemp("expiring"), MOBILE_IDLE_TIMEOUT=str(EXPIRY)) as processes:
            yield processes
    finally:
        drop_postgres(name)


async def browser_session(server: ServerProcess, email: str, *, new: bool = False) -> tuple[GraphQLClient, str]:
    """A WEB session (cookie, 7 days idle, so it outlives the test): the browser and the session's id."""
    browser = GraphQLClient(httpx.AsyncClient(base_url=server.url, timeout=10))
    field, document = ("signUp", SIGN_UP) if new else ("signIn", SIGN_IN)
    payload = (await browser.data(document, {"input": {"email": email, "password": PASSWORD}}))[field]
    assert payload["__typename"] == "SignedIn", payload
    return browser, payload["session"]["id"]


async def browser_signed_in(
    server: ServerProcess, email: str, *, new: bool
) -> tuple[GraphQLClient, str, GraphQLSocket]:
    """A WEB session and its activeSessions socket: a dashboard."""
    browser, session_id = await browser_session(server, email, new=new)
    socket = await GraphQLSocket.open(
        server.ws_url, cookie=f"session={browser.http.cookies['session']}", origin=APP_ORIGIN
    )
    assert (await socket.init())["type"] == "connection_ack"
    await socket.subscribe(SUBSCRIPTION)
    await socket.next_data()
    return browser, session_id, socket


async def closing(socket: GraphQLSocket) -> tuple[list[dict], int | None, float]:
    """What the socket received before the server closed it, the close code, and when it closed."""
    messages, code = await socket.messages_until_close(timeout=60)
    return messages, code, time.monotonic()


async def converged(socket: GraphQLSocket, expected: set[str], timeout: float) -> None:
    """Wait until the socket's latest list holds exactly ``expected``."""
    deadline = time.monotonic() + timeout
    seen: list[set[str]] = []
    while True:
        try:
            listed = (await socket.next_data(timeout=max(deadline - time.monotonic(), 0)))["activeSessions"]
        except TimeoutError:
            raise AssertionError(f"expected {expected}, the socket received {seen}") from None
        seen.append({s["id"] for s in listed})
        if seen[-1] == expected:
            return


async def test_while_redis_is_down_ended_sessions_close_their_sockets_and_lists_converge_after(
    expiring_pair,
) -> None:
    """Redis stopped for 10 s. Meanwhile a session is revoked, one signs in and one expires: the two ended
    sessions' sockets close within a second of their end, with nothing but why sent first; once Redis is back every
    dashboard shows the true list, and live events flow again."""
    a, b, redis = expiring_pair
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    _, dashboard_a_id, dashboard_a = await browser_signed_in(a, email, new=True)
    browser_b, dashboard_b_id, dashboard_b = await browser_signed_in(b, email, new=False)
    revoked = await sign_in(a, email)
    asked_at = time.monotonic()
    expiring = await sign_in(b, email)
    expires_between = (asked_at + EXPIRY, time.monotonic() + EXPIRY)
    # Opened after the last change before the outage, so that anything they receive comes after it.
    revoked_socket, _ = await subscribed(b, revoked)
    expiring_socket, _ = await subscribed(a, expiring)
    for dashboard in (dashboard_a, dashboard_b):
        await converged(dashboard, {dashboard_a_id, dashboard_b_id, revoked.session_id, expiring.session_id}, 5)
    revoked_closed = asyncio.create_task(closing(revoked_socket))
    expired_closed = asyncio.create_task(closing(expiring_socket))

    redis.stop()
    outage_began = time.monotonic()
    await asyncio.sleep(1)
    ended = await browser_b.data(REVOKE_SESSION, {"id": revoked.session_id})  # served by B; the socket is on B too
    revoked_at = time.monotonic()
    assert ended["revokeSession"]["__typename"] == "SessionRevoked"
    _, newcomer_id = await browser_session(a, email)

    messages, code, closed_at = await revoked_closed
    assert (messages, code) == ([session_ended("1", "REVOKED")], 4403)
    assert closed_at - revoked_at < 1
    messages, code, closed_at = await expired_closed
    assert (messages, code) == ([session_ended("1", "EXPIRED")], 4403)
    assert expires_between[0] - 0.2 < closed_at < expires_between[1] + 1
    await asyncio.sleep(max(0.0, outage_began + 10 - time.monotonic()))
    redis.start()

    expected = {dashboard_a_id, dashboard_b_id, newcomer_id}
    await asyncio.gather(converged(dashboard_a, expected, timeout=15), converged(dashboard_b, expected, timeout=15))
    later = await sign_in(b, email)
    expected.add(later.session_id)
    await asyncio.gather(converged(dashboard_a, expected, timeout=3), converged(dashboard_b, expected, timeout=3))
    await dashboard_a.close()
    await dashboard_b.close()
