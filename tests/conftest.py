"""Fixtures: a backend per run (SQLite + memory, and PostgreSQL + Redis), the app, a clock and actors.

The actors (``user``, ``other_user``, ``user_with_totp``, ``locked_user``, ``signed_in_client``,
``api_key_client``) live here and nowhere else; the helpers tests share are in ``tests/support/``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from tortoise.backends.base.executor import EXECUTOR_CACHE

from auth.clock import FrozenClock
from tests.support.actors import (
    PASSWORD,
    ApiKeyClient,
    TotpUser,
    User,
    create_api_key,
    enroll_totp,
    key_client,
    lock_out,
    sign_up_user,
)
from tests.support.databases import (
    REQUIRE_SERVICES,
    Backend,
    drop_postgres,
    postgres_backend,
    reachable,
    sqlite_backend,
)
from tests.support.graphql import SIGN_IN, GraphQLClient

# Every test's logs are searched for the secrets it used.
from tests.support.log_guard import secrets_stay_out_of_logs  # noqa: F401
from tests.support.settings import test_settings
from workestra.app import create_app
from workestra.settings import Settings

# Fixtures more than one test module needs, each defined once: SMTP servers, live servers, the browser.
pytest_plugins = ["tests.support.mail", "tests.support.live", "tests.support.browser"]


@pytest.fixture(scope="session")
def made_backends() -> Iterator[dict[str, Backend]]:
    """The backends this process made, kept until the end of the run.

    Under ``make test``'s workers a module's SQLite tests run just before its PostgreSQL ones, so the
    ``backend`` parameter changes at every module: each backend is made (and migrated) once, not each time.
    """
    made: dict[str, Backend] = {}
    try:
        yield made
    finally:
        for name in [backend.database_name for backend in made.values() if backend.is_postgres]:
            drop_postgres(name)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(
    request: pytest.FixtureRequest, made_backends: dict[str, Backend], tmp_path_factory: pytest.TempPathFactory
) -> Backend:
    """Each API test runs on SQLite + in-process events and on PostgreSQL + Redis."""
    # Tortoise caches INSERT statements per (connection name, table), not per dialect; one process
    # that switches from SQLite to PostgreSQL must forget the SQLite ones.
    EXECUTOR_CACHE.clear()
    if request.param in made_backends:
        return made_backends[request.param]
    if request.param == "sqlite":
        made_backends["sqlite"] = sqlite_backend(tmp_path_factory.mktemp("sqlite"))
        return made_backends["sqlite"]
    if not (reachable("127.0.0.1", 5432) and reachable("127.0.0.1", 6379)):
        message = "PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are required"
        if REQUIRE_SERVICES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message + " for this backend; set REQUIRE_SERVICES=1 to make this an error")
    made_backends["postgres"], _ = postgres_backend()
    return made_backends["postgres"]


@pytest.fixture
def clean_backend(backend: Backend) -> Backend:
    """The backend with every table emptied."""
    backend.wipe()
    return backend


@pytest.fixture
def clock() -> FrozenClock:
    """The app's clock; tests move it instead of sleeping."""
    return FrozenClock()


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


@pytest.fixture
async def user(make_client) -> User:
    """A person signed in on a web browser (cookie): ``user.browser`` is the signed-in client."""
    return await sign_up_user(make_client, "ada@example.com")


@pytest.fixture
def signed_in_client(user: User) -> GraphQLClient:
    """The client of ``user``'s signed-in browser session, for tests about what one session may do."""
    return user.browser


@pytest.fixture
async def other_user(make_client) -> User:
    """Another person, for isolation tests."""
    return await sign_up_user(make_client, "grace@example.com")


@pytest.fixture
async def user_with_totp(user: User, clock: FrozenClock) -> TotpUser:
    """``user`` after enrolling: 2FA on, enabled with the code of the current step."""
    return await enroll_totp(user, clock)


@pytest.fixture
async def locked_user(user: User, make_client, clock: FrozenClock) -> User:
    """``user`` whose account another client has locked with six wrong passwords."""
    await lock_out(make_client(), user.email, clock)
    refused = await make_client().data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    assert refused["signIn"]["__typename"] == "AccountLocked", refused
    return user


@pytest.fixture
async def api_key_client(user: User, make_client) -> ApiKeyClient:
    """A client authenticated by an API key that ``user`` created (no expiry)."""
    created = await create_api_key(user.browser)
    assert created["__typename"] == "ApiKeyCreated", created
    return ApiKeyClient(key_client(make_client, created["secret"]), created)
