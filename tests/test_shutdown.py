"""SIGTERM on one of two processes: in-flight work finishes or is answered, sockets move over, nothing is left held."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from asgi_lifespan import LifespanManager

from auth.clock import FrozenClock
from tests.support.actors import PASSWORD
from tests.support.databases import Backend
from tests.support.graphql import SIGN_IN, SIGN_UP, GraphQLClient
from tests.support.live import server_env, sign_in, subscribed

# db and postgres_url are the outbox database's fixtures.
from tests.support.mail import RecordingHandler, db, notification, postgres_url, sender, start_smtp  # noqa: F401
from tests.support.server import ServerProcess, free_port
from tests.support.settings import test_settings
from workestra.app import create_app
from workestra.mail import enqueue

SERVICE_RESTART = 1012
# A verify costs what the stored hash was made with; with 8 KiB of memory the time cost alone sets the
# duration (about 4 us per pass here), so an account signed up on a process with these parameters keeps
# every later sign-in of it in flight for about a second, or four.
SLOW_ARGON2 = {"ARGON2_TIME_COST": "300000", "ARGON2_MEMORY_COST": "8", "ARGON2_PARALLELISM": "1"}
SLOWER_ARGON2 = {**SLOW_ARGON2, "ARGON2_TIME_COST": "1200000"}


@pytest.fixture
def shared(backend: Backend) -> Backend:
    if not backend.is_postgres:
        pytest.skip("two processes share state through PostgreSQL and Redis; SQLite + memory:// is one process")
    backend.wipe()
    return backend


def start_pair(backend: Backend, directory: Path, **leaving_env: str) -> tuple[ServerProcess, ServerProcess]:
    """The process about to be stopped (slow hashing, ``leaving_env``) and the one that stays."""
    env = server_env(backend, directory, HASH_CONCURRENCY="4")
    leaving = ServerProcess({**env, **leaving_env}, directory / "leaving.log").start(timeout=60)
    staying = ServerProcess(env, directory / "staying.log").start()
    return leaving, staying


@pytest.fixture
def processes(request, shared: Backend, tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    leaving, staying = start_pair(shared, tmp_path, **request.param)
    try:
        yield leaving, staying
    finally:
        leaving.stop()
        staying.stop()


async def slow_account(server: ServerProcess) -> str:
    """An account whose stored hash was made with the server's (slow) parameters."""
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        data = await GraphQLClient(http).data(SIGN_UP, {"input": {"email": email, "password": PASSWORD}})
    assert data["signUp"]["__typename"] == "SignedIn", data
    return email


