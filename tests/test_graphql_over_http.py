"""GraphQL over HTTP to the letter: content negotiation, the status of request errors, and every refusal as a
GraphQL error body with its code, the request id, the security headers and (for listed origins) CORS."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.support.actors import User
from tests.support.graphql import ME, PASSWORD_POLICY, GraphQLClient
from tests.support.parse_budget import TIGHT, fresh_document

NEW = "application/graphql-response+json"
APP_ORIGIN = "https://app.workestra.test"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
# What the clients in use send (Apollo Client 4's HTTP link, urql 6's fetch exchange).
APOLLO_ACCEPT = "application/graphql-response+json,application/json;q=0.9"
URQL_ACCEPT = "application/graphql-response+json, application/graphql+json, application/json, text/event-stream"
REQUEST_ERRORS = [
    # (id, body, code)
    ("parse", {"query": "{"}, "GRAPHQL_PARSE_FAILED"),
    ("validation", {"query": "{ noSuchField }"}, "GRAPHQL_VALIDATION_FAILED"),
    ("coercion", {"query": "query Q($id: ID!) { __typename }", "variables": {"id": None}}, "GRAPHQL_VALIDATION_FAILED"),
]


def content_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def assert_error_answer(response: httpx.Response, status: int, code: str, media_type: str = "application/json") -> str:
    """A GraphQL error body: one error with a message, its code and the response's request id; returns the message."""
    assert response.status_code == status, response.text
    assert content_type(response) == media_type
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    body = response.json()
    assert set(body) == {"errors"}, body
    [error] = body["errors"]
    assert error["extensions"] == {"code": code, "requestId": response.headers["x-request-id"]}
    assert isinstance(error["message"], str) and error["message"]
    return error["message"]


async def post(http: httpx.AsyncClient, body: Any, accept: str | None = None, **headers: str) -> httpx.Response:
    sent = {"content-type": "application/json", **headers}
    if accept is not None:
        sent["accept"] = accept
    return await http.post("/graphql", json=body, headers=sent)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("application/json", "application/json"),
        ("application/json; charset=utf-8", "application/json"),
        (NEW, NEW),
        (f"{NEW}, application/json", NEW),
        (f"application/json, {NEW};q=0.9", "application/json"),
        (f"application/json;q=0.5, {NEW}", NEW),
        (APOLLO_ACCEPT, NEW),
        (URQL_ACCEPT, NEW),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json"),
    ],
)
async def test_the_response_is_sent_in_the_media_type_the_client_accepts(
    http: httpx.AsyncClient, accept: str | None, media_type: str
) -> None:
    response = await post(http, {"query": PASSWORD_POLICY}, accept)
    assert response.status_code == 200
    assert content_type(response) == media_type
    if media_type == NEW:
        assert response.headers["content-type"] == f"{NEW}; charset=utf-8"
    assert response.json()["data"]["passwordPolicy"]["minLength"] == 8
    fetched = await http.get("/graphql", params={"query": PASSWORD_POLICY}, headers={"accept": accept or ""})
    assert fetched.status_code == 200 and content_type(fetched) == media_type


@pytest.mark.parametrize(
    "accept", ["text/html", "application/xml", "application/json;q=0", "application/json; charset=utf-16", "nonsense"]
)
async def test_an_unacceptable_accept_is_a_406_with_a_graphql_body(user: User, accept: str) -> None:
    for response in (
        await post(user.browser.http, {"query": "mutation { signOut { __typename } }"}, accept),
        await user.browser.http.get("/graphql", params={"query": ME}, headers={"accept": accept}),
    ):
        assert "acce" in assert_error_answer(response, 406, "NOT_ACCEPTABLE").lower()
    # The mutation was not run.
    assert (await user.browser.data(ME))["me"]["email"] == user.email


async def test_graphiql_is_still_served_to_a_browser_asking_for_html(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"accept": "text/html"})
    # The page itself, or (without a build of web/) the HTML saying how to make one: not a 406.
    assert page.status_code in {200, 503}
    assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(("body", "code"), [(e[1], e[2]) for e in REQUEST_ERRORS], ids=[e[0] for e in REQUEST_ERRORS])
