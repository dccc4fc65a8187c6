"""Which client address is recorded and counted behind proxies, through the GraphQL API.

A proxy that appends its own ``X-Forwarded-For`` line (HAProxy ``option forwardfor``) leaves the line a
client forged first; per-IP limits count an IPv6 client by its /64 (``IPV6_LIMIT_PREFIX``).
"""

from __future__ import annotations

import json

import httpx
import pytest

from auth.network import parse_trusted_proxies
from models import SecurityEvent, Session
from tests.support.actors import PASSWORD
from tests.support.graphql import ACTIVE_SESSIONS, BROWSER_UA, SIGN_IN, SIGN_UP

WRONG = "definitely not it"
BEHIND_PROXY = parse_trusted_proxies("127.0.0.1/32")  # the in-process client's peer is 127.0.0.1
REAL_IP = "198.51.100.7"
EVENTS = "query { securityEvents(first: 10) { edges { node { type ipAddress } } } }"


async def post(
    http: httpx.AsyncClient, query: str, variables: dict, forwarded_for: list[str], token: str | None = None
) -> dict:
    """One GraphQL request whose ``X-Forwarded-For`` arrives as the given header lines, in order."""
    headers = [("content-type", "application/json"), ("user-agent", BROWSER_UA)]
    headers += [("x-forwarded-for", line) for line in forwarded_for]
    if token:
        headers.append(("authorization", f"Bearer {token}"))
    response = await http.post(
        "/graphql", content=json.dumps({"query": query, "variables": variables}), headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def credentials(email: str, password: str, client: str = "WEB") -> dict:
    return {"input": {"email": email, "password": password, "client": client}}


@pytest.mark.settings(trusted_proxies=BEHIND_PROXY)
async def test_a_forged_first_line_is_neither_recorded_nor_shown(http: httpx.AsyncClient) -> None:
    lines = ["192.0.2.66", REAL_IP]  # the client's forged line, then the proxy's own
    signed_up = (await post(http, SIGN_UP, credentials("ada@example.com", PASSWORD), lines))["signUp"]
    assert signed_up["session"]["ipAddress"] == "198.51.100.xxx"
    signed_in = (await post(http, SIGN_IN, credentials("ada@example.com", PASSWORD, "MOBILE"), lines))["signIn"]
    token = signed_in["token"]
    sessions = (await post(http, ACTIVE_SESSIONS, {}, lines, token))["activeSessions"]
    assert [s["ipAddress"] for s in sessions] == ["198.51.100.xxx", "198.51.100.xxx"]
    events = (await post(http, EVENTS, {}, lines, token))["securityEvents"]["edges"]
    assert [e["node"]["ipAddress"] for e in events] == ["198.51.100.xxx", "198.51.100.xxx"]
    # Stored in full for the operator, and it is the real address.
    assert {s.ip_address for s in await Session.all()} == {REAL_IP}
    assert {e.ip_address for e in await SecurityEvent.all()} == {"198.51.100.xxx"}


async def answers(http: httpx.AsyncClient, mutation: str, attempts: list[tuple[str, str, list[str]]]) -> list[str]:
    """The ``__typename`` of each (email, password, X-Forwarded-For lines) attempt, sent one after another."""
    field = "signUp" if mutation == SIGN_UP else "signIn"
    return [
        (await post(http, mutation, credentials(email, password), lines))[field]["__typename"]
        for email, password, lines in attempts
    ]


@pytest.mark.settings(trusted_proxies=BEHIND_PROXY, ip_failure_limit=100)
async def test_forged_first_lines_do_not_escape_the_per_ip_cap(http: httpx.AsyncClient) -> None:
    # A fresh forged address each time, as an attacker would send, above the proxy's line.
    attempts = [(f"victim{i}@example.com", WRONG, [f"203.0.{i // 256}.{i % 256}", REAL_IP]) for i in range(120)]
    assert await answers(http, SIGN_IN, attempts) == ["InvalidCredentials"] * 100 + ["TooManyAttempts"] * 20


@pytest.mark.settings(trusted_proxies=BEHIND_PROXY, ip_failure_limit=10)
async def test_failures_from_one_ipv6_64_share_the_cap(http: httpx.AsyncClient) -> None:
    attempts = [(f"victim{i}@example.com", WRONG, [f"2001:db8:1:2:{i:x}:{i * 7:x}::{i + 1:x}"]) for i in range(25)]
    assert await answers(http, SIGN_IN, attempts) == ["InvalidCredentials"] * 10 + ["TooManyAttempts"] * 15
    # The neighbouring /64 is another subscriber, with its own budget.
    assert await answers(http, SIGN_IN, [("victim99@example.com", WRONG, ["2001:db8:1:3::1"])]) == [
        "InvalidCredentials"
    ]


@pytest.mark.settings(trusted_proxies=BEHIND_PROXY, signup_ip_limit=3)
async def test_sign_ups_from_one_ipv6_64_share_the_cap(http: httpx.AsyncClient) -> None:
    attempts = [(f"new{i}@example.com", PASSWORD, [f"2001:db8:1:2::{i + 1:x}"]) for i in range(25)]
    assert await answers(http, SIGN_UP, attempts) == ["SignedIn"] * 3 + ["TooManyAttempts"] * 22
    # Sessions record the address itself, not its network.
    assert sorted(s.ip_address for s in await Session.all()) == [
        "2001:db8:1:2::1",
        "2001:db8:1:2::2",
        "2001:db8:1:2::3",
    ]
    assert await answers(http, SIGN_UP, [("other@example.com", PASSWORD, ["2001:db8:1:3::1"])]) == ["SignedIn"]


@pytest.mark.settings(trusted_proxies=BEHIND_PROXY, signup_ip_limit=2, ipv6_limit_prefix=48)
async def test_the_ipv6_bucket_size_is_configurable(http: httpx.AsyncClient) -> None:
    addresses = ["2001:db8:1:2::1", "2001:db8:1:3::1", "2001:db8:1:ffff::1", "2001:db8:2::1"]
    attempts = [(f"new{i}@example.com", PASSWORD, [address]) for i, address in enumerate(addresses)]
    assert await answers(http, SIGN_UP, attempts) == ["SignedIn", "SignedIn", "TooManyAttempts", "SignedIn"]


@pytest.mark.parametrize(("raw", "accepted"), [("64", True), ("48", True), ("128", True), ("0", False), ("129", False)])
def test_the_ipv6_limit_prefix_setting_is_validated(raw: str, accepted: bool) -> None:
    from workestra.settings import Settings, SettingsError

    if accepted:
        assert Settings.from_env({"IPV6_LIMIT_PREFIX": raw}, env_file=None).ipv6_limit_prefix == int(raw)
    else:
        with pytest.raises(SettingsError, match="IPV6_LIMIT_PREFIX"):
            Settings.from_env({"IPV6_LIMIT_PREFIX": raw}, env_file=None)
