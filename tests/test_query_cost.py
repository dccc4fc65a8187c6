"""The work one document may cause is bounded before the expensive validation rules run (QUERY_TOO_COMPLEX)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from graphql import get_introspection_query, parse
from strawberry.extensions import query_depth_limiter

from schema import cost
from schema.cost import measure_document
from tests.support.actors import PASSWORD, User
from tests.support.databases import Backend
from tests.support.graphql import SESSION_FIELDS, GraphQLClient
from tests.support.live import signed_in_socket, start_server
from tests.support.server import ServerProcess

MARKER = "zq7marker"  # placed in every hostile document: the refusal must never repeat it
POLICY_FIELDS = ("minLength", "maxLength", "historySize", "__typename")


def same_name_fields(copies: int) -> str:
    """Many ``passwordPolicy`` selections whose sub-selections differ: quadratic for the overlap rule."""
    fields = " ".join(f"passwordPolicy {{ {POLICY_FIELDS[i % 4]} }}" for i in range(copies))
    return f"query {MARKER} {{ {fields} }}"


def fragment_bomb(spreads: int, levels: int) -> str:
    """Fragments that each spread the next one many times: ``spreads ** levels`` selections expanded."""
    chain = " ".join(f"fragment F{i} on Query {{ {' '.join([f'...F{i + 1}'] * spreads)} }}" for i in range(levels))
    return f"query {MARKER} {{ ...F0 }} {chain} fragment F{levels} on Query {{ passwordPolicy {{ minLength }} }}"


HOSTILE = {
    "same-name fields, differing sub-selections": same_name_fields(100),
    "activeSessions { device } repeated": (
        f"query {MARKER} {{ "
        + " ".join(f"activeSessions {{ device {{ {('browser', 'os')[i % 2]} }} }}" for i in range(120))
        + " }"
    ),
    "inline fragments of the same field": (
        f"query {MARKER} {{ passwordPolicy {{ "
        + " ".join(f"... on PasswordPolicy {{ {POLICY_FIELDS[i % 4]} }}" for i in range(150))
        + " } }"
    ),
    "fragment expansion bomb": fragment_bomb(30, 6),
    "many directives": f"query {MARKER} {{ passwordPolicy {{ minLength {'@include(if: true) ' * 60}}} }}",
    "many unknown directives": (
        f"query {MARKER} {{ passwordPolicy {{ minLength {' '.join(f'@d{i}' for i in range(60))} }} }}"
    ),
    "directives multiplied by fragments": (
        f"query {MARKER} {{ ...A ...A ...A ...A ...A ...A ...A ...A ...A ...A }} "
        f"fragment A on Query {{ passwordPolicy {{ minLength @skip(if: false) @skip(if: false) "
        "@skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) } }"
    ),
    "many arguments": (
        f"query {MARKER} {{ passwordPolicy({', '.join(f'a{i}: {i}' for i in range(60))}) {{ minLength }} }}"
    ),
    "arguments multiplied by fragments": (
        f'query {MARKER} {{ {" ".join(["...A"] * 60)} }} fragment A on Query {{ __type(name: "Account") {{ name }} }}'
    ),
    "over the token limit": f"query {MARKER} {{ passwordPolicy {{ {'minLength ' * 1000}}} }}",
    "long string argument": (
        f'query {MARKER} {{ securityEvents(after: "{"x" * 20_000}") {{ pageInfo {{ hasNextPage }} }} }}'
    ),
    "long comment": f"query {MARKER} {{ passwordPolicy {{ minLength }} }} # {'x' * 20_000}",
}


def assert_refused(body: dict, limit_word: str | None = None) -> None:
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert MARKER not in str(body) and "locations" not in error
    if limit_word:
        assert limit_word in error["message"]


@pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
async def test_hostile_documents_are_refused_with_a_code(anonymous: GraphQLClient, document: str) -> None:
    response = await anonymous.post(document)
    assert response.status_code == 200
    assert_refused(response.json())
    request_id = response.json()["errors"][0]["extensions"].get("requestId")
    assert request_id in {None, response.headers["x-request-id"]}
    # The service goes on serving.
    assert (await anonymous.data("{ passwordPolicy { minLength } }"))["passwordPolicy"]["minLength"] == 8


async def test_a_fragment_bomb_is_refused_before_any_rule_expands_it(
    anonymous: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Strawberry's depth rule walks every spread afresh: 40**5 walks would take minutes. Count them instead.
    walks = 0
    determine_depth = query_depth_limiter.determine_depth

    def counted(*args: object, **kwargs: object) -> int:
        nonlocal walks
        walks += 1
        if walks > 10_000:
            raise RuntimeError("the depth rule is expanding the fragment bomb")
        return determine_depth(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(query_depth_limiter, "determine_depth", counted)
    assert_refused(await anonymous.execute(fragment_bomb(40, 5)), "selections")
    assert walks == 0


def directives_document(count: int) -> str:
    fields = " ".join(f"{POLICY_FIELDS[i % 3]} @include(if: true)" for i in range(count))
    return f"query {MARKER} {{ passwordPolicy {{ {fields} }} }}"


def arguments_document(count: int) -> str:
    return f"query {MARKER} {{ passwordPolicy({', '.join(f'a{i}: {i}' for i in range(count))}) {{ minLength }} }}"


async def test_the_default_directive_and_argument_limits(anonymous: GraphQLClient) -> None:
    # 10 directives and 20 arguments (the defaults) are admitted; one more of either is refused.
    admitted = await anonymous.data(directives_document(10).replace(f"query {MARKER}", "query"))
    assert admitted["passwordPolicy"]["minLength"] == 8
    assert_refused(await anonymous.execute(directives_document(11)), "more than 10 directives")
    # The unknown arguments are ordinary validation errors up to the limit, never QUERY_TOO_COMPLEX.
    within = await anonymous.execute(arguments_document(20))
    codes = [error.get("extensions", {}).get("code") for error in within["errors"]]
    assert codes and "QUERY_TOO_COMPLEX" not in codes
    assert_refused(await anonymous.execute(arguments_document(21)), "more than 20 arguments")


async def test_the_overlap_rule_stops_at_its_budget(anonymous: GraphQLClient) -> None:
    # Inside every other limit (403 tokens, 200 selections), yet thousands of field comparisons.
    assert_refused(await anonymous.execute(same_name_fields(100)), "field comparisons")
    # A few repeats stay well inside the budget and merge as usual.
    data = await anonymous.data(same_name_fields(8).replace(f"query {MARKER}", "query"))
    assert data["passwordPolicy"] == {
        "minLength": 8,
        "maxLength": 128,
        "historySize": 5,
        "__typename": "PasswordPolicy",
    }


@pytest.mark.settings(
    max_selections=10, max_directives=2, max_arguments=3, max_document_length=200, max_field_comparisons=5
)
async def test_the_limits_are_settings(anonymous: GraphQLClient) -> None:
    assert (await anonymous.data("{ passwordPolicy { minLength maxLength historySize } }"))["passwordPolicy"]
    eleven = "{ passwordPolicy { " + " ".join(f"a{i}: minLength" for i in range(10)) + " } }"
    assert_refused(await anonymous.execute(eleven), "more than 10 selections")
    directives = "{ passwordPolicy { minLength @skip(if: false) @skip(if: false) @skip(if: false) } }"
    assert_refused(await anonymous.execute(directives), "more than 2 directives")
    arguments = '{ a: __type(name: "A") { name } b: __type(name: "B") { name } c: __type(name: "C") { name } '
    assert (await anonymous.data(arguments + "}"))["a"] is None
    assert_refused(await anonymous.execute(arguments + 'd: __type(name: "D") { name } }'), "more than 3 arguments")
    assert_refused(await anonymous.execute("{ passwordPolicy { minLength } } #" + "x" * 200), "200 characters")
    repeats = "{ passwordPolicy { minLength } passwordPolicy { maxLength } passwordPolicy { historySize } }"
    assert_refused(await anonymous.execute(repeats), "more than 5 field comparisons")


SECURITY_PAGE = f"""
query SecurityPage($first: Int!) {{
  me {{ id email twoFactorEnabled backupCodesRemaining passwordChangedAt createdAt }}
  activeSessions {{ {SESSION_FIELDS} }}
  securityEvents(first: $first) {{
    edges {{ cursor node {{ id type occurredAt ipAddress location device {{ browser os }} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
  apiKeys {{ id name prefix createdAt lastUsedAt expiresAt }}
  passwordPolicy {{ minLength maxLength historySize }}
}}"""

# The same page written the way generated clients write it: one fragment per component, spread side by side.
SECURITY_PAGE_FRAGMENTS = """
query SecurityPage {
  me { ...AccountHeader ...PasswordSection ...TwoFactorSection }
  activeSessions { ...SessionRow ...SessionDevice id current }
  securityEvents(first: 20) { edges { cursor node { ...EventRow } } pageInfo { hasNextPage endCursor } }
  apiKeys { ...ApiKeyRow }
  passwordPolicy { ...Policy }
}
fragment AccountHeader on Account { id email createdAt }
fragment PasswordSection on Account { id passwordChangedAt }
fragment TwoFactorSection on Account { id twoFactorEnabled backupCodesRemaining }
fragment SessionRow on Session { id client current lastActiveAt createdAt expiresAt location ipAddress }
fragment SessionDevice on Session { id device { browser os } }
fragment EventRow on SecurityEvent { id type occurredAt ipAddress location device { ...Device } }
fragment Device on Device { browser os }
fragment ApiKeyRow on ApiKey { id name prefix createdAt lastUsedAt expiresAt }
fragment Policy on PasswordPolicy { minLength maxLength historySize }
"""


@pytest.mark.parametrize("document", [SECURITY_PAGE, SECURITY_PAGE_FRAGMENTS], ids=["plain", "fragments"])
async def test_the_whole_security_page_in_one_document_passes(user: User, document: str) -> None:
    data = await user.browser.data(document, {"first": 20} if "$first" in document else None)
    assert data["me"]["email"] == user.email
    assert [session["current"] for session in data["activeSessions"]] == [True]
    assert data["securityEvents"]["edges"][0]["node"]["type"] == "SIGN_UP"
    assert data["passwordPolicy"]["historySize"] == 5


async def test_graphiql_introspection_passes_in_development(anonymous: GraphQLClient) -> None:
    # What GraphiQL sends on load, with every optional part it asks for.
    introspection = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    data = await anonymous.data(introspection)
    assert "Account" in {named["name"] for named in data["__schema"]["types"]}


async def test_the_readme_examples_pass(anonymous: GraphQLClient) -> None:
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    signed_up = await anonymous.data(
        f'mutation {{ signUp(input: {{email: "{email}", password: "{PASSWORD}"}}) {{ __typename '
        "... on SignedIn { account { id email } session { id device { browser os } ipAddress } } "
        "... on Error { code message } } }"
    )
    assert signed_up["signUp"]["__typename"] == "SignedIn"
    phone = await anonymous.data(
        f'mutation {{ signIn(input: {{email: "{email}", password: "{PASSWORD}", client: MOBILE}}) {{ '
        "__typename ... on SignedIn { token session { id } } ... on Error { code message } } }"
    )
    assert phone["signIn"]["__typename"] == "SignedIn"
    listed = await anonymous.data(
        "query { me { email } activeSessions { id current device { browser } lastActiveAt } }"
    )
    assert listed["me"]["email"] == email and len(listed["activeSessions"]) == 2


async def test_repeated_documents_are_validated_once(anonymous: GraphQLClient, monkeypatch: pytest.MonkeyPatch) -> None:
    validated = []
    validate = cost.validate_acyclic

    def counted(*args: Any, **kwargs: Any) -> Any:
        validated.append(args[1])
        return validate(*args, **kwargs)

    monkeypatch.setattr(cost, "validate_acyclic", counted)
    document = f"query Cached{uuid.uuid4().hex} {{ passwordPolicy {{ minLength }} }}"
    for _ in range(3):
        assert (await anonymous.data(document))["passwordPolicy"]["minLength"] == 8
    assert len(validated) == 1
    assert (await anonymous.data(document.replace("minLength", "maxLength")))["passwordPolicy"]["maxLength"] == 128
    assert len(validated) == 2


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("{ a }", (1, 0, 0)),
        ("{ a(x: 1, y: {z: [1, 2]}) { b c } d @skip(if: true) }", (4, 1, 3)),
        ("query @x { ...F } fragment F on Query { a b }", (3 + 2, 1, 0)),  # spread + 2 expanded, plus F once
        ("{ ...F ...F ...F } fragment F on Q { a(x: 1) @d }", (3 + 3 + 1, 3 + 1, 3 + 1)),
        ("{ ... on Q { a } ... { b } }", (4, 0, 0)),
        ("{ ...Missing }", (1, 0, 0)),
        ("{ ...A } fragment A on Q { ...B } fragment B on Q { ...A x }", (1 + 3 + 3, 0, 0)),  # a cycle adds nothing
        ("{ ...A } fragment A on Q { ...A }", (1 + 1 + 1, 0, 0)),
        ("query($v: Int @d(a: 1)) { a }", (1, 1, 1)),
        ("{ a } { b } fragment Unused on Q { c d }", (2 + 2, 0, 0)),
    ],
)
def test_document_size_counts_fragments_expanded(document: str, expected: tuple[int, int, int]) -> None:
    size = measure_document(parse(document), cap=1_000)
    assert (size.selections, size.directives, size.arguments) == expected


def test_document_size_saturates_at_the_cap_for_a_bomb() -> None:
    # 50 ** 12 selections expanded: counted per fragment, never walked.
    size = measure_document(parse(fragment_bomb(50, 12)), cap=500)
    assert size.selections == 501


@pytest.fixture(scope="module")
def server(backend: Backend, tmp_path_factory: pytest.TempPathFactory):
    process = start_server(backend, tmp_path_factory.mktemp("cost-server"))
    yield process
    process.stop()


def subscription_bomb(spreads: int, levels: int) -> str:
    return (
        fragment_bomb(spreads, levels)
        .replace("query ", "subscription ")
        .replace("on Query", "on Subscription")
        .replace("passwordPolicy { minLength }", "activeSessions { id }")
    )


HOSTILE_SUBSCRIPTIONS = {
    "same-name fields": (
        f"subscription {MARKER} {{ activeSessions {{ "
        + " ".join(f"device {{ {('browser', 'os')[i % 2]} }}" for i in range(80))
        + " } }"
    ),
    "fragment expansion bomb": subscription_bomb(30, 6),
    "long comment": f"subscription {MARKER} {{ activeSessions {{ id }} }} # {'x' * 20_000}",
}


@pytest.mark.server
@pytest.mark.parametrize("hostile", HOSTILE_SUBSCRIPTIONS.values(), ids=HOSTILE_SUBSCRIPTIONS.keys())
async def test_subscriptions_over_websocket_obey_the_limits(server: ServerProcess, hostile: str) -> None:
    socket = await signed_in_socket(server)
    try:
        await socket.subscribe(hostile, op_id="hostile")
        refusal = await socket.receive()
        assert refusal["type"] == "error" and refusal["id"] == "hostile", refusal
        [error] = refusal["payload"]
        assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX" and MARKER not in str(refusal)
        # The socket stays usable for a document within the limits.
        await socket.subscribe("subscription { activeSessions { id current } }", op_id="fine")
        assert (await socket.next_data())["activeSessions"][0]["current"] is True
    finally:
        await socket.close()


@pytest.mark.server
async def test_a_syntax_error_over_websocket_still_closes_with_4400(server: ServerProcess) -> None:
    # The parsing moved into the cost extension; a syntax error is still Strawberry's to report, and over
    # graphql-transport-ws that is a 4400 close (raised from a parse hook it became a bare `complete`).
    socket = await signed_in_socket(server)
    try:
        await socket.subscribe("subscription { activeSessions { id ", op_id="broken")
        assert await socket.closed_with() == 4400
    finally:
        await socket.close()
