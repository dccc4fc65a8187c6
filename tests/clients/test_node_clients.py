"""Apollo Client 4, urql 6 (each over graphql-ws) and the bare graphql-ws client against a real uvicorn.

Each scenario (tests/clients/src/*.ts) signs a browser-style laptop up with a cookie jar and two
mobile-style devices in with bearer tokens, follows the `activeSessions` subscription as the README's
recipe says, revokes the phone from the laptop (the cache and the list drop it; the phone's subscription
is told SESSION_ENDED and its client does not reconnect), has the tablet revoke the laptop (its
cookie-authenticated socket is told too), and reads an error union member through `... on Error` with
the generated possibleTypes. The bare reference client runs eager (`lazy: false`), the case where only
`shouldRetry` stops a reconnect, on the browser's cookie. Each scenario prints what it saw as one JSON
line; the assertions are here.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import log_guard
from tests.support.actors import PASSWORD
from tests.support.clients import CLIENTS, bin_path, client_server, node
from tests.support.server import ROOT, ServerProcess

pytestmark = pytest.mark.server

# graphql-ws's first retry comes 1.3-4 s after a close; watching longer shows there is none.
WATCH_MS = 4500
ENDED = {"code": "SESSION_ENDED", "reason": "REVOKED", "message": "Your session ended; sign in again."}
ONE_CONNECTION_CLOSED_4403 = {"connecting": 1, "closeCodes": [4403]}
SCENARIOS = ("apollo", "urql", "reference")


@pytest.fixture(scope="module")
def generated() -> None:
    """Typed operations and possibleTypes generated from the schema.graphql of this checkout."""
    node()
    done = subprocess.run(
        [bin_path("graphql-codegen"), "--config", "codegen.ts"],
        cwd=CLIENTS,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = client_server(tmp_path_factory.mktemp("clients"))
    yield process
    process.stop()


def test_generated_operations_compile_under_tsc_strict(generated: None) -> None:
    done = subprocess.run(
        [bin_path("tsc"), "--noEmit", "-p", "tests/clients"], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr


async def _scenario(script: str, server: ServerProcess) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        bin_path("tsx"),
        f"src/{script}.ts",
        server.url,
        f"{script}-{uuid.uuid4().hex[:10]}@example.com",
        str(WATCH_MS),
        cwd=CLIENTS,
        env={**os.environ, "CLIENT_PASSWORD": PASSWORD},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0, err.decode()[-3000:]
    return json.loads(out.decode().splitlines()[-1])


@pytest.fixture(scope="module")
def seen(generated: None, server: ServerProcess) -> dict[str, dict[str, Any]]:
    """What each scenario saw; they run at once, as most of their time is spent waiting for the server."""
    log_guard.note("password", PASSWORD)

    async def all_scenarios() -> list[dict[str, Any]]:
        return await asyncio.gather(*(_scenario(script, server) for script in SCENARIOS))

    return dict(zip(SCENARIOS, asyncio.run(all_scenarios()), strict=True))


def _assert_the_recipe_held(seen: dict[str, Any]) -> None:
    """What both clients must show: sign-in kinds, the live list, SESSION_ENDED without a reconnect."""
    laptop, phone, tablet = (seen["sessions"][k] for k in ("laptop", "phone", "tablet"))
    # A WEB sign-in gets its token only as the cookie; the laptop's socket authenticated with that cookie.
    assert seen["signUp"] == {"typename": "SignedIn", "token": None}
    assert seen["cookies"] == ["session"]
    assert seen["revoked"]["__typename"] == "SessionRevoked"
    assert set(seen["listAfterRevoke"]) == {laptop, tablet}
    # The subscription is the source of truth: the whole list first, then the list without the phone.
    assert set(seen["laptopLists"][0]) == {laptop, phone, tablet}
    assert set(seen["laptopLists"][-1]) == {laptop, tablet}
    assert seen["phoneEnded"] == [ENDED]
    assert seen["laptopEnded"] == [ENDED]
    assert seen["phoneSocket"] == ONE_CONNECTION_CLOSED_4403
    assert seen["laptopSocket"] == ONE_CONNECTION_CLOSED_4403
    assert seen["notFound"]["__typename"] == "NotFound"
    assert seen["notFound"]["code"] == "NOT_FOUND"
    assert seen["notFound"]["message"]


def test_apollo_client(seen: dict[str, dict[str, Any]]) -> None:
    apollo = seen["apollo"]
    _assert_the_recipe_held(apollo)
    keys = apollo["cacheKeysAfterRevoke"]
    # cache.evict + cache.gc removed the revoked session from the normalised cache, and only it.
    assert f"Session:{apollo['sessions']['phone']}" not in keys
    assert {f"Session:{apollo['sessions']['laptop']}", f"Session:{apollo['sessions']['tablet']}"} <= set(keys)
    # The same document through a cache without possibleTypes cannot read `... on Error`.
    assert apollo["withoutPossibleTypes"] == {"__typename": "NotFound"}


def test_urql_graphcache(seen: dict[str, dict[str, Any]]) -> None:
    urql = seen["urql"]
    _assert_the_recipe_held(urql)
    phone = urql["sessions"]["phone"]
    # The updater invalidated the revoked entity: a cache-only lookup finds it before, not after.
    assert urql["phoneBeforeRevoke"] == {"id": phone, "client": "MOBILE"}
    assert urql["phoneAfterRevoke"] is None


def test_eager_reference_client_on_the_cookie(seen: dict[str, dict[str, Any]]) -> None:
    reference = seen["reference"]
    assert len(reference["firstList"]) == 2
    assert reference["revoked"] == "SessionRevoked"
    assert reference["ended"] == [ENDED]
    assert reference["socket"] == ONE_CONNECTION_CLOSED_4403