async def post_sign_in(server: ServerProcess, email: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        return await GraphQLClient(http).post(SIGN_IN, {"input": {"email": email, "password": PASSWORD}})


async def wait_exit(server: ServerProcess, timeout: float) -> tuple[int | None, float]:
    """The exit code and how long the process took to exit, or (None, timeout)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.process.poll() is not None:
            return server.process.returncode, time.monotonic() - started
        await asyncio.sleep(0.05)
    return None, timeout


@pytest.mark.server
@pytest.mark.parametrize("processes", [{**SLOW_ARGON2, "SHUTDOWN_GRACE": "15"}], indirect=True)
async def test_sigterm_finishes_the_sign_in_in_flight_and_moves_sockets_to_the_other_process(processes) -> None:
    leaving, staying = processes
    email = await slow_account(leaving)
    laptop = await sign_in(staying, email)
    laptop_socket, _ = await subscribed(leaving, laptop)

    in_flight = asyncio.create_task(post_sign_in(leaving, email))
    await asyncio.sleep(0.3)  # inside the argon2 verify
    assert not in_flight.done()
    leaving.terminate()

    # Sockets are told to reconnect elsewhere at once, not left to time out.
    assert await laptop_socket.closed_with(timeout=2) == SERVICE_RESTART
    moved, sessions = await subscribed(staying, laptop)
    assert laptop.session_id in {s["id"] for s in sessions}
    # No new connection is accepted by the leaving process.
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient(base_url=leaving.url, timeout=2) as http:
            await http.get("/healthz")

    answer = await in_flight
    assert answer.status_code == 200
    assert answer.json()["data"]["signIn"]["__typename"] == "SignedIn"
    code, took = await wait_exit(leaving, timeout=15)
    assert code == 0, leaving.log_path.read_text()[-3000:]

    # The finished attempt left nothing behind: the same email signs in on the other process at once.
    again = (await post_sign_in(staying, email)).json()["data"]["signIn"]
    assert again["__typename"] == "SignedIn", again
    await moved.close()


GRACE = 1


@pytest.mark.server
@pytest.mark.parametrize("processes", [{**SLOWER_ARGON2, "SHUTDOWN_GRACE": str(GRACE)}], indirect=True)
async def test_past_the_grace_the_sign_in_is_answered_retryable_and_its_claim_released(processes) -> None:
    leaving, staying = processes
    email = await slow_account(leaving)

    in_flight = asyncio.create_task(post_sign_in(leaving, email))
    await asyncio.sleep(0.3)
    assert not in_flight.done()
    leaving.terminate()
    terminated = time.monotonic()

    # The attempt cut short gives its claim back before the database closes, rather than leaving it to
    # expire: the other process evaluates a new attempt right after the grace.
    while True:
        answer = (await post_sign_in(staying, email)).json()["data"]["signIn"]
        if answer["__typename"] != "TooManyAttempts":
            break
        assert time.monotonic() - terminated < GRACE + 3, "the claim outlived the process that held it"
        await asyncio.sleep(0.1)
    assert answer["__typename"] == "SignedIn", answer

    interrupted = await in_flight
    assert interrupted.status_code == 503, interrupted.text
    body = interrupted.json()
    assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert "data" not in body or body["data"] is None
    code, _ = await wait_exit(leaving, timeout=30)
    assert code == 0, leaving.log_path.read_text()[-3000:]
    # Nothing that failed under the closing database reached the log as an error with the document.
    assert "pool is closing" not in leaving.log_path.read_text()


class StallingHandler(RecordingHandler):
    """Takes its time to accept a recipient, as a busy SMTP server does."""

    def __init__(self, stall: float) -> None:
        super().__init__()
        self.stall = stall
        self.talking = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        self.talking.set()
        await asyncio.sleep(self.stall)
        envelope.rcpt_tos.append(address)
        return "250 OK"


async def test_stopping_finishes_the_mail_being_sent_instead_of_cutting_the_conversation(
    clean_backend: Backend, clock: FrozenClock
) -> None:
    handler = StallingHandler(stall=1.5)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = create_app(test_settings(clean_backend, smtp_url=f"smtp://127.0.0.1:{port}"), clock=clock)
        async with LifespanManager(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
                client = GraphQLClient(http)
                await client.data(SIGN_UP, {"input": {"email": "ada@example.com", "password": PASSWORD}})
                for delay in (1, 2, 4, 8, 16, 0):  # the sixth failure locks and queues the lockout mail
                    await client.data(SIGN_IN, {"input": {"email": "ada@example.com", "password": "wrong password"}})
                    clock.advance(delay)
            deadline = time.monotonic() + 10
            while not handler.talking.is_set():
                assert time.monotonic() < deadline, "the lockout mail was never sent"
                await asyncio.sleep(0.02)
        # The lifespan ended (the process is stopping) in the middle of the SMTP conversation.
        assert [mail.rcpt_tos for mail in handler.received] == [["ada@example.com"]]
    finally:
        controller.stop()


@pytest.mark.usefixtures("db")
async def test_a_sender_cancelled_mid_send_gives_its_claimed_mail_back_at_once(clock: FrozenClock) -> None:
    handler = StallingHandler(stall=5)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        await enqueue(notification(), now=clock.now())
        mails = sender(clock, f"smtp://127.0.0.1:{controller.port}")
        running = asyncio.create_task(mails.run())
        deadline = time.monotonic() + 10
        while not handler.talking.is_set():
            assert time.monotonic() < deadline, "the mail was never sent"
            await asyncio.sleep(0.02)
        running.cancel()  # stuck past the stop's wait: the process must go
        await asyncio.gather(running, return_exceptions=True)
        assert await mails.release_held() == 1
        # Another process's sender takes it on its next pass, not when the claim would have expired.
        other, recording = start_smtp()
        try:
            assert await sender(clock, f"smtp://127.0.0.1:{other.port}").deliver_due() == 1
            assert [mail.rcpt_tos for mail in recording.received] == [["ada@example.com"]]
        finally:
            other.stop()
    finally:
        controller.stop()
