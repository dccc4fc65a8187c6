"""Each client (IP bucket) has a budget of parse+validate CPU; a client past it is refused before parsing."""

from __future__ import annotations

import asyncio
import gc
import json
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query

from tests.support.databases import Backend
from tests.support.graphql import GraphQLClient
from tests.support.live import signed_in_socket, start_server
from tests.support.parse_budget import BEHIND_PROXY, TIGHT, fresh_document
from tests.support.server import GraphQLSocket, ServerProcess

MARKER = "zq7budget"
KNOWN = "query Known { passwordPolicy { minLength maxLength } }"


async def send_until_refused(client: GraphQLClient, ip: str, tries: int = 300) -> dict[str, Any]:
    """Fresh documents from ``ip`` until one is refused over budget; that answer."""
    for _ in range(tries):
        body = await client.execute(fresh_document(), headers={"x-forwarded-for": ip})
        if body.get("errors"):
            return body
        assert body["data"]["passwordPolicy"]["minLength"] == 8
    raise AssertionError(f"{tries} fresh documents from one client were all admitted")


def assert_over_budget(body: dict[str, Any]) -> int:
    [error] = body["errors"]
    extensions = error["extensions"]
    assert extensions["code"] == "TOO_MANY_REQUESTS", body
    assert isinstance(extensions["retryAfterSeconds"], int) and extensions["retryAfterSeconds"] >= 1
    assert MARKER not in str(body) and "passwordPolicy" not in error["message"]
    assert body.get("data") is None
    return int(extensions["retryAfterSeconds"])


@pytest.mark.settings(**TIGHT)
async def test_a_client_past_its_budget_is_refused_and_others_are_not(anonymous: GraphQLClient) -> None:
    assert (await anonymous.data(KNOWN, headers={"x-forwarded-for": "203.0.113.250"}))["passwordPolicy"]
    assert_over_budget(await send_until_refused(anonymous, "203.0.113.7"))
    # Sent at once, the first documents put the client in debt and the rest are refused before parsing: even a
    # broken one gets the budget's answer, not a syntax error.
    headers = {"x-forwarded-for": "203.0.113.7"}
    *burst, broken = await asyncio.gather(
        *(anonymous.execute(fresh_document(), headers=headers) for _ in range(10)),
        anonymous.execute(f"query {MARKER} {{ passwordPolicy {{ ", headers=headers),
    )
    assert_over_budget(broken)
    assert sum("errors" in body for body in burst) >= 5
    # A document the caches hold costs next to nothing: it is served even to a client past its budget.
    *_, cached = await asyncio.gather(
        *(anonymous.execute(fresh_document(), headers=headers) for _ in range(10)),
        anonymous.execute(KNOWN, headers=headers),
    )
    assert cached["data"]["passwordPolicy"]["minLength"] == 8, cached
    # Another client is served as usual, fresh documents included.
    other = await anonymous.data(fresh_document(), headers={"x-forwarded-for": "203.0.113.8"})
    assert other["passwordPolicy"]["historySize"] == 5


@pytest.mark.settings(**TIGHT)
async def test_the_budget_refills(anonymous: GraphQLClient) -> None:
    retry_after = assert_over_budget(await send_until_refused(anonymous, "203.0.113.9"))
    await asyncio.sleep(retry_after)
    again = await anonymous.data(fresh_document(), headers={"x-forwarded-for": "203.0.113.9"})
    assert again["passwordPolicy"]["maxLength"] == 128


@pytest.mark.settings(**TIGHT)
async def test_an_ipv6_network_shares_one_budget(anonymous: GraphQLClient) -> None:
    assert_over_budget(await send_until_refused(anonymous, "2001:db8:1:2::1"))
    # A fresh address in the same /64 is the same client (sent along with a burst that puts it in debt) …
    *burst, same = await asyncio.gather(
        *(anonymous.execute(fresh_document(), headers={"x-forwarded-for": "2001:db8:1:2::1"}) for _ in range(10)),
        anonymous.execute(fresh_document(), headers={"x-forwarded-for": "2001:db8:1:2::abcd"}),
    )
    assert_over_budget(same)
    # … and the next /64 is another.
    other = await anonymous.data(fresh_document(), headers={"x-forwarded-for": "2001:db8:1:3::1"})
    assert other["passwordPolicy"]["minLength"] == 8


