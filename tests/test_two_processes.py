"""Two uvicorn processes sharing PostgreSQL and Redis, and a Redis restart under live subscriptions."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import Backend
from tests.support.graphql import ME, REVOKE_SESSION
from tests.support.server import ServerProcess, free_port
from tests.test_subscriptions_server import SUBSCRIPTION, server_env, sign_in, sign_up, subscribed

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


def kill_bus_listener(redis: RedisServer, process: ServerProcess) -> None:
    """Cut one process's pub/sub connection (CLIENT KILL), as a network blip would; nothing else is touched."""
    assert process.process is not None
    name = f"workestra-listen-{process.process.pid}"
    listing = subprocess.run(["redis-cli", "-p", str(redis.port), "CLIENT", "LIST"], capture_output=True, text=True)
    ids = [
        fields["id"]
        for fields in (
            dict(item.split("=", 1) for item in line.split() if "=" in item) for line in listing.stdout.splitlines()
        )
        if fields.get("name") == name
    ]
    assert len(ids) == 1, listing.stdout
    killed = subprocess.run(
        ["redis-cli", "-p", str(redis.port), "CLIENT", "KILL", "ID", ids[0]], capture_output=True, text=True
    )
    assert killed.stdout.strip() == "1", killed.stdout


async def test_a_revocation_served_by_a_process_that_just_lost_its_bus_link_still_closes_the_socket(pair) -> None:
    """B has just lost its pub/sub connection and cannot publish; the revocation it serves must still close
    X's socket on A within a second, with nothing sent to X before the close."""
    a, b, redis = pair
    email, s = await sign_up(b)
    x = await sign_in(b, email)
    x_socket, _ = await subscribed(a, x)

    kill_bus_listener(redis, b)
    revoked = await s.client.data(REVOKE_SESSION, {"id": x.session_id})  # served by process B
    revoked_at = time.monotonic()
    assert revoked["revokeSession"]["__typename"] == "SessionRevoked"
    assert await x_socket.messages_until_close(timeout=1) == ([], 4403)
    assert time.monotonic() - revoked_at < 1


async def test_a_new_operation_on_a_socket_whose_session_ended_closes_it_with_4403(pair) -> None:
    """The same lost announcement, then X subscribes again at once: the answer is the close, not `complete`."""
    a, b, redis = pair
    email, s = await sign_up(b)
    x = await sign_in(b, email)
    x_socket, _ = await subscribed(a, x)

    kill_bus_listener(redis, b)
    revoked = await s.client.data(REVOKE_SESSION, {"id": x.session_id})
    assert revoked["revokeSession"]["__typename"] == "SessionRevoked"
    await x_socket.subscribe(SUBSCRIPTION, op_id="2")
    assert await x_socket.messages_until_close(timeout=1) == ([], 4403)


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
