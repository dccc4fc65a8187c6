"""The Security page as the service serves it: routes, caching, the CSP, and a clear answer without a build."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from auth.clock import FrozenClock
from workestra.app import create_app
from workestra.settings import Settings, SettingsError

INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head></html>'
GRAPHIQL = '<!doctype html><html><head><script type="module" src="/assets/graphiql-abc123.js"></script></head></html>'
PAGE_PATHS = ["/", "/sign-in", "/sign-up", "/forgot-password", "/reset-password", "/settings/security"]


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A stand-in build: index.html and one hashed asset."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "graphiql.html").write_text(GRAPHIQL)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('page')")
    (tmp_path / "secret.txt").write_text("outside assets")
    return tmp_path


async def _client(settings: Settings, clock: FrozenClock, dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(settings.with_overrides(web_dist=str(dist)), clock=clock)
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
async def page(settings: Settings, clock: FrozenClock, built: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(settings, clock, built):
        yield client


@pytest.fixture
async def unbuilt(settings: Settings, clock: FrozenClock, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(settings, clock, tmp_path / "missing"):
        yield client


@pytest.mark.parametrize("path", PAGE_PATHS)
async def test_every_page_route_answers_index_html_uncached_under_a_strict_policy(
    page: httpx.AsyncClient, path: str
) -> None:
    response = await page.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self' ws://testserver"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert "unsafe" not in response.headers["content-security-policy"]


async def test_the_socket_origin_follows_https(page: httpx.AsyncClient) -> None:
    response = await page.get("https://testserver/settings/security")
    assert "connect-src 'self' wss://testserver;" in response.headers["content-security-policy"]


@pytest.mark.parametrize("host", ["evil.test; script-src *", "a b", "x'y"])
async def test_a_hostile_host_header_never_reaches_the_policy(page: httpx.AsyncClient, host: str) -> None:
    response = await page.get("/", headers={"host": host})
    policy = response.headers["content-security-policy"]
    assert "connect-src 'self';" in policy
    assert host not in policy


async def test_hashed_assets_are_cached_for_a_year(page: httpx.AsyncClient) -> None:
    response = await page.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.text == "console.log('page')"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    "path", ["/assets/missing.js", "/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/secret.txt", "/nowhere"]
)
async def test_nothing_outside_the_build_is_served(page: httpx.AsyncClient, path: str) -> None:
    response = await page.get(path)
    assert response.status_code == 404
    assert "outside assets" not in response.text


async def test_the_api_is_still_at_graphql(page: httpx.AsyncClient) -> None:
    response = await page.post("/graphql", json={"query": "{ passwordPolicy { minLength } }"})
    assert response.json() == {"data": {"passwordPolicy": {"minLength": 8}}}


@pytest.mark.parametrize("path", PAGE_PATHS)
async def test_without_a_build_the_page_says_how_to_make_one(unbuilt: httpx.AsyncClient, path: str) -> None:
    response = await unbuilt.get(path)
    assert response.status_code == 503
    assert "make serve" in response.text
    assert response.headers["cache-control"] == "no-store"
    assert (await unbuilt.get("/assets/index-abc123.js")).status_code == 404


@pytest.mark.parametrize("raw", ["", "   "])
def test_an_empty_web_dist_is_refused_at_start(raw: str) -> None:
    with pytest.raises(SettingsError, match="WEB_DIST"):
        Settings.from_env({"WEB_DIST": raw}, env_file=None)


async def test_browsers_get_the_self_hosted_graphiql_at_graphql(page: httpx.AsyncClient) -> None:
    response = await page.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.text == GRAPHIQL
    assert response.headers["cache-control"] == "no-store"
    assert "script-src 'self';" in response.headers["content-security-policy"]


async def test_without_a_build_graphiql_says_how_to_make_one(unbuilt: httpx.AsyncClient) -> None:
    response = await unbuilt.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 503
    assert "make serve" in response.text
    # The API itself does not need the build.
    answer = await unbuilt.post("/graphql", json={"query": "{ passwordPolicy { maxLength } }"})
    assert answer.json() == {"data": {"passwordPolicy": {"maxLength": 128}}}
