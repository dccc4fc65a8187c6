"""signUp, signIn, signOut, me and passwordPolicy through the public GraphQL API."""

from __future__ import annotations

import asyncio

import pytest

from auth.clock import FrozenClock
from auth.network import parse_trusted_proxies
from models import Account, IpSignUp
from tests.support.actors import PASSWORD, User
from tests.support.graphql import (
    IPHONE_UA,
    ME,
    PASSWORD_POLICY,
    SIGN_IN,
    SIGN_OUT,
    SIGN_UP,
    GraphQLClient,
    error_codes,
)


async def test_sign_up_signs_in_with_an_httponly_cookie_and_no_token_in_the_body(anonymous: GraphQLClient) -> None:
    response = await anonymous.post(SIGN_UP, {"input": {"email": "  Ada@Example.COM ", "password": PASSWORD}})
    payload = response.json()["data"]["signUp"]
    assert payload["__typename"] == "SignedIn"
    assert payload["token"] is None
    assert payload["account"] == {"id": payload["account"]["id"], "email": "ada@example.com", "twoFactorEnabled": False}
    assert payload["session"]["current"] is True
    assert payload["session"]["client"] == "WEB"
    assert payload["session"]["device"] == {"browser": "Chrome 131", "os": "macOS"}
    assert payload["session"]["ipAddress"] == "127.0.0.xxx"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("session=")
    for attribute in ("HttpOnly", "Path=/", "SameSite=lax"):
        assert attribute in cookie
    assert "Secure" not in cookie  # development over http
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    assert token not in response.text
    assert (await anonymous.data(ME))["me"]["email"] == "ada@example.com"


async def test_mobile_sign_up_returns_a_bearer_token_and_sets_no_cookie(anonymous: GraphQLClient) -> None:
    response = await anonymous.post(
        SIGN_UP,
        {"input": {"email": "ada@example.com", "password": PASSWORD, "client": "MOBILE"}},
        headers={"user-agent": IPHONE_UA},
    )
    payload = response.json()["data"]["signUp"]
    assert payload["session"]["client"] == "MOBILE"
    assert payload["session"]["device"] == {"browser": "Mobile Safari 18", "os": "iOS 18"}
    assert len(payload["token"]) >= 43
    assert "set-cookie" not in response.headers
    bearer = GraphQLClient(anonymous.http, token=payload["token"])
    anonymous.http.cookies.clear()
    assert (await bearer.data(ME))["me"]["email"] == "ada@example.com"


@pytest.mark.parametrize(
    ("email", "password", "typename", "code"),
    [
        ("not-an-email", PASSWORD, "InvalidEmail", "EMAIL_INVALID"),
        ("", PASSWORD, "InvalidEmail", "EMAIL_INVALID"),
        ("ada\x00@example.com", PASSWORD, "InvalidEmail", "EMAIL_INVALID"),
        ("a" * 250 + "@example.com", PASSWORD, "InvalidEmail", "EMAIL_INVALID"),
        ("ada@example.com", "short", "PasswordPolicyViolation", "PASSWORD_TOO_SHORT"),
        ("ada@example.com", "1234567", "PasswordPolicyViolation", "PASSWORD_TOO_SHORT"),
        ("ada@example.com", "", "PasswordPolicyViolation", "PASSWORD_TOO_SHORT"),
        ("ada@example.com", "x" * 129, "PasswordPolicyViolation", "PASSWORD_TOO_LONG"),
        ("ada@example.com", "😀" * 129, "PasswordPolicyViolation", "PASSWORD_TOO_LONG"),
    ],
)
async def test_sign_up_refuses_bad_input_with_the_rule_broken(
    anonymous: GraphQLClient, email: str, password: str, typename: str, code: str
) -> None:
    data = await anonymous.data(SIGN_UP, {"input": {"email": email, "password": password}})
    assert data["signUp"]["__typename"] == typename
    assert data["signUp"]["code"] == code
    assert (await anonymous.data(ME))["me"] is None


@pytest.mark.parametrize("password", ["12345678", "😀" * 8, "x" * 128, "日本語 ÄÖ pass", "pass\x00word", " " * 8])
async def test_sign_up_accepts_any_characters_within_the_length_limits(anonymous: GraphQLClient, password: str) -> None:
    data = await anonymous.data(SIGN_UP, {"input": {"email": "ada@example.com", "password": password}})
    assert data["signUp"]["__typename"] == "SignedIn"
    signed_in = await anonymous.data(SIGN_IN, {"input": {"email": "ada@example.com", "password": password}})
    assert signed_in["signIn"]["__typename"] == "SignedIn"


