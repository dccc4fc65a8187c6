"""Fixtures: a backend per run (SQLite + memory, and PostgreSQL + Redis), the app, a clock and actors."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager
from tortoise.backends.base.executor import EXECUTOR_CACHE

from auth.clock import FrozenClock
from tests.support.databases import (
    REQUIRE_SERVICES,
    Backend,
    drop_postgres,
    postgres_backend,
    reachable,
    sqlite_backend,
)
from tests.support.graphql import SIGN_UP, GraphQLClient

# Every test's logs are searched for the secrets it used.
from tests.support.log_guard import secrets_stay_out_of_logs  # noqa: F401
from workestra.app import create_app
from workestra.settings import Settings

PASSWORD = "correct horse battery staple"
# A fixed key, so tests never write a development key file and stored secrets open across app instances.
TEST_SECRET_KEY = "test-secret-key-0123456789abcdefghijklmnopqrstuv"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """Each API test runs on SQLite + in-process events and on PostgreSQL + Redis."""
    # Tortoise caches INSERT statements per (connection name, table), not per dialect; one process
    # that switches from SQLite to PostgreSQL must forget the SQLite ones.
    EXECUTOR_CACHE.clear()
    if request.param == "sqlite":
        yield sqlite_backend(tmp_path_factory.mktemp("sqlite"))
        return
    if not (reachable("127.0.0.1", 5432) and reachable("127.0.0.1", 6379)):
        message = "PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are required"
        if REQUIRE_SERVICES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message + " for this backend; set REQUIRE_SERVICES=1 to make this an error")
    postgres, name = postgres_backend()
    try:
        yield postgres
    finally:
        drop_postgres(name)


@pytest.fixture
def clean_backend(backend: Backend) -> Backend:
    """The backend with every table emptied."""
    backend.wipe()
    return backend


@pytest.fixture
def clock() -> FrozenClock:
    """The app's clock; tests move it instead of sleeping."""
    return FrozenClock()


def test_settings(backend: Backend, **overrides: object) -> Settings:
    """Settings for an in-process app on ``backend``: cheapest argon2, a private event channel."""
    base = Settings(
        environment="test",
        database_url=backend.database_url,
        broadcast_url=backend.broadcast_url,
        broadcast_channel=f"workestra-test-{uuid.uuid4().hex}",
        argon2_time_cost=1,
        argon2_memory_cost=8,
        argon2_parallelism=1,
        hash_concurrency=4,
        secret_key=TEST_SECRET_KEY,
    )
    return base.with_overrides(**overrides)


test_settings.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture
def settings(request: pytest.FixtureRequest, clean_backend: Backend) -> Settings:
    """Settings of the app under test; ``@pytest.mark.settings(name=value)`` overrides fields."""
    marker = request.node.get_closest_marker("settings")
    return test_settings(clean_backend, **(marker.kwargs if marker else {}))


@pytest.fixture
async def app(settings: Settings, clock: FrozenClock) -> AsyncIterator[object]:
    """The application with its lifespan running (database connected, event bus up)."""
    application = create_app(settings, clock=clock)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def http(app: object) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


@pytest.fixture
def anonymous(http: httpx.AsyncClient) -> GraphQLClient:
    """A client with no credentials."""
    return GraphQLClient(http)


@pytest.fixture
async def make_client(app: object) -> AsyncIterator:
    """Factory of independent clients (separate cookie jars), like separate devices."""
    clients: list[httpx.AsyncClient] = []

    def make(**headers: str) -> GraphQLClient:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        clients.append(http)
        return GraphQLClient(http, headers=headers)

    yield make
    for client in clients:
        await client.aclose()


@dataclass
class User:
    """A signed-up person and the browser they signed up with."""

    email: str
    password: str
    id: str
    browser: GraphQLClient
    session_id: str


@pytest.fixture
async def user(make_client) -> User:
    """A person signed in on a web browser (cookie)."""
    return await sign_up_user(make_client, "ada@example.com")


@pytest.fixture
async def other_user(make_client) -> User:
    """Another person, for isolation tests."""
    return await sign_up_user(make_client, "grace@example.com")


async def sign_up_user(make_client, email: str, password: str = PASSWORD) -> User:
    """Sign up through the API with a fresh browser."""
    browser = make_client()
    data = await browser.data(SIGN_UP, {"input": {"email": email, "password": password}})
    payload = data["signUp"]
    assert payload["__typename"] == "SignedIn", payload
    return User(email, password, payload["account"]["id"], browser, payload["session"]["id"])
