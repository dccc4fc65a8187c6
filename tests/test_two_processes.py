"""Two uvicorn processes sharing PostgreSQL and Redis, and a Redis restart under live subscriptions."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.support.databases import Backend
from tests.support.graphql import ME, REVOKE_SESSION
from tests.support.server import ServerProcess, free_port
from tests.test_subscriptions_server import server_env, sign_in, sign_up, subscribed

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def shared(backend: Backend) -> Backend:
    if not backend.is_postgres:
        pytest.skip("several processes share state through PostgreSQL and Redis; SQLite + memory:// is one process")
    return backend


class RedisServer:
    """A private redis-server, so restarting it disturbs no one else."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is required for this test"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            result = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
            if result.stdout.strip() == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)


@pytest.fixture(scope="module")
def pair(
    shared: Backend, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, ServerProcess, RedisServer]]:
    directory = tmp_path_factory.mktemp("pair")
    redis = RedisServer(directory)
    redis.start()
    env = server_env(shared, directory, BROADCAST_URL=redis.url)
    # Started one after the other: the second process finds the migrations already applied.
    first = ServerProcess(env, directory / "a.log").start()
    second = ServerProcess(env, directory / "b.log").start()
    try:
        yield first, second, redis
    finally:
        first.stop()
        second.stop()
        redis.stop()


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
    env = server_env(shared, tmp_path, **SLOW_ARGON2)
    first = ServerProcess(env, tmp_path / "a.log").start()
    second = ServerProcess(env, tmp_path / "b.log").start()
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


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
    import contextlib
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
