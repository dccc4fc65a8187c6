"""Prometheus metrics: where they are served (never the public API by default) and what they count."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from auth.clock import FrozenClock
from auth.errors import (
    AccountLocked,
    ChallengeExpired,
    InvalidCode,
    InvalidCredentials,
    IpLimitReached,
    TooManyAttempts,
)
from auth.network import parse_trusted_proxies
from schema.metrics import sign_in_outcome
from tests.support.actors import PASSWORD, TotpUser, User
from tests.support.databases import Backend
from tests.support.graphql import SIGN_IN, GraphQLClient
from tests.support.live import server_env, sign_up, subscribed
from tests.support.server import ServerProcess, free_port
from workestra.settings import Settings, SettingsError

WRONG = "wrong password"
LOCALHOST = parse_trusted_proxies("127.0.0.1")
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    """Every sample of a scrape by name and labels (the ``pid`` label of multiprocess gauges dropped)."""
    found: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = frozenset((k, v) for k, v in sample.labels.items() if k != "pid")
            key = (sample.name, labels)
            found[key] = found.get(key, 0.0) + sample.value
    return found


def value(scraped: Samples, name: str, **labels: str) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


async def scrape(http: httpx.AsyncClient) -> Samples:
    response = await http.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def attempt(client: GraphQLClient, email: str, password: str) -> str:
    return (await client.data(SIGN_IN, {"input": {"email": email, "password": password}}))["signIn"]["__typename"]


@pytest.mark.parametrize(
    ("result", "outcome"),
    [
        (IpLimitReached(5), "ip_limit"),
        (AccountLocked(900), "locked"),
        (TooManyAttempts(1), "delayed"),
        (InvalidCredentials(), "invalid"),
        (InvalidCode(), "invalid"),
        (ChallengeExpired(), "expired"),
        (object(), "success"),
    ],
)
def test_sign_in_outcomes_are_named_by_their_cause(result: object, outcome: str) -> None:
    assert sign_in_outcome(result) == outcome


async def test_metrics_are_not_on_the_public_api_by_default(http: httpx.AsyncClient) -> None:
    assert (await http.get("/metrics")).status_code == 404


@pytest.mark.settings(metrics_allowed_ips=LOCALHOST)
async def test_listed_addresses_may_scrape_the_api_port_and_nobody_else(app, http: httpx.AsyncClient) -> None:
    assert "workestra_sign_ins_total" in (await http.get("/metrics")).text
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as stranger:
        assert (await stranger.get("/metrics")).status_code == 404
    # Relayed by a proxy on a listed address: the proxy would publish them to everyone it serves.
    assert (await http.get("/metrics", headers={"x-forwarded-for": "198.51.100.7"})).status_code == 404


@pytest.mark.settings(metrics_allowed_ips=LOCALHOST)
async def test_sign_in_outcomes_lockouts_and_requests_are_counted(
    app, http: httpx.AsyncClient, user: User, make_client, clock: FrozenClock
) -> None:
    announcer = app.state.services.events
    # Announcements go out after commit, from a task of their own: the sign-up's must be out before counting.
    assert await announcer.flush(timeout=5)
    before = await scrape(http)
    client = make_client()
    assert await attempt(client, user.email, PASSWORD) == "SignedIn"
    assert await attempt(client, user.email, WRONG) == "InvalidCredentials"
    assert await attempt(client, user.email, PASSWORD) == "TooManyAttempts"  # inside the 1 s delay
    for delay in (1, 2, 4, 8, 16):
        clock.advance(delay)
        outcome = await attempt(client, user.email, WRONG)
    assert outcome == "AccountLocked"
    assert await attempt(client, user.email, PASSWORD) == "AccountLocked"
    assert (await client.execute("query { me { nope } }"))["errors"]
    assert await announcer.flush(timeout=5)
    after = await scrape(http)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    counted = {
        outcome: delta("workestra_sign_ins_total", step="password", outcome=outcome)
        for outcome in ("success", "invalid", "delayed", "locked", "ip_limit", "two_factor_required")
    }
    # Five wrong passwords answered InvalidCredentials, the sixth locked; then one refused while locked.
    assert counted == {"success": 1, "invalid": 5, "delayed": 1, "locked": 2, "ip_limit": 0, "two_factor_required": 0}
    assert delta("workestra_lockouts_total") == 1
    # The one completed sign-in announced its new session; refused and failed attempts announce nothing.
    assert delta("workestra_events_published_total") == 1
    assert delta("workestra_events_publish_failed_total") == 0
    assert delta("workestra_graphql_requests_total", operation="signIn", outcome="ok") == 9
    assert delta("workestra_graphql_requests_total", operation="me", outcome="rejected") == 1
    assert delta("workestra_graphql_request_duration_seconds_count", operation="signIn") == 9


@pytest.mark.settings(metrics_allowed_ips=LOCALHOST, ip_failure_limit=2)
async def test_the_per_ip_cap_and_the_second_factor_have_their_own_outcomes(
    http: httpx.AsyncClient,
    user_with_totp: TotpUser,
    make_client,
) -> None:
    before = await scrape(http)
    client = make_client()
    assert await attempt(client, user_with_totp.user.email, PASSWORD) == "TwoFactorRequired"
    for i in range(2):
        assert await attempt(client, f"guess{i}@example.com", WRONG) == "InvalidCredentials"
    assert await attempt(client, "guess9@example.com", WRONG) == "TooManyAttempts"
    after = await scrape(http)
    for outcome, count in (("two_factor_required", 1), ("invalid", 2), ("ip_limit", 1), ("delayed", 0)):
        assert (
            value(after, "workestra_sign_ins_total", step="password", outcome=outcome)
            - value(before, "workestra_sign_ins_total", step="password", outcome=outcome)
            == count
        ), outcome


@pytest.mark.settings(metrics_allowed_ips=LOCALHOST, smtp_url=f"smtp://127.0.0.1:{free_port()}")
async def test_the_outbox_gauges_show_mail_that_cannot_be_delivered(
    app, http: httpx.AsyncClient, user: User, make_client, clock: FrozenClock
) -> None:
    client = make_client()
    for delay in (1, 2, 4, 8, 16, 0):  # the sixth failure locks and queues the lockout mail
        await attempt(client, user.email, WRONG)
        clock.advance(delay)
    clock.advance(120)
    await app.state.services.refresh_metrics()
    scraped = await scrape(http)
    assert value(scraped, "workestra_outbox_pending") == 1
    assert value(scraped, "workestra_outbox_oldest_pending_age_seconds") == 120
    assert value(scraped, "workestra_dead_mails") == 0
    assert value(scraped, "workestra_event_bus_up") == 1


@pytest.fixture
def metrics_server(backend: Backend, tmp_path) -> Iterator[ServerProcess]:
    port = free_port()
    env = server_env(backend, tmp_path, METRICS_PORT=str(port))
    server = ServerProcess(env, tmp_path / "server.log").start()
    server.metrics_url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        server.stop()


async def scrape_url(url: str) -> Samples:
    async with httpx.AsyncClient(base_url=url, timeout=5) as http:
        return await scrape(http)


async def eventually(url: str, name: str, expected: float, **labels: str) -> None:
    """The gauge reaches ``expected`` within a couple of seconds (a closed socket is counted out on its task)."""
    for _ in range(40):
        if value(await scrape_url(url), name, **labels) == expected:
            return
        await asyncio.sleep(0.05)
    assert value(await scrape_url(url), name, **labels) == expected


@pytest.mark.server
async def test_a_metrics_port_counts_sockets_and_subscriptions_and_the_api_port_has_no_metrics(
    metrics_server: ServerProcess,
) -> None:
    async with httpx.AsyncClient(base_url=metrics_server.url) as api:
        assert (await api.get("/metrics")).status_code == 404
    _, laptop = await sign_up(metrics_server)
    sockets = [await subscribed(metrics_server, laptop) for _ in range(3)]
    scraped = await scrape_url(metrics_server.metrics_url)
    assert value(scraped, "workestra_websocket_connections") == 3
    assert value(scraped, "workestra_subscriptions") == 3
    assert value(scraped, "workestra_sign_ins_total", step="password", outcome="success") == 0
    for socket, _ in sockets:
        await socket.close()
    await eventually(metrics_server.metrics_url, "workestra_websocket_connections", 0)
    await eventually(metrics_server.metrics_url, "workestra_subscriptions", 0)


@pytest.mark.server
async def test_several_workers_are_summed_on_one_metrics_port(backend: Backend, tmp_path) -> None:
    if not backend.is_postgres:
        pytest.skip("several workers share state through PostgreSQL and Redis")
    port = free_port()
    env = server_env(backend, tmp_path, METRICS_PORT=str(port))
    server = ServerProcess(env, tmp_path / "server.log", workers=2).start()
    try:
        _, laptop = await sign_up(server)
        # Each connection lands on whichever worker accepts it; the scrape sums them all.
        sockets = [await subscribed(server, laptop) for _ in range(6)]
        scraped = await scrape_url(f"http://127.0.0.1:{port}")
        assert value(scraped, "workestra_websocket_connections") == 6
        assert value(scraped, "workestra_sign_ins_total", step="password", outcome="success") == 0
        assert value(scraped, "workestra_graphql_requests_total", operation="signUp", outcome="ok") == 1
        for socket, _ in sockets:
            await socket.close()
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"METRICS_PORT": "70000"}, "METRICS_PORT must be a TCP port"),
        ({"METRICS_PORT": "8000", "PORT": "8000"}, "METRICS_PORT must differ from PORT"),
        ({"METRICS_PORT": "-1"}, "METRICS_PORT must be at least 0"),
        ({"METRICS_ALLOWED_IPS": "10.0.0.0/8, not-an-ip"}, "METRICS_ALLOWED_IPS must be"),
        ({"METRICS_REFRESH_INTERVAL": "0"}, "METRICS_REFRESH_INTERVAL must be at least 1"),
        ({"SHUTDOWN_GRACE": "0"}, "SHUTDOWN_GRACE must be at least 1"),
    ],
)
def test_metrics_and_shutdown_settings_are_validated(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environ, env_file=None)


def test_metrics_settings_are_read() -> None:
    settings = Settings.from_env(
        {"METRICS_PORT": "9464", "METRICS_ALLOWED_IPS": "10.1.2.3 192.168.0.0/16"}, env_file=None
    )
    assert settings.metrics_port == 9464 and settings.metrics_enabled
    assert [str(network) for network in settings.metrics_allowed_ips] == ["10.1.2.3/32", "192.168.0.0/16"]
    assert not Settings.from_env({}, env_file=None).metrics_enabled