async def test_request_errors_are_400_without_data_under_the_new_media_type(
    http: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    response = await post(http, body, NEW)
    assert response.status_code == 400
    assert content_type(response) == NEW
    answer = response.json()
    assert "data" not in answer
    assert [error["extensions"] for error in answer["errors"]] == [
        {"code": code, "requestId": response.headers["x-request-id"]}
    ]


@pytest.mark.parametrize(("body", "code"), [(e[1], e[2]) for e in REQUEST_ERRORS], ids=[e[0] for e in REQUEST_ERRORS])
@pytest.mark.parametrize("accept", [None, "application/json", "*/*"])
async def test_request_errors_stay_200_with_null_data_for_json_clients(
    http: httpx.AsyncClient, body: dict[str, Any], code: str, accept: str | None
) -> None:
    response = await post(http, body, accept)
    assert response.status_code == 200
    assert content_type(response) == "application/json"
    answer = response.json()
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == code


@pytest.mark.settings(max_aliases=2)
async def test_a_document_over_the_limits_is_a_request_error(http: httpx.AsyncClient) -> None:
    document = "{ a: passwordPolicy { minLength } b: passwordPolicy { minLength } c: passwordPolicy { minLength } }"
    response = await post(http, {"query": document}, NEW)
    assert response.status_code == 400 and "data" not in response.json()
    assert (await post(http, {"query": document})).json()["data"] is None


@pytest.mark.settings(**TIGHT)
async def test_a_spent_parse_budget_is_a_429_with_retry_after_under_the_new_media_type(http: httpx.AsyncClient) -> None:
    headers = {"x-forwarded-for": "203.0.113.9"}
    for _ in range(300):
        response = await post(http, {"query": fresh_document()}, NEW, **headers)
        if response.status_code != 200:
            break
    assert response.status_code == 429, response.text
    [error] = response.json()["errors"]
    assert "data" not in response.json()
    assert error["extensions"]["code"] == "TOO_MANY_REQUESTS"
    assert response.headers["retry-after"] == str(error["extensions"]["retryAfterSeconds"])
    # The same refusal for a JSON client is a 200 with null data. The budget refills between requests, so
    # one may be admitted first (a 200 with data): keep going until the refusal comes.
    for _ in range(300):
        legacy = await post(http, {"query": fresh_document()}, "application/json", **headers)
        assert legacy.status_code == 200, legacy.text
        if legacy.json().get("errors"):
            break
    assert legacy.json()["data"] is None
    assert legacy.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_REQUESTS"


async def test_a_field_error_keeps_its_data_and_200_under_the_new_media_type(http: httpx.AsyncClient) -> None:
    """An error at a field's path happened during execution: the response has data (here null), so it is a 2xx."""
    response = await post(http, {"query": "{ passwordPolicy { minLength } activeSessions { id } }"}, NEW)
    assert response.status_code == 200
    body = response.json()
    assert "data" in body and body["data"] is None
    assert body["errors"][0]["path"] == ["activeSessions"]
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_date_times_are_rfc_3339(user: User) -> None:
    created = (await user.browser.data(ME))["me"]["createdAt"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", created), created


@pytest.fixture(params=["application/json", NEW])
def accept(request: pytest.FixtureRequest) -> str:
    return request.param


async def test_batching_is_refused_with_a_graphql_body(user: User, accept: str) -> None:
    batch = [{"query": "mutation { signOut { __typename } }"}, {"query": ME}]
    response = await post(user.browser.http, batch, accept)
    assert "one operation" in assert_error_answer(response, 400, "BATCHING_NOT_SUPPORTED", accept)
    assert (await user.browser.data(ME))["me"]["email"] == user.email


async def test_bad_json_is_refused_in_the_negotiated_type(http: httpx.AsyncClient, accept: str) -> None:
    headers = {"content-type": "application/json", "accept": accept}
    response = await http.post("/graphql", content=b'{"query": ', headers=headers)
    assert assert_error_answer(response, 400, "INVALID_JSON", accept) == "The request is not valid JSON."


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_subscription_over_http_is_refused_with_a_graphql_body(user: User, method: str, accept: str) -> None:
    document = "subscription { activeSessions { id } }"
    headers = {"accept": accept}
    if method == "POST":
        response = await post(user.browser.http, {"query": document}, accept)
    else:
        response = await user.browser.http.get("/graphql", params={"query": document}, headers=headers)
    message = assert_error_answer(response, 400, "OPERATION_NOT_ALLOWED", accept)
    assert message == f"Subscriptions are not allowed when using {method}; subscribe over a WebSocket."


async def test_a_mutation_over_get_is_a_405_with_allow(user: User, accept: str) -> None:
    params = {"query": "mutation { signOut { __typename } }"}
    response = await user.browser.http.get("/graphql", params=params, headers={"accept": accept})
    assert assert_error_answer(response, 405, "METHOD_NOT_ALLOWED", accept) == (
        "Mutations are not allowed when using GET; use POST."
    )
    assert response.headers["allow"] == "POST"
    assert (await user.browser.data(ME))["me"]["email"] == user.email


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "HEAD", "TRACE", "OPTIONS"])
async def test_an_unknown_method_is_a_405_with_a_graphql_body(http: httpx.AsyncClient, method: str) -> None:
    response = await http.request(method, "/graphql", headers={"accept": "application/json"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    if method != "HEAD":  # a HEAD answer has no body
        assert_error_answer(response, 405, "METHOD_NOT_ALLOWED")


async def test_an_oversized_body_is_a_413_with_a_graphql_body(user: User, accept: str) -> None:
    body = b'{"query": "mutation { signOut { __typename } }", "x": "' + b"a" * 100_000 + b'"}'
    headers = {"content-type": "application/json", "accept": accept}
    declared = await user.browser.http.post("/graphql", content=body, headers=headers)
    assert_error_answer(declared, 413, "PAYLOAD_TOO_LARGE", accept)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 8_192):
            yield body[start : start + 8_192]

    # Chunked, without a Content-Length: refused once the limit is passed while reading.
    streamed = await user.browser.http.post("/graphql", content=chunks(), headers=headers)
    assert "content-length" not in streamed.request.headers
    assert_error_answer(streamed, 413, "PAYLOAD_TOO_LARGE", accept)
    assert (await user.browser.data(ME))["me"]["email"] == user.email


@pytest.mark.parametrize("media_type", ["text/plain", "application/x-www-form-urlencoded", ""])
async def test_a_non_json_post_is_a_415_with_a_graphql_body(user: User, media_type: str, accept: str) -> None:
    headers = {"content-type": media_type, "accept": accept}
    response = await user.browser.http.post("/graphql", content=b'{"query": "{ me { id } }"}', headers=headers)
    assert_error_answer(response, 415, "UNSUPPORTED_MEDIA_TYPE", accept)


@pytest.mark.parametrize("headers", [{"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"}])
async def test_a_cross_origin_refusal_is_a_403_with_a_graphql_body(user: User, headers: dict[str, str]) -> None:
    response = await post(user.browser.http, {"query": "mutation { signOut { __typename } }"}, **headers)
    assert_error_answer(response, 403, "FORBIDDEN_ORIGIN")
    assert "access-control-allow-origin" not in response.headers
    assert (await user.browser.data(ME))["me"]["email"] == user.email


async def test_the_request_id_of_an_error_is_the_one_the_client_sent(http: httpx.AsyncClient) -> None:
    response = await http.put("/graphql", headers={"x-request-id": "trace-12345678"})
    assert response.json()["errors"][0]["extensions"]["requestId"] == "trace-12345678"


def assert_readable_cross_origin(response: httpx.Response) -> None:
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"].lower() == "x-request-id"


@pytest.mark.settings(allowed_origins=(APP_ORIGIN,))
async def test_a_listed_origin_can_read_every_error_answer_and_the_request_id(anonymous: GraphQLClient) -> None:
    http, origin = anonymous.http, {"origin": APP_ORIGIN}
    served = await post(http, {"query": PASSWORD_POLICY}, **origin)
    assert served.status_code == 200
    assert_readable_cross_origin(served)
    json_body = {"content-type": "application/json", **origin}
    oversized = await http.post("/graphql", content=b'{"query": "' + b"a" * 100_000 + b'"}', headers=json_body)
    mutation = {"query": "mutation { signOut { __typename } }"}
    mutation_over_get = await http.get("/graphql", params=mutation, headers=origin)
    unknown_method = await http.put("/graphql", headers=origin)
    form = await http.post("/graphql", content=b"query=x", headers={"content-type": "text/plain", **origin})
    batch = await post(http, [{"query": PASSWORD_POLICY}], **origin)
    unacceptable = await post(http, {"query": PASSWORD_POLICY}, "text/html", **origin)
    for response, status, code in (
        (oversized, 413, "PAYLOAD_TOO_LARGE"),
        (mutation_over_get, 405, "METHOD_NOT_ALLOWED"),
        (unknown_method, 405, "METHOD_NOT_ALLOWED"),
        (form, 415, "UNSUPPORTED_MEDIA_TYPE"),
        (batch, 400, "BATCHING_NOT_SUPPORTED"),
        (unacceptable, 406, "NOT_ACCEPTABLE"),
    ):
        assert_error_answer(response, status, code)
        assert_readable_cross_origin(response)
