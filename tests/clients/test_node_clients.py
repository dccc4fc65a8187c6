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
def generated() -> Iterator[subprocess.Popen[str]]:
    """Typed operations and possibleTypes generated from the schema.graphql of this checkout, and
    `tsc --strict` started on them: it compiles while the scenarios run, and the last test reads its verdict."""
    node()
    done = subprocess.run(
        [bin_path("graphql-codegen"), "--config", "codegen.ts"],
        cwd=CLIENTS,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    command = [bin_path("tsc"), "--noEmit", "-p", "tests/clients"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as tsc:
        yield tsc
        if tsc.poll() is None:
            tsc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = client_server(tmp_path_factory.mktemp("clients"))
    yield process
    process.stop()


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
def seen(generated: subprocess.Popen[str], server: ServerProcess) -> dict[str, dict[str, Any]]:
    """What each scenario saw; they run at once, as most of their time is spent waiting for the server."""
    log_guard.note("password", PASSWORD)

    async def all_scenarios() -> list[dict[str, Any]]:
        return await asyncio.gather(*(_scenario(script, server) for script in SCENARIOS))

    return dict(zip(SCENARIOS, asyncio.run(all_scenarios()), strict=True))


@pytest.mark.parametrize("client", ["apollo", "urql"])
def test_the_readme_recipe_holds_in_a_normalised_cache(seen: dict[str, dict[str, Any]], client: str) -> None:
    """Sign-in kinds, the live list, the revoked entity gone, SESSION_ENDED without a reconnect."""
    observed = seen[client]
    laptop, phone, tablet = (observed["sessions"][k] for k in ("laptop", "phone", "tablet"))
    # A WEB sign-in gets its token only as the cookie (beside the known-device one); the laptop's socket
    # authenticated with that cookie.
    assert observed["signUp"] == {"typename": "SignedIn", "token": None}
    assert sorted(observed["cookies"]) == ["device", "session"]
    assert observed["revoked"]["__typename"] == "SessionRevoked"
    # The recipe's update removed the revoked session from the normalised cache and the cached list.
    before, after = observed["beforeRevoke"], observed["afterRevoke"]
    assert set(before["list"]) == {laptop, phone, tablet}
    assert before["session"]["id"] == phone
    assert set(after["list"]) == {laptop, tablet}
    assert after["session"] is None
    # The subscription is the source of truth: the whole list first, then the list without the phone.
    assert set(observed["laptopLists"][0]) == {laptop, phone, tablet}
    assert set(observed["laptopLists"][-1]) == {laptop, tablet}
    assert observed["phoneEnded"] == [ENDED]
    assert observed["laptopEnded"] == [ENDED]
    assert observed["phoneSocket"] == ONE_CONNECTION_CLOSED_4403
    assert observed["laptopSocket"] == ONE_CONNECTION_CLOSED_4403
    # An error union member read through `... on Error` alone, matched by the generated possibleTypes.
    assert observed["notFound"]["__typename"] == "NotFound"
    assert observed["notFound"]["code"] == "NOT_FOUND"
    assert observed["notFound"]["message"]


def test_apollo_cannot_read_an_error_without_possible_types(seen: dict[str, dict[str, Any]]) -> None:
    """The control: the same document through a cache without possibleTypes gets no `code` or `message`."""
    assert seen["apollo"]["withoutPossibleTypes"] == {"__typename": "NotFound"}


def test_eager_reference_client_on_the_cookie(seen: dict[str, dict[str, Any]]) -> None:
    reference = seen["reference"]
    assert len(reference["firstList"]) == 2
    assert reference["revoked"] == "SessionRevoked"
    assert reference["ended"] == [ENDED]
    assert reference["socket"] == ONE_CONNECTION_CLOSED_4403


def test_generated_operations_compile_under_tsc_strict(generated: subprocess.Popen[str]) -> None:
    output, _ = generated.communicate(timeout=180)
    assert generated.returncode == 0, output
