"""The hash pool seen through the API: a flood queues behind itself, deadlines never overlap more hashes
than HASH_CONCURRENCY, and changePassword spends no more argon2 runs than its rules need."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from auth.hash_pool import hash_charge
from tests.support.actors import PASSWORD, User
from tests.support.graphql import CHANGE_PASSWORD, SIGN_IN, SIGN_UP, GraphQLClient, change_password

VICTIM_PASSWORD = "the victim's own passphrase"
ATTACKER_IP = "198.51.100.66"
VICTIM_IP = "203.0.113.20"


@dataclass
class Argon2Recorder:
    """Wraps the app's argon2 hasher: records which password every run is for, in the order runs start.

    While ``gate`` is closed every run waits in its thread, so the test can line requests up in the pool;
    each release of ``permits`` lets one waiting run end.
    """

    real: object
    gate: threading.Event = field(default_factory=threading.Event)
    permits: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    started: list[str] = field(default_factory=list)
    inside: int = 0
    peak: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _run(self, password: bytes, run):
        with self.lock:
            self.started.append(password.decode("utf-8", "surrogatepass"))
            self.inside += 1
            self.peak = max(self.peak, self.inside)
        try:
            deadline = time.monotonic() + 20
            while not self.gate.is_set() and not self.permits.acquire(timeout=0.005):
                if time.monotonic() > deadline:
                    break
            return run()
        finally:
            with self.lock:
                self.inside -= 1

    def hash(self, password: bytes) -> str:
        return self._run(password, lambda: self.real.hash(password))

    def verify(self, password_hash: str, password: bytes) -> bool:
        return self._run(password, lambda: self.real.verify(password_hash, password))

    def check_needs_rehash(self, password_hash: str) -> bool:
        return self.real.check_needs_rehash(password_hash)


@pytest.fixture
def argon2(app) -> Argon2Recorder:
    """The app's argon2 runs, recorded; the gate starts open."""
    hasher = app.state.services.hasher
    recorder = Argon2Recorder(hasher._hasher)
    recorder.gate.set()
    hasher._hasher = recorder
    return recorder


@pytest.fixture
async def client_at(app) -> AsyncIterator:
    """Factory of clients connecting from a given IP address."""
    clients: list[httpx.AsyncClient] = []

    def make(ip: str) -> GraphQLClient:
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(ip, 40000)), base_url="http://testserver"
        )
        clients.append(http)
        return GraphQLClient(http)

    yield make
    for http in clients:
        await http.aclose()


async def signed_up(client: GraphQLClient, email: str, password: str = PASSWORD) -> GraphQLClient:
    payload = (await client.data(SIGN_UP, {"input": {"email": email, "password": password}}))["signUp"]
    assert payload["__typename"] == "SignedIn", payload
    return client


async def until(condition, what: str) -> None:
    """Wait (bounded) for ``condition()``: requests reach the pool through a few database round trips."""
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what}")


async def submitted_count(app) -> list[int]:
    """Counts hashes the flows ask for (before any queueing), whatever the pool does with them."""
    hasher = app.state.services.hasher
    count = [0]
    for name in ("hash", "verify"):
        real = getattr(hasher, name)

        async def counting(*args, _real=real, **kwargs):
            count[0] += 1
            return await _real(*args, **kwargs)

        setattr(hasher, name, counting)
    return count


FLOODS = {
    "changePassword": lambda i: (
        CHANGE_PASSWORD,
        {"input": {"currentPassword": PASSWORD, "newPassword": f"new {i:08d}"}},
    ),
    "signIn unknown email": lambda i: (
        SIGN_IN,
        {"input": {"email": f"nobody{i}@example.com", "password": f"guess {i}"}},
    ),
}


