"""A property-based fuzz of the committed schema: no 5xx, no unmasked internals, for any document.

hypothesis-graphql builds queries and mutations from ``schema.graphql`` (valid ones, and ones with a
single schema violation); each is POSTed through the in-process app, by an anonymous client and by a
signed-in browser (cookie), in test and in production mode. Every response must be a 200 (or a clear
400/413 refusal), be JSON, name no Python internals, and carry no INTERNAL_SERVER_ERROR: any
unexpected exception in a resolver is a bug, even when production masks it well.

Hypothesis drives the examples from a worker thread; each example runs on the test's own event loop,
so the fixtures' app (lifespan, database, event bus) is shared by all examples of one test. The
database is wiped per test, not per example: mutations pile up state, as in real traffic.

Each kind of client gets the same documents on every backend (the seed comes from its name). Making
them is most of the fuzz's CPU, so the first backend's run keeps the list and the other backends'
runs in the same process send that list again, in order, rather than have Hypothesis make it anew.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import zlib
from collections.abc import Awaitable, Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import build_schema
from hypothesis import HealthCheck, Phase, given, note, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, mutations, nodes, queries

from tests.support.actors import PASSWORD
from tests.support.graphql import BROWSER_UA, SIGN_UP

ROOT = Path(__file__).resolve().parents[1]
SDL = (ROOT / "schema.graphql").read_text(encoding="utf-8")
# The per-client parse budget is off: every fuzzed document is fresh and comes from one client, and the fuzz
# is about what the schema does with each of them, not about the budget (tests/test_parse_budget.py).
# Fuzzed signUps spend the per-IP sign-up budget that the signed-in browser needs to sign up again
# after a fuzzed sign-out: the fuzz is about answers, not that limit (test_client_ip_api covers it).
UNBUDGETED = {"parse_cpu_ms_per_second": 0, "signup_ip_limit": 100_000}
PRODUCTION = {"environment": "production", "secret_key": "x" * 40, **UNBUDGETED}

# Examples per test. Eight tests (test/production x anonymous/signed-in x SQLite/PostgreSQL) share a
# budget of under a minute; FUZZ_EXAMPLES=5000 makes a deeper run (a new seed: FUZZ_SEED=anything).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
SEED = os.environ.get("FUZZ_SEED", "")

# DateTime is a custom scalar: well-formed ISO strings (naive, UTC, any year 1..9999) and junk.
DATETIMES = st.one_of(
    st.datetimes(timezones=st.none() | st.just(UTC)).map(lambda moment: moment.isoformat()),
    st.text(max_size=40),
).map(nodes.String)
CUSTOM_SCALARS = {"DateTime": DATETIMES}
_SCHEMA = build_schema(SDL)
QUERY_FIELDS = sorted(_SCHEMA.query_type.fields)
MUTATION_FIELDS = sorted(_SCHEMA.mutation_type.fields)
# Every root field on its own (so each resolver gets its share of examples), whole random operations,
# and operations with one schema violation each (wrong type, missing argument...), which must be refused cleanly.
DOCUMENTS = st.one_of(
    *(queries(SDL, fields=[name], custom_scalars=CUSTOM_SCALARS) for name in QUERY_FIELDS),
    *(mutations(SDL, fields=[name], custom_scalars=CUSTOM_SCALARS) for name in MUTATION_FIELDS),
    queries(SDL, custom_scalars=CUSTOM_SCALARS),
    mutations(SDL, custom_scalars=CUSTOM_SCALARS),
    from_schema(SDL, custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE),
)

# Codes of the errors the API raises on purpose (schema.errors.PublicError and its subclasses).
PUBLIC_CODES = {"BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "INVALID_INPUT"}
# What a leaked exception looks like: a traceback, an exception class name, SQL.
INTERNALS = re.compile(
    r"Traceback|File \"|\b[A-Z][A-Za-z]*(?:Error|Exception)\b|\b(?:SELECT|INSERT|UPDATE|DELETE) |"
    r"tortoise|asyncpg|sqlite|psycopg|strawberry\.|graphql\.|site-packages|\.py\b",
)
# GraphQL spec wording that matches the pattern above but is no leak.
SPEC_WORDS = {"GraphQLError"}


def fuzz_settings(examples: int = EXAMPLES) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        # No shrinking: a failure reports the document that failed, and the run stays within its budget.
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
        print_blob=False,
    )


def check_response(response: httpx.Response, *, production: bool) -> dict[str, Any] | None:
    """Assert the response is a clean answer; return its JSON body."""
    assert response.status_code < 500, f"HTTP {response.status_code}: {response.text[:2000]}"
    assert response.status_code in {200, 400, 413}, f"HTTP {response.status_code}: {response.text[:2000]}"
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"not JSON (HTTP {response.status_code}): {response.text[:2000]!r}") from None
    assert isinstance(body, dict), body
    if response.status_code == 200:
        assert "data" in body or "errors" in body, body
    errors = body.get("errors") or []
    assert isinstance(errors, list), body
    for error in errors:
        message = error.get("message")
        assert isinstance(message, str), error
        leaked = [m.group(0) for m in INTERNALS.finditer(message) if m.group(0) not in SPEC_WORDS]
        assert not leaked, f"internals {leaked} in error message: {error}"
        extensions = error.get("extensions") or {}
        code = extensions.get("code")
        if production and code == "INTERNAL_SERVER_ERROR":
            assert message == "Internal server error.", error
            assert isinstance(extensions.get("requestId"), str) and extensions["requestId"], error
            assert set(extensions) == {"code", "requestId"}, error
        # Any unexpected exception is a bug, masked or not.
        assert code != "INTERNAL_SERVER_ERROR", f"unexpected server error: {error}"
        if error.get("path"):
            # An error raised while executing a field: only the API's own public errors may come out;
            # anything else is an exception that escaped a resolver (unmasked outside production).
            assert code in PUBLIC_CODES, f"unexpected error from a resolver: {error}"
    return body


# The documents Hypothesis made for each (client kind, example count) in this process, in the order sent.
MADE: dict[tuple[str, int], list[str]] = {}


def run_fuzz(
    loop: asyncio.AbstractEventLoop,
    send: Callable[[str], Awaitable[httpx.Response]],
    *,
    production: bool,
    name: str,
    examples: int = EXAMPLES,
) -> int:
    """Drive Hypothesis (in this worker thread) and run each document on ``loop``; return the count.

    The seed comes from ``name``: each kind of client gets its own documents, the same on every backend
    and every run. Documents already made for ``name`` in this process are sent again instead.
    """
    made = MADE.get((name, examples))
    if made is not None:
        for document in made:
            response = asyncio.run_coroutine_threadsafe(send(document), loop).result(timeout=60)
            try:
                check_response(response, production=production)
            except AssertionError as error:
                answer = f"HTTP {response.status_code} {response.text[:2000]}"
                raise AssertionError(f"{error}\ndocument:\n{document}\nresponse: {answer}") from None
        return len(made)
    documents: list[str] = []

    @fuzz_settings(examples)
    @seed(zlib.crc32(f"{name}{SEED}".encode()))
    @given(document=DOCUMENTS)
    def fuzz(document: str) -> None:
        documents.append(document)
        note(f"document:\n{document}")
        response = asyncio.run_coroutine_threadsafe(send(document), loop).result(timeout=60)
        note(f"response: HTTP {response.status_code} {response.text[:2000]}")
        check_response(response, production=production)

    fuzz()
    MADE[(name, examples)] = documents
    return len(documents)


async def post(client: httpx.AsyncClient, document: str) -> httpx.Response:
    body = json.dumps({"query": document, "variables": {}})
    return await client.post(
        "/graphql", content=body, headers={"content-type": "application/json", "user-agent": BROWSER_UA}
    )


class Browser:
    """A signed-in browser (cookie over https, so the production ``__Host-`` cookie is sent back).

    A fuzzed signOut, signOutEverywhere or changePassword may end its session: then it signs up
    again, as a new person, before the next document, so every document is sent signed in.
    """

    def __init__(self, app: object) -> None:
        self.app = app
        self.client: httpx.AsyncClient | None = None
        self.people = itertools.count(1)
        self.sign_ups = 0

    async def signed_in(self) -> httpx.AsyncClient:
        if self.client is not None:
            me = await post(self.client, "{ me { id } }")
            if me.status_code == 200 and (me.json().get("data") or {}).get("me"):
                return self.client
            await self.client.aclose()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="https://testserver")
        variables = {"input": {"email": f"fuzz{next(self.people)}@example.com", "password": PASSWORD}}
        response = await self.client.post(
            "/graphql",
            json={"query": SIGN_UP, "variables": variables},
            headers={"user-agent": BROWSER_UA},
        )
        payload = ((response.json() if response.status_code == 200 else {}).get("data") or {}).get("signUp") or {}
        assert payload.get("__typename") == "SignedIn", (
            f"could not sign up: HTTP {response.status_code} {response.text}"
        )
        assert self.client.cookies, "the sign-up set no cookie"
        self.sign_ups += 1
        return self.client

    async def send(self, document: str) -> httpx.Response:
        return await post(await self.signed_in(), document)

    async def aclose(self) -> None:
        if self.client is not None:
            await self.client.aclose()


async def fuzz_anonymously(app: object, *, production: bool) -> int:
    loop = asyncio.get_running_loop()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as client:

        async def send(document: str) -> httpx.Response:
            # A fuzzed signUp or signIn may succeed and set a cookie: forget it, every document goes anonymous.
            client.cookies.clear()
            return await post(client, document)

        return await asyncio.to_thread(run_fuzz, loop, send, production=production, name=f"anonymous-{production}")


async def fuzz_signed_in(app: object, *, production: bool) -> tuple[int, int]:
    loop = asyncio.get_running_loop()
    browser = Browser(app)
    try:
        count = await asyncio.to_thread(
            run_fuzz, loop, browser.send, production=production, name=f"signed-in-{production}"
        )
    finally:
        await browser.aclose()
    return count, browser.sign_ups


@pytest.mark.settings(**UNBUDGETED)
async def test_fuzz_anonymous(app: object) -> None:
    assert await fuzz_anonymously(app, production=False) == EXAMPLES


@pytest.mark.settings(**UNBUDGETED)
async def test_fuzz_signed_in(app: object) -> None:
    count, sign_ups = await fuzz_signed_in(app, production=False)
    assert count == EXAMPLES and sign_ups >= 1


@pytest.mark.settings(**PRODUCTION)
async def test_fuzz_anonymous_in_production(app: object) -> None:
    assert await fuzz_anonymously(app, production=True) == EXAMPLES


@pytest.mark.settings(**PRODUCTION)
async def test_fuzz_signed_in_in_production(app: object) -> None:
    count, sign_ups = await fuzz_signed_in(app, production=True)
    assert count == EXAMPLES and sign_ups >= 1


def test_the_checks_catch_a_leak_and_a_masked_error() -> None:
    """The response checks themselves: a 500, a leaked exception and a masked error all fail."""
    request = httpx.Request("POST", "https://testserver/graphql")

    def response(status: int, body: object) -> httpx.Response:
        return httpx.Response(status, json=body, request=request)

    check_response(response(200, {"data": {"passwordPolicy": {"minLength": 8}}}), production=True)
    check_response(
        response(
            200,
            {
                "data": None,
                "errors": [
                    {
                        "message": "Sign in to use this operation.",
                        "path": ["me"],
                        "extensions": {"code": "UNAUTHENTICATED"},
                    }
                ],
            },
        ),
        production=True,
    )
    check_response(response(200, {"errors": [{"message": "Syntax Error: Unexpected '}'."}]}), production=False)
    bad = [
        response(500, {"errors": [{"message": "Internal Server Error"}]}),
        response(200, {"errors": [{"message": "'NoneType' object has no attribute 'id'", "path": ["me"]}]}),
        response(200, {"errors": [{"message": "KeyError: 'id'"}]}),
        response(200, {"errors": [{"message": 'SELECT "id" FROM "account"'}]}),
        response(
            200,
            {
                "errors": [
                    {
                        "message": "Internal server error.",
                        "path": ["me"],
                        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "r-12345678"},
                    }
                ]
            },
        ),
    ]
    for case in bad:
        with pytest.raises(AssertionError):
            check_response(case, production=True)
    with pytest.raises(AssertionError):
        check_response(httpx.Response(200, text="<html>oops</html>", request=request), production=False)