@pytest.mark.settings(trusted_proxies=BEHIND_PROXY)
async def test_a_cached_request_waits_for_one_fresh_step_not_for_every_client(anonymous: GraphQLClient) -> None:
    # Four clients, each with its budget left, send fresh documents at the moment a fifth sends one the caches
    # hold. Their parse and validation steps take turns on the loop, so the cached one is answered after the
    # first step, before any fresh document is through; run back to back, it would wait for all four.
    assert (await anonymous.data(KNOWN))["passwordPolicy"]["minLength"] == 8
    finished: list[str] = []

    async def send(name: str, document: str, ip: str) -> None:
        body = await anonymous.execute(document, headers={"x-forwarded-for": ip})
        assert body["data"]["passwordPolicy"]["minLength"] == 8, body
        finished.append(name)

    fresh = [send(f"fresh {k}", fresh_document(), f"203.0.113.{20 + k}") for k in range(4)]
    await asyncio.gather(*fresh, send("cached", KNOWN, "203.0.113.30"))
    assert finished[0] == "cached", finished
    assert sorted(finished[1:]) == [f"fresh {k}" for k in range(4)]


@pytest.mark.settings(trusted_proxies=BEHIND_PROXY)
async def test_fresh_documents_leave_no_cyclic_garbage(anonymous: GraphQLClient) -> None:
    # Garbage in reference cycles is freed only by the collector, whose passes stall the loop; parsing and
    # validating a fresh document used to leave about 800 such objects (tokens, rule visitors) behind.
    headers = {"x-forwarded-for": "203.0.113.40"}

    async def cyclic_garbage(documents: list[str]) -> int:
        gc.collect()
        gc.disable()
        try:
            for document in documents:
                body = await anonymous.execute(document, headers=headers)
                assert body["data"]["passwordPolicy"]["minLength"] == 8, body
            return gc.collect()
        finally:
            gc.enable()

    fragment = "fragment P on PasswordPolicy { maxLength }"
    spreads = [f"{fragment} query F{uuid.uuid4().hex} {{ passwordPolicy {{ ...P minLength }} }}" for _ in range(10)]
    cached = await cyclic_garbage([KNOWN] * 20)
    fresh = await cyclic_garbage([fresh_document() for _ in range(10)] + spreads)
    assert (fresh - cached) / 20 < 100, (fresh, cached)


@pytest.mark.settings(trusted_proxies=BEHIND_PROXY)
async def test_repeated_documents_never_use_up_the_budget(anonymous: GraphQLClient) -> None:
    # The page's documents come from the caches after the first time: hundreds of them cost next to nothing.
    document = "query Policy { passwordPolicy { minLength maxLength historySize } }"
    for _ in range(400):
        data = await anonymous.data(document, headers={"x-forwarded-for": "203.0.113.10"})
        assert data["passwordPolicy"]["minLength"] == 8


@pytest.mark.settings(trusted_proxies=BEHIND_PROXY, parse_cpu_ms_per_second=0, parse_cpu_burst_ms=0)
async def test_a_zero_budget_turns_the_budget_off(anonymous: GraphQLClient) -> None:
    for _ in range(150):
        body = await anonymous.execute(fresh_document(), headers={"x-forwarded-for": "203.0.113.11"})
        assert "errors" not in body, body


