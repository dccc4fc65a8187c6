"""Global object identification and the cache-friendly payloads, through the public GraphQL API."""

from __future__ import annotations

import base64
import uuid

import pytest

from auth.clock import FrozenClock
from tests.support.actors import PASSWORD, ApiKeyClient, User, create_api_key, node_key
from tests.support.graphql import SIGN_IN, GraphQLClient, error_codes

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Account { email }
    ... on Session { current }
    ... on SecurityEvent { type }
    ... on ApiKey { name }
  }
}"""

NODES = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"

IDS = """
query {
  me { id }
  activeSessions { id }
  apiKeys { id }
  securityEvents(first: 100) { nodes { id } }
}"""

REVOKE_SESSION = """
mutation Revoke($id: ID!) {
  revokeSession(id: $id) {
    __typename
    ... on SessionRevoked { id session { __typename id current } }
    ... on Error { code }
  }
}"""

REVOKE_OTHERS = """
mutation { revokeAllOtherSessions { __typename ... on SessionsRevoked { count sessions { __typename id } } } }"""

REVOKE_KEY = """
mutation Revoke($id: ID!) {
  revokeApiKey(id: $id) { __typename ... on ApiKeyRevoked { id apiKey { __typename id name } } ... on Error { code } }
}"""

PAGE = """
query Page($first: Int, $after: String, $last: Int, $before: String) {
  securityEvents(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""

UNKNOWN_KEY = "00000000-0000-4000-8000-000000000000"


def gid(text: str) -> str:
    """A global id as the server spells them (standard base64 of "Type:key")."""
    return base64.b64encode(text.encode()).decode()


SIGN_IN_KNOWN_PHONE = "mutation($input: SignInInput!) { signIn(input: $input) { ... on SignedIn { deviceToken } } }"


async def sign_in_phone(make_client, user: User) -> tuple[GraphQLClient, str]:
    """A second (mobile) session of ``user``, and its global id."""
    phone = make_client()
    data = await phone.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD, "client": "MOBILE"}})
    phone.token = data["signIn"]["token"]
    return phone, data["signIn"]["session"]["id"]


async def own_ids(client: GraphQLClient) -> dict:
    """The global ids of everything the client's account owns, by kind."""
    data = await client.data(IDS)
    return {
        "Account": [data["me"]["id"]],
        "Session": [s["id"] for s in data["activeSessions"]],
        "ApiKey": [k["id"] for k in data["apiKeys"]],
        "SecurityEvent": [e["id"] for e in data["securityEvents"]["nodes"]],
    }


async def test_every_id_is_a_typed_random_key_that_node_resolves(user: User, other_user: User) -> None:
    await create_api_key(user.browser)
    ids = await own_ids(user.browser)
    for type_name, values in ids.items():
        assert values, type_name
        for value in values:
            prefix, key = base64.b64decode(value).decode().split(":", 1)
            # The key is a random UUID, never a counter: no id tells how many accounts or events exist.
            assert prefix == type_name and uuid.UUID(key).version == 4 and str(uuid.UUID(key)) == key
            node = (await user.browser.data(NODE, {"id": value}))["node"]
            assert node["__typename"] == type_name and node["id"] == value
    me = (await user.browser.data(NODE, {"id": ids["Account"][0]}))["node"]
    assert me["email"] == user.email
    # Two accounts made one after the other have unrelated ids.
    assert node_key(user.id) != node_key(other_user.id)


async def test_another_accounts_ids_answer_null_exactly_like_unknown_ones(user: User, other_user: User) -> None:
    await create_api_key(other_user.browser)
    for type_name, values in (await own_ids(other_user.browser)).items():
        unknown = gid(f"{type_name}:{UNKNOWN_KEY}")
        for value in values:
            foreign = await user.browser.execute(NODE, {"id": value})
            assert foreign == await user.browser.execute(NODE, {"id": unknown}) == {"data": {"node": None}}
        listed = await user.browser.execute(NODES, {"ids": [*values, unknown]})
        assert listed == {"data": {"nodes": [None] * (len(values) + 1)}}


