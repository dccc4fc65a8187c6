"""Production answers a typo with no "Did you mean": not for fields, arguments, input fields, enum values or types.

Every case is checked in development too, where the suggestion must appear: it proves the case reaches
a suggesting rule of graphql-core at all.
"""

from __future__ import annotations

import json
import logging
import uuid

import httpx
import pytest

from tests.support.graphql import GraphQLClient
from tests.support.live import server_env

PRODUCTION = {"environment": "production", "secret_key": "x" * 40}
SIGN_IN = "mutation($input: SignInInput!) { signIn(input: $input) { __typename } }"
INPUT = {"email": "ada@example.com", "password": "correct horse battery staple"}
SIGN_UP_MOBILE = """
mutation($input: SignUpInput!) { signUp(input: $input) { __typename ... on SignedIn { token } } }"""

CASES = [
    # (id, document, variables, the name a suggestion would reveal)
    ("field", "{ passwordPolicyy { minLength } }", None, "passwordPolicy"),
    ("argument", "{ securityEvents(frist: 1) { edges { cursor } } }", None, "first"),
    ("directive-argument", "{ passwordPolicy @include(iff: true) { minLength } }", None, "if"),
    (
        "enum-value-literal",
        'mutation { signIn(input: {email: "a@example.com", password: "x", client: MOBIL}) { __typename } }',
        None,
        "MOBILE",
    ),
    ("enum-value-variable", SIGN_IN, {"input": {**INPUT, "client": "MOBIL"}}, "MOBILE"),
    ("type-of-variable", "query($x: Acount) { me { id } }", None, "Account"),
    ("type-of-fragment", "query { me { ...f } } fragment f on Acount { id }", None, "Account"),
    (
        "input-field-literal",
        'mutation { signIn(input: {email: "a@example.com", password: "x", clinet: WEB}) { __typename } }',
        None,
        "client",
    ),
    ("input-field-variable", SIGN_IN, {"input": {**INPUT, "clinet": "WEB"}}, "client"),
    (
        "field-on-union",
        'mutation { signIn(input: {email: "a@example.com", password: "x"}) { token } }',
        None,
        "SignedIn",
    ),
]


async def _messages(client: GraphQLClient, document: str, variables: dict | None) -> list[str]:
    response = await client.post(document, variables)
    body = response.json()
    assert body.get("errors"), body
    return [error["message"] for error in body["errors"]]


@pytest.mark.settings(**PRODUCTION)
@pytest.mark.parametrize(("document", "variables", "hidden"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_production_suggests_nothing(
    anonymous: GraphQLClient, document: str, variables: dict | None, hidden: str
) -> None:
    for message in await _messages(anonymous, document, variables):
        assert "did you mean" not in message.lower(), message
        assert f"'{hidden}'" not in message, message
        assert message.strip(), "the error still says what is wrong"


@pytest.mark.parametrize(("document", "variables", "hidden"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_development_suggests(
    anonymous: GraphQLClient, document: str, variables: dict | None, hidden: str
) -> None:
    messages = await _messages(anonymous, document, variables)
    assert any("Did you mean" in m and f"'{hidden}'" in m for m in messages), messages


WORDINGS = [
    # (id, graphql-core's message, what production says)
    ("none", "Unknown type 'Acount'.", "Unknown type 'Acount'."),
    ("one", "Unknown argument 'frist' on field 'Query.securityEvents'. Did you mean 'first'?", None),
    ("several", "Cannot query field 'x' on type 'Query'. Did you mean 'me', 'apiKeys', or 'node'?", None),
    ("enum", "Value 'MOBIL' does not exist in 'ClientKind' enum. Did you mean the enum value 'MOBILE'?", None),
    ("fragment", "Cannot query field 'token' on type 'R'. Did you mean to use an inline fragment on 'SignedIn'?", None),
    (
        "suggestion-then-value",
        "Variable '$i' has invalid value: unknown field 'clinet'. Did you mean 'client'? Found: {'password': 'p'}.",
        "Variable '$i' has invalid value: unknown field 'clinet'.",
    ),
    (
        "value-found",
        "Variable '$i' has invalid value: Expected type 'SignInInput' to be an object, found: 'p4ss\nword'.",
        "Variable '$i' has invalid value: Expected type 'SignInInput' to be an object.",
    ),
    (
        "literal-found",
        "Expected value of type 'SignInInput' to include required field 'email', found: { password: \"p\" }.",
        "Expected value of type 'SignInInput' to include required field 'email'.",
    ),
    (
        "scalar-value",
        "Variable '$i' has invalid value at 'input.password': String cannot represent a non string value: 1234",
        "Variable '$i' has invalid value at 'input.password': String cannot represent a non string value.",
    ),
    ("empty", "", ""),
]


@pytest.mark.parametrize(("message", "expected"), [w[1:] for w in WORDINGS], ids=[w[0] for w in WORDINGS])
def test_public_wording(message: str, expected: str | None) -> None:
    from schema.masking import public_wording

    expected = message.split(" Did you mean")[0] if expected is None else expected
    assert public_wording(message) == expected


@pytest.mark.settings(**PRODUCTION)
async def test_a_bad_variable_is_a_client_error_that_echoes_no_password(
    anonymous: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "hunter2-but-longer"
    body = (
        await anonymous.post(SIGN_IN, {"input": {"email": "a@example.com", "password": secret, "clinet": "WEB"}})
    ).json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == (
        "Variable '$input' has invalid value:"
        " Expected value of type 'SignInInput' not to include unknown field 'clinet'."
    )
    assert secret not in str(body)
    # Not masked as an internal error, so not logged as one with its traceback: one INFO line.
    assert not [r for r in caplog.records if r.name == "workestra.errors" and r.levelno >= logging.WARNING]


@pytest.mark.server
async def test_production_suggests_nothing_over_websocket(backend, tmp_path) -> None:
    from tests.support.server import GraphQLSocket, ServerProcess

    env = server_env(backend, tmp_path, ENVIRONMENT="production", SECRET_KEY="x" * 40)
    server = ServerProcess(env, tmp_path / "server.log").start()
    try:
        signed_up = httpx.post(
            f"{server.url}/graphql",
            json={
                "query": SIGN_UP_MOBILE,
                "variables": {"input": {**INPUT, "email": f"{uuid.uuid4().hex}@example.com", "client": "MOBILE"}},
            },
            timeout=10,
        ).json()["data"]["signUp"]
        socket = await GraphQLSocket.open(server.ws_url)
        assert (await socket.init({"authorization": f"Bearer {signed_up['token']}"}))["type"] == "connection_ack"
        for op_id, query in enumerate(
            ["subscription { activeSessions { id clent } }", "subscription($x: Acount) { activeSessions { id } }"]
        ):
            await socket.subscribe(query, op_id=str(op_id))
            answer = await socket.receive()
            assert answer["type"] == "error", answer
            assert answer["payload"] and "did you mean" not in json.dumps(answer).lower(), answer
        await socket.close()
    finally:
        server.stop()