@pytest.fixture(scope="module")
def tight_server(backend: Backend, tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("budget-server")
    process = start_server(backend, directory, PARSE_CPU_MS_PER_SECOND="1", PARSE_CPU_BURST_MS="1")
    yield process
    process.stop()


@pytest.mark.server
async def test_subscriptions_over_websocket_share_the_budget(tight_server: ServerProcess) -> None:
    socket = await signed_in_socket(tight_server)
    try:
        refusal = None
        for i in range(8):
            fields = " ".join(f"device {{ {('browser', 'os')[k % 2]} }}" for k in range(8))
            await socket.subscribe(f"subscription {MARKER}{i} {{ activeSessions {{ id {fields} }} }}", op_id=f"s{i}")
            message = await socket.receive()
            if message["type"] == "error":
                refusal = message
                break
            assert message["type"] == "next" and message["id"] == f"s{i}", message
        assert refusal is not None, "eight fresh subscriptions at 1 ms per second were all admitted"
        [error] = refusal["payload"]
        assert error["extensions"]["code"] == "TOO_MANY_REQUESTS" and error["extensions"]["retryAfterSeconds"] >= 1
        assert MARKER not in str(refusal)
        # The socket stays open and usable once the wait is over.
        await asyncio.sleep(error["extensions"]["retryAfterSeconds"])
        await socket.subscribe("subscription { activeSessions { id current } }", op_id="later")
        assert (await socket.next_data())["activeSessions"][0]["current"] is True
    finally:
        await socket.close()


ROOT = Path(__file__).resolve().parent.parent
REFUSALS = ("TOO_MANY_REQUESTS", "QUERY_TOO_COMPLEX")


def page_documents() -> list[str]:
    """Every operation of the Security page as its client sends it (generated map, fragments appended)."""
    generated = (ROOT / "web/src/lib/gql/gql.ts").read_text()
    declared = generated[generated.index("type Documents = {") : generated.index("const documents")]
    texts = [json.loads(text) for text in re.findall(r'^ {4}("(?:[^"\\]|\\.)*"): typeof', declared, re.M)]
    fragments = {re.findall(r"fragment (\w+)", text)[0]: text for text in texts if text.lstrip().startswith("fragment")}
    operations = [text for text in texts if not text.lstrip().startswith("fragment")]
    return [text + "".join(fragments[name] for name in set(re.findall(r"\.\.\.(\w+)", text))) for text in operations]


def readme_documents() -> list[str]:
    """Every operation of the README's GraphQL examples."""
    blocks = re.findall(r"```graphql\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [
        op.strip()
        for block in blocks
        for op in re.split(r"^(?=query|mutation|subscription)", block, flags=re.M)
        if op.strip()
    ]


def refusal_codes(body: dict[str, Any]) -> list[str]:
    return [
        error["extensions"]["code"]
        for error in body.get("errors") or ()
        if error.get("extensions", {}).get("code") in REFUSALS
    ]


@pytest.fixture(scope="module")
def cold_server(backend: Backend, tmp_path_factory: pytest.TempPathFactory):
    process = start_server(backend, tmp_path_factory.mktemp("cold-server"))  # the default limits and budget
    yield process
    process.stop()


@pytest.mark.server
async def test_a_first_visit_sends_every_document_within_the_default_budget(cold_server: ServerProcess) -> None:
    # A process that has parsed none of them yet, one client: every document of the page, GraphiQL's
    # introspection and the README's examples, back to back, all parsed and validated afresh and charged.
    documents = [*page_documents(), *readme_documents(), get_introspection_query(descriptions=True)]
    subscriptions = [text for text in documents if text.lstrip().startswith("subscription")]
    assert len(documents) >= 30 and len(subscriptions) == 2, documents
    socket: GraphQLSocket = await signed_in_socket(cold_server)
    try:
        for i, text in enumerate(subscriptions):
            await socket.subscribe(text, op_id=f"s{i}")
            message = await socket.receive()
            assert message["type"] == "next" and "errors" not in message["payload"], message
    finally:
        await socket.close()
    # Signing out last: the sign-out examples end the session the others use.
    queries = sorted(set(documents) - set(subscriptions), key=lambda text: "signOut" in text)
    async with httpx.AsyncClient(base_url=cold_server.url, timeout=10) as http:
        client = GraphQLClient(http)
        for text in queries:
            body = await client.execute(text)
            assert not refusal_codes(body), (text[:60], body)