HOSTILE_IDS = [
    "",
    " ",
    "x" * 10_000,
    "é",
    "\x00",
    "!!!!",
    "%%%",
    "U2Vzc2lvbjox",  # "Session:1": a counter is no key
    gid("Account:1"),
    gid("Account:2"),
    gid(f"Nobody:{UNKNOWN_KEY}"),
    gid(f"session:{UNKNOWN_KEY}"),
    gid(f"Session:{{{UNKNOWN_KEY}}}"),
    gid(f"Session:{UNKNOWN_KEY.upper()}"),
    gid(f"Session:{UNKNOWN_KEY}").rstrip("="),
    gid(f"Session:{UNKNOWN_KEY}") + "==",
    gid(f"Session:{UNKNOWN_KEY}\x00"),
    base64.b64encode(b"\xff\xfe:\x00").decode(),
    UNKNOWN_KEY,  # the bare key of an old-style id
]


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
async def test_hostile_ids_are_null_or_not_found_never_an_error(user: User, hostile: str) -> None:
    assert await user.browser.execute(NODE, {"id": hostile}) == {"data": {"node": None}}
    assert await user.browser.execute(NODES, {"ids": [hostile, user.id]}) == {
        "data": {"nodes": [None, {"__typename": "Account", "id": user.id}]}
    }
    revoked = await user.browser.data(REVOKE_SESSION, {"id": hostile})
    assert revoked["revokeSession"] == {"__typename": "NotFound", "code": "NOT_FOUND"}
    assert (await user.browser.data(REVOKE_KEY, {"id": hostile}))["revokeApiKey"]["code"] == "NOT_FOUND"


async def test_nodes_keeps_the_order_asked_and_caps_the_count(user: User) -> None:
    ids = await own_ids(user.browser)
    asked = [ids["SecurityEvent"][0], "nonsense", ids["Account"][0], ids["Session"][0], ids["Account"][0]]
    got = (await user.browser.data(NODES, {"ids": asked}))["nodes"]
    assert [node and node["__typename"] for node in got] == ["SecurityEvent", None, "Account", "Session", "Account"]
    assert [node["id"] for node in got if node] == [asked[0], *asked[2:]]
    too_many = await user.browser.execute(NODES, {"ids": [user.id] * 101})
    assert too_many["data"] is None and error_codes(too_many) == ["INVALID_INPUT"]
    assert too_many["errors"][0]["extensions"]["field"] == "ids"
    assert len((await user.browser.data(NODES, {"ids": [user.id] * 100}))["nodes"]) == 100


async def test_node_needs_a_credential_and_an_api_key_may_read(anonymous, api_key_client: ApiKeyClient) -> None:
    key = api_key_client.client
    me = (await key.data("query { me { id } }"))["me"]["id"]
    assert (await key.data(NODE, {"id": me}))["node"]["__typename"] == "Account"
    key_id = api_key_client.created["apiKey"]["id"]
    assert (await key.data(NODES, {"ids": [key_id]}))["nodes"] == [{"__typename": "ApiKey", "id": key_id}]
    body = await anonymous.execute(NODE, {"id": me})
    assert body["data"] == {"node": None} and error_codes(body) == ["UNAUTHENTICATED"]


async def test_revokes_refuse_an_id_of_another_type(user: User, make_client) -> None:
    phone, phone_id = await sign_in_phone(make_client, user)
    created = await create_api_key(user.browser)
    key_id = created["apiKey"]["id"]
    for wrong in (key_id, user.id, gid(f"ApiKey:{node_key(phone_id)}")):
        assert (await user.browser.data(REVOKE_SESSION, {"id": wrong}))["revokeSession"]["code"] == "NOT_FOUND"
    for wrong in (phone_id, user.id, gid(f"Session:{node_key(key_id)}")):
        assert (await user.browser.data(REVOKE_KEY, {"id": wrong}))["revokeApiKey"]["code"] == "NOT_FOUND"
    # Nothing was revoked by the refused ids.
    assert (await phone.data("query { me { id } }"))["me"] == {"id": user.id}
    assert (await own_ids(user.browser))["ApiKey"] == [key_id]