async def test_email_is_taken_case_insensitively(user: User, anonymous: GraphQLClient) -> None:
    data = await anonymous.data(SIGN_UP, {"input": {"email": " ADA@example.com", "password": "another password"}})
    assert data["signUp"]["__typename"] == "EmailTaken"
    assert data["signUp"]["code"] == "EMAIL_TAKEN"


async def test_concurrent_sign_ups_for_one_email_create_one_account(make_client) -> None:
    clients = [make_client() for _ in range(5)]
    results = await asyncio.gather(
        *(c.data(SIGN_UP, {"input": {"email": "race@example.com", "password": PASSWORD}}) for c in clients)
    )
    kinds = sorted(r["signUp"]["__typename"] for r in results)
    assert kinds == ["EmailTaken"] * 4 + ["SignedIn"]


async def _sign_up(client: GraphQLClient, email: str, password: str = PASSWORD) -> dict:
    return (await client.data(SIGN_UP, {"input": {"email": email, "password": password}}))["signUp"]


@pytest.mark.settings(signup_ip_limit=3, trusted_proxies=parse_trusted_proxies("127.0.0.1/32"))
async def test_sign_ups_per_ip_are_limited(make_client, clock: FrozenClock) -> None:
    office = make_client(**{"x-forwarded-for": "198.51.100.7"})
    # Malformed attempts are refused before they cost a hash, and count nowhere.
    assert (await _sign_up(office, "not an email"))["__typename"] == "InvalidEmail"
    assert (await _sign_up(office, "a@example.com", "short"))["__typename"] == "PasswordPolicyViolation"
    # Well-formed ones count, a taken address too.
    kinds = [
        (await _sign_up(office, email))["__typename"] for email in ("a@example.com", "b@example.com", "a@example.com")
    ]
    assert kinds == ["SignedIn", "SignedIn", "EmailTaken"]
    refused = await _sign_up(office, "c@example.com")
    assert refused == {
        "__typename": "TooManyAttempts",
        "code": "TOO_MANY_ATTEMPTS",
        "message": refused["message"],
        "retryAfterSeconds": 3600,
    }
    assert not await Account.exists(email="c@example.com")
    # Other addresses are unaffected, refused attempts do not count, and the window slides.
    assert (await _sign_up(make_client(**{"x-forwarded-for": "203.0.113.9"}), "c@example.com"))[
        "__typename"
    ] == "SignedIn"
    clock.advance(3599)
    assert (await _sign_up(office, "d@example.com"))["__typename"] == "TooManyAttempts"
    clock.advance(1)
    assert (await _sign_up(office, "d@example.com"))["__typename"] == "SignedIn"


@pytest.mark.settings(signup_ip_limit=3)
async def test_concurrent_sign_ups_from_one_ip_stay_within_the_limit(make_client) -> None:
    clients = [make_client() for _ in range(12)]
    results = await asyncio.gather(*(_sign_up(c, f"burst{i}@example.com") for i, c in enumerate(clients)))
    kinds = [r["__typename"] for r in results]
    assert kinds.count("SignedIn") == 3
    assert kinds.count("TooManyAttempts") == 9
    assert await Account.all().count() == 3


async def test_the_sweep_forgets_sign_ups_older_than_the_window(app, make_client, clock: FrozenClock) -> None:
    assert (await _sign_up(make_client(), "old@example.com"))["__typename"] == "SignedIn"
    assert await IpSignUp.all().count() == 1
    clock.advance(3599)
    await app.state.services.sweep_once()
    assert await IpSignUp.all().count() == 1
    clock.advance(1)
    await app.state.services.sweep_once()
    assert await IpSignUp.all().count() == 0


