"""The lockout-abuse case on two uvicorn processes sharing PostgreSQL: the owner's known browser gets in."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.support.actors import PASSWORD
from tests.support.graphql import SIGN_UP, GraphQLClient
from tests.support.live import running_pair
from tests.support.server import ServerProcess

pytestmark = pytest.mark.server

SIGN_IN = """
mutation SignIn($input: SignInInput!) {
  signIn(input: $input) {
    __typename
    ... on TooManyAttempts { retryAfterSeconds }
    ... on AccountLocked { retryAfterSeconds }
  }
}"""
ATTACKER_IP = "198.51.100.7"
OWNER_IP = "203.0.113.5"


@pytest.fixture(scope="module")
def behind_proxy(backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    if not backend.is_postgres:
        pytest.skip("several processes share state through PostgreSQL and Redis; SQLite + memory:// is one process")
    with running_pair(backend, tmp_path_factory.mktemp("devices"), TRUSTED_PROXIES="127.0.0.1/32") as (a, b, _):
        yield a, b


def client(server: ServerProcess, ip: str, device_cookie: str | None = None) -> GraphQLClient:
    http = httpx.AsyncClient(base_url=server.url, timeout=60, headers={"x-forwarded-for": ip})
    if device_cookie is not None:
        http.cookies.set("device", device_cookie)
    return GraphQLClient(http)


async def attempt(who: GraphQLClient, email: str, password: str) -> tuple[str, int | None]:
    payload = (await who.data(SIGN_IN, {"input": {"email": email, "password": password}}))["signIn"]
    return payload["__typename"], payload.get("retryAfterSeconds")


async def lock_in_real_time(servers: tuple[ServerProcess, ServerProcess], email: str) -> None:
    """Wrong passwords from the attacker's address, alternating processes, each after its wait, until locked."""
    for n in range(40):
        kind, wait = await attempt(client(servers[n % 2], ATTACKER_IP), email, "wrong password")
        if kind == "AccountLocked":
            return
        if kind == "TooManyAttempts" and wait:
            await asyncio.sleep(wait)
    raise AssertionError("the email never locked")


async def locked_out_owner(a: ServerProcess, b: ServerProcess) -> tuple[str, str]:
    """A new account signed up in a browser on ``a``, its email then locked by the attacker: email and device cookie."""
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    owner = client(a, OWNER_IP)
    signed_up = await owner.data(SIGN_UP, {"input": {"email": email, "password": PASSWORD}})
    assert signed_up["signUp"]["__typename"] == "SignedIn"
    device = owner.http.cookies.get("device")
    assert device
    await lock_in_real_time((a, b), email)
    return email, device


@pytest.fixture(scope="module")
def locked_out_owners(behind_proxy: tuple[ServerProcess, ServerProcess]) -> list[tuple[str, str]]:
    """One locked-out owner per test of the module, locked side by side: the ladder's real-time waits
    (about half a minute) pass once, not once per test. Each test takes its own with ``pop``."""

    async def side_by_side() -> list[tuple[str, str]]:
        return list(await asyncio.gather(locked_out_owner(*behind_proxy), locked_out_owner(*behind_proxy)))

    return asyncio.run(side_by_side())


async def test_an_email_locked_from_elsewhere_lets_the_owners_known_browser_in_on_either_process(
    behind_proxy: tuple[ServerProcess, ServerProcess], locked_out_owners: list[tuple[str, str]]
) -> None:
    a, b = behind_proxy
    email, device = locked_out_owners.pop()
    assert (await attempt(client(a, ATTACKER_IP), email, PASSWORD))[0] == "AccountLocked"
    assert (await attempt(client(b, OWNER_IP), email, PASSWORD))[0] == "AccountLocked"  # no cookie: the email's rules

    # The known browser, on the other process, at once.
    assert (await attempt(client(b, OWNER_IP, device), email, PASSWORD))[0] == "SignedIn"
    assert (await attempt(client(a, ATTACKER_IP), email, PASSWORD))[0] == "AccountLocked"


async def test_concurrent_wrong_passwords_from_one_known_device_on_two_processes_get_one_evaluation(
    behind_proxy: tuple[ServerProcess, ServerProcess], locked_out_owners: list[tuple[str, str]]
) -> None:
    a, b = behind_proxy
    email, device = locked_out_owners.pop()

    guesses = [client(a if n % 2 else b, OWNER_IP, device) for n in range(12)]
    started = time.monotonic()
    kinds = [kind for kind, _ in await asyncio.gather(*(attempt(g, email, "wrong password") for g in guesses))]
    elapsed = time.monotonic() - started
    allowed = 1 + sum(1 for threshold in (1, 3, 7, 15, 31) if elapsed >= threshold)
    assert 1 <= kinds.count("InvalidCredentials") <= allowed
    assert set(kinds) <= {"InvalidCredentials", "TooManyAttempts"}
    # The device's own failures neither unlock the attacker nor let the attacker's address in.
    assert (await attempt(client(b, ATTACKER_IP), email, PASSWORD))[0] == "AccountLocked"
    kind, wait = await attempt(client(a, OWNER_IP, device), email, PASSWORD)
    if kind == "TooManyAttempts":  # the device's own delay, not the attacker's lock
        await asyncio.sleep(wait or 1)
        kind, _ = await attempt(client(a, OWNER_IP, device), email, PASSWORD)
    assert kind == "SignedIn"
