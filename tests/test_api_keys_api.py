"""API keys through the GraphQL API: shown once, listed without the key, read-only, revocable, expiring."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)

from auth.clock import FrozenClock
from models import ApiKey, Session
from schema import schema
from tests.support.actors import (
    PASSWORD,
    ApiKeyClient,
    User,
    create_api_key,
    key_client,
    node_key,
    reauthenticate,
)
from tests.support.databases import every_stored_text
from tests.support.graphql import (
    ACTIVE_SESSIONS,
    ME,
    PASSWORD_POLICY,
    SIGN_IN,
    error_codes,
)
from tests.support.live import key_socket, server_env
from tests.support.live import sign_up as sign_up_on_server
from tests.support.server import GraphQLSocket, ServerProcess

DAY = 86400

LIST = "query { apiKeys { id name prefix createdAt lastUsedAt expiresAt } }"

REVOKE = """
mutation Revoke($id: ID!) {
  revokeApiKey(id: $id) { __typename ... on ApiKeyRevoked { id } ... on Error { code } }
}"""

EVENTS = "query { securityEvents(first: 100) { edges { node { type sessionId } } } }"


async def test_a_key_is_shown_once_and_stored_only_as_a_hash(user: User, clock: FrozenClock) -> None:
    created = await create_api_key(user.browser, "  CI dashboard  ")
    assert created["__typename"] == "ApiKeyCreated"
    secret = created["secret"]
    assert secret.startswith("wk_") and len(secret) >= 3 + 43  # 256 bits of URL-safe base64
    assert created["apiKey"] == {
        "id": created["apiKey"]["id"],
        "name": "CI dashboard",
        "prefix": secret[:11],
        "createdAt": clock.now().isoformat(),
        "lastUsedAt": None,
        "expiresAt": None,
    }
    row = await ApiKey.get(id=node_key(created["apiKey"]["id"]))
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = await every_stored_text()
    assert all(secret[3:] not in value for value in stored)
    listed = await user.browser.execute(LIST)
    assert secret[3:] not in str(listed)
    assert listed["data"]["apiKeys"] == [created["apiKey"]]


async def test_keys_are_unique_and_listed_newest_first(user: User, clock: FrozenClock) -> None:
    first = await create_api_key(user.browser, "one")
    clock.advance(5)
    second = await create_api_key(user.browser, "two")
    assert first["secret"] != second["secret"] and first["apiKey"]["prefix"] != second["apiKey"]["prefix"]
    names = [key["name"] for key in (await user.browser.data(LIST))["apiKeys"]]
    assert names == ["two", "one"]


@pytest.mark.settings(max_api_keys=3)
async def test_an_account_holds_a_bounded_number_of_live_keys(user: User, other_user: User, clock: FrozenClock) -> None:
    first = await create_api_key(user.browser, "one")
    await create_api_key(user.browser, "two", expires_at=(clock.now() + timedelta(hours=1)).isoformat())
    await create_api_key(user.browser, "three")
    refused = await create_api_key(user.browser, "four")
    assert refused == {
        "__typename": "InvalidInput",
        "code": "INVALID_INPUT",
        "field": "input",
        "message": "An account can hold at most 3 API keys; revoke one first.",
    }
    assert len((await user.browser.data(LIST))["apiKeys"]) == 3
    # Each account has its own allowance; revoked and expired keys give room back.
    assert (await create_api_key(other_user.browser))["__typename"] == "ApiKeyCreated"
    await user.browser.data(REVOKE, {"id": first["apiKey"]["id"]})
    assert (await create_api_key(user.browser, "four"))["__typename"] == "ApiKeyCreated"
    clock.advance(3600)
    assert (await reauthenticate(user.browser, password=PASSWORD))["__typename"] == "Reauthenticated"
    assert (await create_api_key(user.browser, "five"))["__typename"] == "ApiKeyCreated"
    assert (await create_api_key(user.browser, "six"))["__typename"] == "InvalidInput"


async def test_keys_are_private(user: User, other_user: User) -> None:
    mine = await create_api_key(user.browser)
    assert (await other_user.browser.data(LIST))["apiKeys"] == []
    assert (await other_user.browser.data(REVOKE, {"id": mine["apiKey"]["id"]}))["revokeApiKey"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("", "name"),
        ("   ", "name"),
        ("x" * 101, "name"),
        ("a\x00b", "name"),
        ("a\nb", "name"),
        ("evil\u202etxt", "name"),
        # The same characters a stored User-Agent never keeps: DEL, C1 controls, separators, isolates.
        ("a\x7fb", "name"),
        ("a\x85b", "name"),
        ("a\u2028b", "name"),
        ("a\u2066b", "name"),
    ],
)
async def test_a_bad_name_is_invalid_input(user: User, name: str, field: str) -> None:
    refused = await create_api_key(user.browser, name)
    assert (refused["__typename"], refused["code"], refused["field"]) == ("InvalidInput", "INVALID_INPUT", field)
    assert await ApiKey.all().count() == 0


async def test_a_name_of_100_characters_is_fine(user: User) -> None:
    assert (await create_api_key(user.browser, " " + "é" * 100 + " "))["apiKey"]["name"] == "é" * 100


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(seconds=-1), timedelta(days=-400)])
async def test_an_expiry_that_is_not_in_the_future_is_invalid_input(
    user: User, clock: FrozenClock, offset: timedelta
) -> None:
    refused = await create_api_key(user.browser, expires_at=(clock.now() + offset).isoformat())
    assert (refused["__typename"], refused["field"]) == ("InvalidInput", "expiresAt")


@pytest.mark.parametrize(
    "expires_at", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "9999-12-31T23:30:00-14:00"]
)
async def test_an_expiry_off_the_edge_of_the_calendar_is_invalid_input(user: User, expires_at: str) -> None:
    refused = await create_api_key(user.browser, expires_at=expires_at)
    assert (refused["__typename"], refused["code"], refused["field"]) == ("InvalidInput", "INVALID_INPUT", "expiresAt")
    assert await ApiKey.all().count() == 0


@pytest.mark.parametrize(
    ("expires_at", "stored"),
    [
        ("9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59+00:00"),
        ("9999-12-31T23:59:59+01:00", "9999-12-31T22:59:59+00:00"),
        ("0001-01-01T00:00:00-01:00", None),
    ],
)
async def test_an_expiry_at_the_edge_of_the_calendar_is_kept_or_refused_as_past(
    user: User, expires_at: str, stored: str | None
) -> None:
    answer = await create_api_key(user.browser, expires_at=expires_at)
    if stored is None:
        assert (answer["__typename"], answer["field"]) == ("InvalidInput", "expiresAt")
    else:
        assert answer["apiKey"]["expiresAt"] == stored
        assert [key["expiresAt"] for key in (await user.browser.data(LIST))["apiKeys"]] == [stored]


async def test_a_key_works_until_its_expiry(user: User, make_client, clock: FrozenClock) -> None:
    expiry = clock.now() + timedelta(hours=1)
    created = await create_api_key(user.browser, expires_at=expiry.isoformat())
    assert created["apiKey"]["expiresAt"] == expiry.isoformat()
    key = key_client(make_client, created["secret"])
    clock.advance(3599)
    assert (await key.data(ME))["me"]["email"] == user.email
    clock.advance(1)
    assert (await key.data(ME))["me"] is None
    assert error_codes(await key.execute(LIST)) == ["UNAUTHENTICATED"]
    # Still listed (so its owner sees it expired) until revoked.
    assert [k["id"] for k in (await user.browser.data(LIST))["apiKeys"]] == [created["apiKey"]["id"]]


async def test_a_key_without_expiry_never_expires(user: User, make_client, clock: FrozenClock) -> None:
    created = await create_api_key(user.browser)
    key = key_client(make_client, created["secret"])
    clock.advance(400 * DAY)
    assert (await key.data(ME))["me"]["email"] == user.email
    assert (await user.browser.data(ME))["me"] is None  # the browser session expired long ago


async def test_a_key_reads_everything_it_may(user: User, api_key_client: ApiKeyClient) -> None:
    created, key = api_key_client.created, api_key_client.client
    assert (await key.data(ME))["me"]["id"] == user.id
    sessions = (await key.data(ACTIVE_SESSIONS))["activeSessions"]
    assert [(s["id"], s["current"]) for s in sessions] == [(user.session_id, False)]  # a key is not a session
    assert [e["node"]["type"] for e in (await key.data(EVENTS))["securityEvents"]["edges"]] == [
        "API_KEY_CREATED",
        "SIGN_UP",
    ]
    assert [k["id"] for k in (await key.data(LIST))["apiKeys"]] == [created["apiKey"]["id"]]
    assert (await key.data(PASSWORD_POLICY))["passwordPolicy"]["minLength"] == 8


def _literal(gql_type) -> str:
    """A syntactically valid value of a GraphQL input type (what it says does not matter: it is refused first)."""
    if isinstance(gql_type, GraphQLNonNull):
        return _literal(gql_type.of_type)
    if isinstance(gql_type, GraphQLList):
        return f"[{_literal(gql_type.of_type)}]"
    if isinstance(gql_type, GraphQLEnumType):
        return next(iter(gql_type.values))
    if isinstance(gql_type, GraphQLInputObjectType):
        required = {name: f for name, f in gql_type.fields.items() if isinstance(f.type, GraphQLNonNull)}
        fields = [f"{name}: {_literal(f.type)}" for name, f in required.items()]
        return "{" + ", ".join(fields) + "}"
    assert isinstance(gql_type, GraphQLScalarType)
    return {"Boolean": "true", "Int": "1", "Float": "1.0", "DateTime": '"2030-01-01T00:00:00+00:00"'}.get(
        gql_type.name, '"correct horse battery staple"'
    )


def _mutation_documents() -> dict[str, str]:
    documents = {}
    for name, field in schema._schema.mutation_type.fields.items():
        args = [f"{arg}: {_literal(a.type)}" for arg, a in field.args.items() if isinstance(a.type, GraphQLNonNull)]
        call = f"{name}({', '.join(args)})" if args else name
        documents[name] = f"mutation {{ {call} {{ __typename }} }}"
    return documents


async def test_every_mutation_is_forbidden_to_a_key(user: User, api_key_client: ApiKeyClient, make_client) -> None:
    created, key = api_key_client.created, api_key_client.client
    documents = _mutation_documents()
    assert {"signUp", "signIn", "changePassword", "createApiKey", "revokeApiKey", "signOutEverywhere"} <= set(documents)
    for name, document in documents.items():
        body = await key.execute(document)
        assert error_codes(body) == ["FORBIDDEN"], (name, body)
        assert body["data"] is None, name
    # Nothing happened: the session is live, no key was made or revoked, the password is unchanged.
    assert await Session.filter(ended_at=None).count() == 1
    assert [k["id"] for k in (await key.data(LIST))["apiKeys"]] == [created["apiKey"]["id"]]
    signed_in = await make_client().data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    assert signed_in["signIn"]["__typename"] == "SignedIn"


async def test_the_same_mutations_still_work_with_a_session(user: User) -> None:
    # The forbidding is about the credential, not the operation: the session may create and revoke.
    created = await create_api_key(user.browser)
    revoked = await user.browser.data(REVOKE, {"id": created["apiKey"]["id"]})
    assert revoked["revokeApiKey"] == {"__typename": "ApiKeyRevoked", "id": created["apiKey"]["id"]}


async def test_a_revoked_key_is_refused_and_creation_and_revocation_are_audited(
    user: User, api_key_client: ApiKeyClient
) -> None:
    created, key = api_key_client.created, api_key_client.client
    assert (await key.data(ME))["me"] is not None
    sessions_before = (await user.browser.data(ACTIVE_SESSIONS))["activeSessions"]
    assert (await user.browser.data(REVOKE, {"id": created["apiKey"]["id"]}))["revokeApiKey"]["__typename"] == (
        "ApiKeyRevoked"
    )
    assert (await key.data(ME))["me"] is None
    assert error_codes(await key.execute(ACTIVE_SESSIONS)) == ["UNAUTHENTICATED"]
    assert (await user.browser.data(REVOKE, {"id": created["apiKey"]["id"]}))["revokeApiKey"]["code"] == "NOT_FOUND"
    assert (await user.browser.data(LIST))["apiKeys"] == []
    assert (await user.browser.data(ACTIVE_SESSIONS))["activeSessions"] == sessions_before
    events = [e["node"] for e in (await user.browser.data(EVENTS))["securityEvents"]["edges"]]
    assert [e["type"] for e in events] == ["API_KEY_REVOKED", "API_KEY_CREATED", "SIGN_UP"]
    assert events[0]["sessionId"] == events[1]["sessionId"] == user.session_id


@pytest.mark.parametrize("bad_id", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000", "\x00", "x" * 10_000])
async def test_revoking_an_unknown_key_is_not_found(user: User, bad_id: str) -> None:
    assert (await user.browser.data(REVOKE, {"id": bad_id}))["revokeApiKey"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("credential", ["wk_", "wk_nonsense", "wk_" + "A" * 43, "wk_" + "A" * 200, "wk_%00x"])
async def test_a_made_up_key_is_nobody(user: User, make_client, credential: str) -> None:
    await create_api_key(user.browser)
    assert (await make_client().data(ME, headers={"authorization": f"Bearer {credential}"}))["me"] is None


async def test_last_use_is_written_at_most_once_a_minute(
    user: User, api_key_client: ApiKeyClient, clock: FrozenClock
) -> None:
    created, key = api_key_client.created, api_key_client.client
    key_id = node_key(created["apiKey"]["id"])
    start = clock.now()
    await key.data(ME)
    assert (await ApiKey.get(id=key_id)).last_used_at == start
    clock.advance(59)
    await key.data(ME)
    assert (await ApiKey.get(id=key_id)).last_used_at == start
    clock.advance(1)
    await key.data(ME)
    listed = (await user.browser.data(LIST))["apiKeys"][0]
    assert listed["lastUsedAt"] == clock.now().isoformat()


# Over a real WebSocket (graphql-transport-ws), with a uvicorn server of its own.


@pytest.mark.server
async def test_a_key_subscribes_and_its_socket_closes_when_it_is_revoked(live_server: ServerProcess) -> None:
    _, laptop = await sign_up_on_server(live_server)
    created = await create_api_key(laptop.client)
    socket = await key_socket(live_server, created["secret"])
    await socket.subscribe("subscription { activeSessions { id current } }")
    assert (await socket.next_data())["activeSessions"] == [{"id": laptop.session_id, "current": False}]
    revoked = await laptop.client.data(REVOKE, {"id": created["apiKey"]["id"]})
    assert revoked["revokeApiKey"]["__typename"] == "ApiKeyRevoked"
    assert await socket.closed_with(timeout=1) == 4403


@pytest.mark.server
async def test_a_revoked_key_cannot_open_a_socket(live_server: ServerProcess) -> None:
    _, laptop = await sign_up_on_server(live_server)
    created = await create_api_key(laptop.client)
    await laptop.client.data(REVOKE, {"id": created["apiKey"]["id"]})
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.send({"type": "connection_init", "payload": {"authorization": f"Bearer {created['secret']}"}})
    assert await socket.closed_with() == 4403


@pytest.mark.server
async def test_a_key_cannot_run_a_mutation_over_the_socket_either(live_server: ServerProcess) -> None:
    _, laptop = await sign_up_on_server(live_server)
    created = await create_api_key(laptop.client)
    socket = await key_socket(live_server, created["secret"])
    await socket.subscribe("mutation { signOutEverywhere { __typename } }", op_id="m")
    message = await socket.receive()
    assert message["type"] in {"next", "error"}, message
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"]
    assert (await laptop.client.data(ME))["me"] is not None
    await socket.close()


@pytest.fixture(scope="module")
def sweeping_live_server(backend, tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("sweeping-keys")
    env = server_env(backend, directory, SESSION_SWEEP_INTERVAL="1")
    process = ServerProcess(env, directory / "server.log").start()
    yield process
    process.stop()


@pytest.mark.server
async def test_a_socket_opened_with_a_key_closes_when_the_key_expires(sweeping_live_server: ServerProcess) -> None:
    _, laptop = await sign_up_on_server(sweeping_live_server)
    expiry = datetime.now(UTC) + timedelta(seconds=2)
    created = await create_api_key(laptop.client, expires_at=expiry.isoformat())
    socket = await key_socket(sweeping_live_server, created["secret"])
    await socket.subscribe("subscription { activeSessions { id } }")
    assert len((await socket.next_data())["activeSessions"]) == 1
    # Expiry in 2 s and a sweep every second: the open subscription must not outlive the key.
    assert await socket.closed_with(timeout=6) == 4403
    assert datetime.now(UTC) >= expiry