async def test_revoke_payloads_name_the_ended_objects_for_a_normalised_cache(user: User, make_client) -> None:
    phone, phone_id = await sign_in_phone(make_client, user)
    revoked = (await user.browser.data(REVOKE_SESSION, {"id": phone_id}))["revokeSession"]
    assert revoked == {
        "__typename": "SessionRevoked",
        "id": phone_id,
        "session": {"__typename": "Session", "id": phone_id, "current": False},
    }
    # The ended session is gone for node as it is from activeSessions.
    assert (await user.browser.data(NODE, {"id": phone_id}))["node"] is None
    tablet, tablet_id = await sign_in_phone(make_client, user)
    laptop, laptop_id = await sign_in_phone(make_client, user)
    others = (await user.browser.data(REVOKE_OTHERS))["revokeAllOtherSessions"]
    assert others["count"] == 2
    assert sorted(s["id"] for s in others["sessions"]) == sorted([tablet_id, laptop_id])
    assert {s["__typename"] for s in others["sessions"]} == {"Session"}
    created = await create_api_key(user.browser)
    key_id = created["apiKey"]["id"]
    gone = (await user.browser.data(REVOKE_KEY, {"id": key_id}))["revokeApiKey"]
    assert gone == {
        "__typename": "ApiKeyRevoked",
        "id": key_id,
        "apiKey": {"__typename": "ApiKey", "id": key_id, "name": created["apiKey"]["name"]},
    }
    assert (await user.browser.data(NODE, {"id": key_id}))["node"] is None
    assert (await user.browser.data(REVOKE_KEY, {"id": key_id}))["revokeApiKey"]["code"] == "NOT_FOUND"


async def test_the_log_pages_backwards_with_last_and_before(user: User, make_client, clock: FrozenClock) -> None:
    # Ten events: the sign-up, a new phone's sign-in and its alert, then seven sign-ins of that known phone.
    device_token = None
    for _ in range(8):
        clock.advance(1)
        fields = {"email": user.email, "password": PASSWORD, "client": "MOBILE", "deviceToken": device_token}
        device_token = (await make_client().data(SIGN_IN_KNOWN_PHONE, {"input": fields}))["signIn"]["deviceToken"]
    everything = (await user.browser.data(PAGE, {"first": 100}))["securityEvents"]
    newest_first = [edge["node"]["id"] for edge in everything["edges"]]
    assert len(newest_first) == 10 and everything["nodes"] == [edge["node"] for edge in everything["edges"]]
    seen: list[str] = []
    before = None
    while True:
        page = (await user.browser.data(PAGE, {"last": 4, "before": before}))["securityEvents"]
        seen = [node["id"] for node in page["nodes"]] + seen
        info = page["pageInfo"]
        assert info["startCursor"] == page["edges"][0]["cursor"] and info["endCursor"] == page["edges"][-1]["cursor"]
        assert info["hasNextPage"] is (before is not None)
        if not info["hasPreviousPage"]:
            break
        before = info["startCursor"]
    assert seen == newest_first
    # Forward from the middle: the cursor's own event precedes the page.
    middle = everything["edges"][4]["cursor"]
    forward = (await user.browser.data(PAGE, {"first": 2, "after": middle}))["securityEvents"]
    assert [n["id"] for n in forward["nodes"]] == newest_first[5:7]
    assert forward["pageInfo"]["hasPreviousPage"] is True and forward["pageInfo"]["hasNextPage"] is True
    between = (await user.browser.data(PAGE, {"last": 100, "before": middle}))["securityEvents"]
    assert [n["id"] for n in between["nodes"]] == newest_first[:4]


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 2, "last": 2}, "last"),
        ({"last": 0}, "last"),
        ({"last": 101}, "last"),
        ({"last": 2, "before": "garbage"}, "before"),
        ({"last": 2, "before": gid(f"SecurityEvent:{UNKNOWN_KEY}")}, "before"),
    ],
)
async def test_bad_backward_arguments_are_invalid_input(user: User, variables: dict, field: str) -> None:
    body = await user.browser.execute(PAGE, variables)
    assert body["data"] is None and error_codes(body) == ["INVALID_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field


async def test_an_events_global_id_is_not_its_cursor(user: User) -> None:
    page = (await user.browser.data(PAGE, {"first": 1}))["securityEvents"]
    assert page["edges"][0]["cursor"] != page["nodes"][0]["id"]
    body = await user.browser.execute(PAGE, {"first": 1, "after": page["nodes"][0]["id"]})
    assert error_codes(body) == ["INVALID_INPUT"]
