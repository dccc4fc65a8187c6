"""The GraphQL-over-HTTP conformance audit (npm ``graphql-http``, its ``serverAudits``) against a real uvicorn,
and the refusals a browser on a listed origin must be able to read, over real sockets."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.support.live import APP_ORIGIN
from tests.support.server import ROOT, ServerProcess

pytestmark = pytest.mark.server

AUDIT_SCRIPT = Path(__file__).parent / "support" / "http_audit.cjs"
NODE_MODULES = ROOT / "web" / "node_modules"


@pytest.fixture(scope="module")
def server(live_server: ServerProcess) -> ServerProcess:
    """The module's uvicorn, with default settings."""
    return live_server


def _node() -> str:
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "graphql-http").is_dir():
        if os.environ.get("REQUIRE_SERVICES") == "1" or os.environ.get("CI"):
            pytest.fail("node and web/node_modules (npm ci in web/) are required for the audit", pytrace=False)
        pytest.skip("node and web/node_modules (npm ci in web/) are needed; set REQUIRE_SERVICES=1 to require them")
    return node


async def test_the_graphql_over_http_audit_passes_without_warnings(server: ServerProcess) -> None:
    audit = await asyncio.create_subprocess_exec(
        _node(),
        str(AUDIT_SCRIPT),
        f"{server.url}/graphql",
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(audit.communicate(), 60)
    finally:
        if audit.returncode is None:
            audit.kill()
    assert audit.returncode == 0, err.decode()
    results = json.loads(out)
    failing = [f"{r['status']} {r['id']} {r['name']}: {r.get('reason')}" for r in results if r["status"] != "ok"]
    for line in failing:
        print(line)
    # graphql-http 1.23.1 has 61 server audits; fewer would mean the script stopped early.
    assert len(results) >= 60
    assert failing == []


@pytest.fixture
async def browser(server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the listed frontend origin."""
    async with httpx.AsyncClient(base_url=server.url, timeout=10, headers={"origin": APP_ORIGIN}) as client:
        yield client


def assert_readable_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"].lower() == "x-request-id"
    assert response.headers["x-content-type-options"] == "nosniff"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": code, "requestId": response.headers["x-request-id"]}


async def test_a_listed_origin_reads_the_413_of_a_declared_and_a_streamed_oversized_body(
    browser: httpx.AsyncClient,
) -> None:
    body = b'{"query": "{ __typename }", "padding": "' + b"a" * 1_000_000 + b'"}'
    headers = {"content-type": "application/json"}
    assert_readable_error(await browser.post("/graphql", content=body, headers=headers), 413, "PAYLOAD_TOO_LARGE")

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 16_384):
            yield body[start : start + 16_384]

    streamed = await browser.post("/graphql", content=chunks(), headers=headers)
    assert_readable_error(streamed, 413, "PAYLOAD_TOO_LARGE")
    # The connection and the server are fine afterwards.
    served = await browser.post("/graphql", json={"query": "{ __typename }"})
    assert served.json() == {"data": {"__typename": "Query"}}


async def test_a_listed_origin_reads_the_405s(browser: httpx.AsyncClient) -> None:
    over_get = await browser.get("/graphql", params={"query": "mutation { signOut { __typename } }"})
    assert_readable_error(over_get, 405, "METHOD_NOT_ALLOWED")
    assert over_get.headers["allow"] == "POST"
    unknown = await browser.delete("/graphql")
    assert_readable_error(unknown, 405, "METHOD_NOT_ALLOWED")
    assert unknown.headers["allow"] == "GET, POST"
