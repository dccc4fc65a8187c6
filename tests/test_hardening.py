"""The hardened HTTP and GraphQL surface, seen from outside: headers, CSRF, Origin, production switch."""

from __future__ import annotations

import pytest

from tests.support.actors import User
from tests.support.graphql import ME, PASSWORD_POLICY, SIGN_OUT, GraphQLClient

APP_ORIGIN = "https://app.workestra.test"
PRODUCTION = {"environment": "production", "secret_key": "x" * 40}


async def test_security_headers_and_request_id(anonymous: GraphQLClient) -> None:
    response = await anonymous.post(PASSWORD_POLICY)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert len(response.headers["x-request-id"]) == 32
    assert "strict-transport-security" not in response.headers  # development over http
    assert "server" not in response.headers
    echoed = await anonymous.post(PASSWORD_POLICY, headers={"x-request-id": "req-12345678"})
    assert echoed.headers["x-request-id"] == "req-12345678"
    hostile = await anonymous.post(PASSWORD_POLICY, headers={"x-request-id": "bad\r\nid <script>"})
    assert hostile.headers["x-request-id"] != "bad\r\nid <script>"


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://app.workestra.test.evil.example", "x"])
async def test_a_foreign_origin_cannot_use_the_cookie(user: User, origin: str) -> None:
    response = await user.browser.post(SIGN_OUT, headers={"origin": origin})
    assert response.status_code == 403
    assert (await user.browser.data(ME))["me"]["email"] == user.email


async def test_a_cross_site_fetch_without_origin_is_refused(user: User) -> None:
    response = await user.browser.post(SIGN_OUT, headers={"sec-fetch-site": "cross-site"})
    assert response.status_code == 403
    assert (await user.browser.data(ME))["me"] is not None


async def test_the_same_origin_is_allowed(user: User) -> None:
    response = await user.browser.post(ME, headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"})
    assert response.json()["data"]["me"]["email"] == user.email


@pytest.mark.settings(allowed_origins=(APP_ORIGIN,))
async def test_cors_only_for_listed_origins_never_a_wildcard(anonymous: GraphQLClient) -> None:
    allowed = await anonymous.post(PASSWORD_POLICY, headers={"origin": APP_ORIGIN})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == APP_ORIGIN
    assert allowed.headers["access-control-allow-credentials"] == "true"
    preflight = {
        "origin": APP_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    ok = await anonymous.http.options("/graphql", headers=preflight)
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == APP_ORIGIN
    evil = await anonymous.http.options("/graphql", headers={**preflight, "origin": "https://evil.example"})
    assert "access-control-allow-origin" not in evil.headers
    refused = await anonymous.post(PASSWORD_POLICY, headers={"origin": "https://evil.example"})
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers


@pytest.mark.settings(**PRODUCTION)
async def test_production_adds_hsts(anonymous: GraphQLClient) -> None:
    response = await anonymous.post(PASSWORD_POLICY)
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.settings(**PRODUCTION)
async def test_production_hides_introspection_graphiql_and_suggestions(anonymous: GraphQLClient) -> None:
    body = await anonymous.execute("{ __schema { types { name } } }")
    assert body["data"] is None
    assert "introspection" in body["errors"][0]["message"].lower()
    typo = await anonymous.execute("{ passwordPolicyy { minLength } }")
    assert "Did you mean" not in typo["errors"][0]["message"]
    page = await anonymous.http.get("/graphql", headers={"accept": "text/html"})
    assert "graphiql" not in page.text.lower()


async def test_development_shows_suggestions_and_introspection(anonymous: GraphQLClient) -> None:
    typo = await anonymous.execute("{ passwordPolicyy { minLength } }")
    assert "Did you mean 'passwordPolicy'" in typo["errors"][0]["message"]
    assert (await anonymous.data("{ __schema { queryType { name } } }"))["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.settings(**PRODUCTION)
async def test_production_masks_unexpected_errors_with_a_request_id(
    user: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import resolvers.viewer

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("SELECT secret FROM internals")

    from tests.support.actors import PASSWORD
    from tests.support.graphql import SIGN_IN

    # The production cookie is Secure, which this http test client would not send back: use a token.
    signed_in = await user.browser.data(
        SIGN_IN, {"input": {"email": user.email, "password": PASSWORD, "client": "MOBILE"}}
    )
    user.browser.token = signed_in["signIn"]["token"]
    monkeypatch.setattr(resolvers.viewer, "list_active_sessions", broken)
    response = await user.browser.post("{ activeSessions { id } }", headers={"x-request-id": "trace-0001"})
    body = response.json()
    assert response.status_code == 200
    assert body["errors"][0]["message"] == "Internal server error."
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "trace-0001"}
    assert "SELECT" not in response.text and "RuntimeError" not in response.text
    assert any("SELECT secret" in str(record.exc_info) for record in caplog.records if record.exc_info)
    # Our own errors are not masked.
    anonymous = GraphQLClient(user.browser.http)
    unauthenticated = await anonymous.execute("{ activeSessions { id } }")
    assert unauthenticated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.settings(max_query_depth=2)
async def test_query_depth_is_limited(anonymous: GraphQLClient) -> None:
    assert (await anonymous.data("{ passwordPolicy { minLength } }"))["passwordPolicy"]["minLength"] == 8
    body = await anonymous.execute(
        'mutation Deep { signUp(input: {email: "d@example.com", password: "long enough"}) '
        "{ ... on SignedIn { session { device { browser } } } } }"
    )
    assert body["data"] is None
    assert body["errors"][0]["message"] == "'Deep' exceeds maximum operation depth of 2"
    # Nothing was executed.
    shallow = 'mutation { signIn(input: {email: "d@example.com", password: "long enough"}) { __typename } }'
    assert (await anonymous.data(shallow))["signIn"]["__typename"] == "InvalidCredentials"


async def test_aliases_hidden_in_fragments_are_counted(anonymous: GraphQLClient) -> None:
    aliases = " ".join(f"a{i}: passwordPolicy {{ minLength }}" for i in range(16))
    body = await anonymous.execute(f"query {{ ...Many }} fragment Many on Query {{ {aliases} }}")
    assert body["data"] is None
    assert "aliases" in body["errors"][0]["message"]


@pytest.mark.settings(max_tokens=50)
async def test_huge_documents_are_refused_by_token_count(anonymous: GraphQLClient) -> None:
    fields = " ".join(["minLength"] * 60)
    body = await anonymous.execute(f"{{ passwordPolicy {{ {fields} }} }}")
    assert body["data"] is None
    assert "token" in body["errors"][0]["message"].lower()