async def test_sign_in_with_the_right_password_opens_a_new_session(user: User, make_client) -> None:
    phone = make_client()
    data = await phone.data(
        SIGN_IN,
        {"input": {"email": "ADA@example.com ", "password": PASSWORD, "client": "MOBILE"}},
        headers={"user-agent": IPHONE_UA},
    )
    payload = data["signIn"]
    assert payload["__typename"] == "SignedIn"
    assert payload["account"]["id"] == user.id
    assert payload["session"]["id"] != user.session_id
    assert payload["token"]


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ada@example.com", "wrong password"),
        ("ada@example.com", PASSWORD.upper()),
        ("ada@example.com", PASSWORD + " "),
        ("ada@example.com", PASSWORD[:-1]),
        ("ada@example.com", ""),
        ("ada@example.com", "x" * 100_00),
        ("nobody@example.com", PASSWORD),
        ("not an email", PASSWORD),
        ("", ""),
    ],
)
async def test_wrong_credentials_all_look_the_same(user: User, make_client, email: str, password: str) -> None:
    stranger = make_client()
    response = await stranger.post(SIGN_IN, {"input": {"email": email, "password": password}})
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "signIn": {
                "__typename": "InvalidCredentials",
                "code": "INVALID_CREDENTIALS",
                "message": "The email or password is incorrect.",
            }
        }
    }
    assert "set-cookie" not in response.headers


async def test_sign_out_ends_the_session_and_clears_the_cookie(user: User) -> None:
    cookie_token = user.browser.http.cookies["session"]
    response = await user.browser.post(SIGN_OUT)
    assert response.json()["data"]["signOut"] == {"__typename": "SignedOut", "sessionId": user.session_id}
    assert 'session=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    assert response.headers["clear-site-data"] == '"cookies"'
    assert (await user.browser.data(ME))["me"] is None
    # The old token is refused even if the browser kept it.
    replay = GraphQLClient(user.browser.http, token=cookie_token)
    assert (await replay.data(ME))["me"] is None


async def test_sign_out_without_a_session_is_unauthenticated(anonymous: GraphQLClient) -> None:
    body = await anonymous.execute(SIGN_OUT)
    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "authorization",
    ["Bearer nonsense", "Bearer ", "Basic abc", "Bearer " + "a" * 5000, "Bearer \x00", "Token abc"],
)
async def test_me_is_null_without_an_error_for_unknown_credentials(
    anonymous: GraphQLClient, authorization: str
) -> None:
    body = await anonymous.execute(ME, headers={"authorization": authorization})
    assert body == {"data": {"me": None}}


async def test_me_describes_the_account(user: User) -> None:
    me = (await user.browser.data(ME))["me"]
    assert me["id"] == user.id
    assert me["email"] == "ada@example.com"
    assert me["twoFactorEnabled"] is False
    assert me["backupCodesRemaining"] == 0
    assert me["passwordChangedAt"] == me["createdAt"]


async def test_a_session_id_is_not_a_credential(user: User, make_client) -> None:
    stranger = make_client()
    stranger.token = user.session_id
    assert (await stranger.data(ME))["me"] is None
    stranger.http.cookies.set("session", user.session_id)
    stranger.token = None
    assert (await stranger.data(ME))["me"] is None


async def test_token_in_the_url_is_ignored(user: User, make_client) -> None:
    stranger = make_client()
    token = user.browser.http.cookies["session"]
    response = await stranger.http.post(f"/graphql?token={token}&access_token={token}", json={"query": ME})
    assert response.json() == {"data": {"me": None}}


async def test_sign_in_does_not_fixate_a_planted_cookie(user: User, make_client) -> None:
    browser = make_client()
    browser.http.cookies.set("session", "planted-by-attacker")
    response = await browser.post(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    new_token = response.cookies["session"]
    assert new_token != "planted-by-attacker"
    assert (await browser.data(ME))["me"]["email"] == user.email


async def test_password_policy_is_public(anonymous: GraphQLClient) -> None:
    assert await anonymous.data(PASSWORD_POLICY) == {
        "passwordPolicy": {"minLength": 8, "maxLength": 128, "historySize": 5}
    }


@pytest.mark.settings(environment="production", secret_key="test-only-production-key")
async def test_production_cookie_is_host_prefixed_and_secure(make_client) -> None:
    browser = make_client()
    response = await browser.post(SIGN_UP, {"input": {"email": "ada@example.com", "password": PASSWORD}})
    assert response.json()["data"]["signUp"]["__typename"] == "SignedIn"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-session=")
    for attribute in ("Secure", "HttpOnly", "Path=/", "SameSite=lax"):
        assert attribute in cookie
    assert "Domain" not in cookie
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    # The plain development cookie name is not honoured in production.
    stranger = make_client()
    stranger.http.cookies.set("session", token)
    assert (await stranger.data(ME))["me"] is None
    stranger.http.cookies.set("__Host-session", token)
    assert (await stranger.data(ME))["me"]["email"] == "ada@example.com"


def test_production_refuses_to_start_without_a_secret_key() -> None:
    from workestra.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env({"ENVIRONMENT": "production"}, env_file=None)