@pytest.mark.parametrize("flood", FLOODS)
@pytest.mark.parametrize(
    "concurrency",
    [
        pytest.param(1, marks=pytest.mark.settings(hash_concurrency=1), id="1-slot"),
        pytest.param(2, marks=pytest.mark.settings(hash_concurrency=2), id="2-slots"),
    ],
)
async def test_a_flood_from_four_accounts_cannot_make_a_victim_wait_behind_it(
    app, argon2: Argon2Recorder, client_at, concurrency: int, flood: str
) -> None:
    attackers = [await signed_up(client_at(ATTACKER_IP), f"attacker{i}@example.com") for i in range(4)]
    await signed_up(client_at(VICTIM_IP), "victim@example.com", VICTIM_PASSWORD)
    submitted = await submitted_count(app)
    argon2.started.clear()
    argon2.gate.clear()

    # Each attacker account has a request hashing; `concurrency` of them run (held at the gate), the rest wait.
    document = FLOODS[flood]
    attacks = [asyncio.create_task(a.execute(*document(i))) for i, a in enumerate(attackers)]
    await until(lambda: submitted[0] == 4 and len(argon2.started) == concurrency, "the attackers' hashes")
    victim = asyncio.create_task(
        client_at(VICTIM_IP).data(SIGN_IN, {"input": {"email": "victim@example.com", "password": VICTIM_PASSWORD}})
    )
    await until(lambda: submitted[0] == 5, "the victim's verify")
    await asyncio.sleep(0.05)  # let it take its place in the queue
    # Runs end one at a time, and the run that takes each freed slot starts before the next one ends,
    # so the order of starts is the order in which freed slots were given.
    while VICTIM_PASSWORD not in argon2.started:
        count = len(argon2.started)
        argon2.permits.release()
        await until(lambda: len(argon2.started) > count, "the run given the freed slot")  # noqa: B023
    argon2.gate.set()

    assert (await victim)["signIn"]["__typename"] == "SignedIn"
    outcomes = [await attack for attack in attacks]
    expected = "PasswordChanged" if flood == "changePassword" else "InvalidCredentials"
    assert [next(iter(o["data"].values()))["__typename"] for o in outcomes] == [expected] * 4  # nothing lost
    # Only the runs already holding a slot when the victim came start before it: the first slot freed is its.
    assert argon2.started.index(VICTIM_PASSWORD) == concurrency, argon2.started
    assert argon2.peak <= concurrency


@pytest.mark.settings(hash_concurrency=1, request_timeout=1)
async def test_requests_cut_off_by_the_deadline_never_overlap_more_hashes_than_the_pool(
    app, argon2: Argon2Recorder, client_at
) -> None:
    await signed_up(client_at(VICTIM_IP), "victim@example.com", VICTIM_PASSWORD)
    submitted = await submitted_count(app)
    argon2.started.clear()
    argon2.gate.clear()
    sign_ins = [
        client_at(f"198.51.100.{i}").post(
            SIGN_IN, {"input": {"email": f"someone{i}@example.com", "password": f"guess number {i}"}}
        )
        for i in range(4)
    ]
    responses = await asyncio.gather(*sign_ins)
    assert [r.status_code for r in responses] == [503] * 4
    victim = asyncio.create_task(
        client_at(VICTIM_IP).data(SIGN_IN, {"input": {"email": "victim@example.com", "password": VICTIM_PASSWORD}})
    )
    await until(lambda: submitted[0] == 5, "the victim's verify")
    await asyncio.sleep(0.05)
    # The cut-off run's thread is not done, so it still holds the only slot: the victim waits for it.
    assert argon2.peak == 1 and len(argon2.started) == 1
    pool = app.state.services.hasher.pool
    assert (pool.running, pool.waiting) == (1, 1)  # the cut-off waiting ones left the queue
    argon2.gate.set()
    assert (await victim)["signIn"]["__typename"] == "SignedIn"
    assert argon2.peak == 1
    assert (pool.running, pool.waiting) == (0, 0)


async def test_change_password_spends_only_the_runs_its_rules_need(user: User, argon2: Argon2Recorder) -> None:
    passwords = [PASSWORD] + [f"passphrase number {n}" for n in range(1, 5)]
    for current, new in zip(passwords, passwords[1:], strict=False):
        assert (await change_password(user.browser, current, new))["__typename"] == "PasswordChanged"
    current = passwords[-1]  # the four before it are the history

    argon2.started.clear()
    assert (await change_password(user.browser, current, current))["code"] == "PASSWORD_REUSED"
    assert argon2.started == [current]  # the current password is told apart without a second run

    argon2.started.clear()
    assert (await change_password(user.browser, current, passwords[-2]))["code"] == "PASSWORD_REUSED"
    assert argon2.started == [current, passwords[-2]]  # the newest history entry matched: stop there

    argon2.started.clear()
    assert (await change_password(user.browser, current, passwords[0]))["code"] == "PASSWORD_REUSED"
    assert argon2.started == [current] + [passwords[0]] * 4  # the oldest one still counts

    argon2.started.clear()
    assert (await change_password(user.browser, current, "a fresh passphrase"))["__typename"] == "PasswordChanged"
    assert argon2.started == [current] + ["a fresh passphrase"] * 5  # verify, four history checks, one hash

    argon2.started.clear()
    assert (await change_password(user.browser, "not the password", "another fresh one"))[
        "code"
    ] == "INVALID_CREDENTIALS"
    assert argon2.started == ["not the password"]  # a wrong guess costs one run, the history is not read


@pytest.mark.skipif(sys.platform != "linux", reason="nice values are per thread on Linux only")
@pytest.mark.settings(hash_niceness=7)
async def test_the_app_hashes_below_the_event_loop_priority(app) -> None:
    def own_nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    pool = app.state.services.hasher.pool
    hashed = await pool.run(hash_charge("ada@example.com", "203.0.113.7"), own_nice)
    assert hashed == min(19, own_nice() + 7)
