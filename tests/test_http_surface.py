"""The HTTP surface under hostile input: clear 4xx errors or error data, never a 500, nothing lost."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from tests.support.actors import PASSWORD, User
from tests.support.databases import Backend
from tests.support.graphql import ME, PASSWORD_POLICY, REVOKE_OTHERS, SIGN_IN, SIGN_UP, GraphQLClient

HOSTILE_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\r\nX-Injected: 1",
    "😀" * 200,
    "\u202e\u0301" * 50,
    "\ud800",
    "x" * 60_000,
]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"query":', "application/json", 400),
        (b"", "application/json", 400),
        (b"null", "application/json", 400),
        (b'"query"', "application/json", 400),
        (b"42", "application/json", 400),
        (b'{"query": 42}', "application/json", 400),
        (b'{"query": "{ me { id } }", "variables": "x"}', "application/json", 400),
        (b'[{"query": "{ me { id } }"}, {"query": "{ me { id } }"}]', "application/json", 400),
        (b"query=mutation%20%7B%20signOut%20%7B%20__typename%20%7D%20%7D", "application/x-www-form-urlencoded", 415),
        (b'{"query": "mutation { signOut { __typename } }"}', "text/plain", 415),
        (b'{"query": "mutation { signOut { __typename } }"}', "multipart/form-data; boundary=x", 415),
        (b'{"query": "mutation { signOut { __typename } }"}', "", 415),
        (b'{"query":"' + b"a" * 100_000 + b'"}', "application/json", 413),
    ],
)
async def test_malformed_and_oversized_bodies_get_a_clear_4xx(
    user: User, body: bytes, content_type: str, status: int
) -> None:
    response = await user.browser.http.post("/graphql", content=body, headers={"content-type": content_type})
    assert response.status_code == status
    # Nothing happened: the cookie-authenticated session is still signed in.
    assert (await user.browser.data(ME))["me"]["email"] == user.email


async def test_mutations_are_refused_over_get(user: User) -> None:
    response = await user.browser.http.get("/graphql", params={"query": "mutation { signOut { __typename } }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["message"] == "Mutations are not allowed when using GET; use POST."


async def test_subscriptions_over_http_are_refused_with_a_clear_error(user: User, caplog) -> None:
    """Subscriptions are served over WebSocket; over HTTP they are a wrong operation type (400), not a crash."""
    document = "subscription { activeSessions { id } }"
    posted = await user.browser.http.post("/graphql", json={"query": document})
    fetched = await user.browser.http.get("/graphql", params={"query": document})
    for response, method in ((posted, "POST"), (fetched, "GET")):
        assert response.status_code == 400
        assert response.json()["errors"][0]["message"].startswith(f"Subscriptions are not allowed when using {method}")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (await user.browser.data(ME))["me"] is not None


async def test_queries_work_over_get(anonymous: GraphQLClient) -> None:
    response = await anonymous.http.get("/graphql", params={"query": PASSWORD_POLICY})
    assert response.json()["data"]["passwordPolicy"]["minLength"] == 8


async def test_unknown_fields_and_operations_are_validation_errors(anonymous: GraphQLClient) -> None:
    body = await anonymous.execute("{ nope }")
    assert body["data"] is None
    assert "Cannot query field 'nope'" in body["errors"][0]["message"]
    body = await anonymous.execute("{ me { passwordHash } }")
    assert body["data"] is None


async def test_too_many_aliases_are_refused_before_execution(anonymous: GraphQLClient) -> None:
    document = (
        "mutation {"
        + " ".join(
            f'a{i}: signUp(input: {{email: "a{i}@example.com", password: "long enough"}}) {{ __typename }}'
            for i in range(16)  # one over MAX_ALIASES, inside MAX_TOKENS
        )
        + "}"
    )
    body = await anonymous.execute(document)
    assert body["data"] is None
    assert "aliases" in body["errors"][0]["message"]
    assert (await anonymous.data(SIGN_IN, {"input": {"email": "a1@example.com", "password": "long enough"}}))["signIn"][
        "__typename"
    ] == "InvalidCredentials"


@pytest.mark.parametrize("value", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
async def test_hostile_strings_in_every_input_field_are_handled(anonymous: GraphQLClient, value: str) -> None:
    for document, field in ((SIGN_UP, "signUp"), (SIGN_IN, "signIn")):
        for variables in (
            {"input": {"email": value, "password": "long enough password"}},
            {"input": {"email": "ok@example.com", "password": value}},
        ):
            response = await anonymous.post(document, variables)
            assert response.status_code in {200, 413}, response.text
            if response.status_code == 200:
                payload = response.json()["data"][field]
                assert payload["__typename"] in {
                    "SignedIn",
                    "InvalidEmail",
                    "PasswordPolicyViolation",
                    "InvalidCredentials",
                    "EmailTaken",
                }
    revoke = await anonymous.post("mutation($id: ID!) { revokeSession(id: $id) { __typename } }", {"id": value})
    assert revoke.status_code in {200, 413}


async def test_an_enum_outside_the_schema_is_a_validation_error(anonymous: GraphQLClient) -> None:
    body = await anonymous.execute(
        SIGN_UP, {"input": {"email": "ok@example.com", "password": "long enough", "client": "DESKTOP"}}
    )
    assert body["data"] is None
    assert "DESKTOP" in body["errors"][0]["message"]


async def test_health_and_readiness(http: httpx.AsyncClient) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": True, "eventBus": True}}


async def test_readiness_fails_when_the_event_bus_is_down(app, http: httpx.AsyncClient) -> None:
    await app.state.services.bus.disconnect()
    ready = await http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["eventBus"] is False


async def test_graphiql_is_served_to_browsers_in_development(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_unsupported_methods_are_refused(http: httpx.AsyncClient) -> None:
    for method in ("PUT", "DELETE", "TRACE", "PATCH"):
        assert (await http.request(method, "/graphql")).status_code == 405


@contextlib.asynccontextmanager
async def writes_blocked(backend: Backend) -> AsyncIterator[None]:
    """Another client holds the lock every write to the sessions needs, until the block ends."""
    if backend.is_postgres:
        connection = await asyncpg.connect(backend.database_url)
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute("LOCK TABLE session IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            await transaction.rollback()
            await connection.close()
    else:
        connection = sqlite3.connect(backend.database_url.removeprefix("sqlite://"), isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()


@pytest.mark.settings(request_timeout=1)
async def test_a_request_past_its_deadline_is_cancelled_with_503_and_loses_nothing(
    clean_backend: Backend, user: User, make_client
) -> None:
    phone = make_client()
    assert (await phone.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}}))["signIn"][
        "__typename"
    ] == "SignedIn"
    async with writes_blocked(clean_backend):
        # Bounded here too, so a missing deadline fails the test instead of hanging it.
        response = await asyncio.wait_for(user.browser.post(REVOKE_OTHERS), 15)
        assert response.status_code == 503
        assert response.json() == {
            "errors": [
                {
                    "message": "The request took too long; try again.",
                    "extensions": {"code": "REQUEST_TIMEOUT", "requestId": response.headers["x-request-id"]},
                }
            ]
        }
    # The cancelled mutation left nothing half-done: both sessions live, and the service answers again.
    assert (await user.browser.data(ME))["me"]["email"] == user.email
    assert (await phone.data(ME))["me"]["email"] == user.email
    assert (await user.browser.data(REVOKE_OTHERS))["revokeAllOtherSessions"]["count"] == 1
