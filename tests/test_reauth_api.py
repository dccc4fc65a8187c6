"""Recent authentication through the GraphQL API: the window, reauthenticate and its brute-force counting."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from auth.clock import FrozenClock
from tests.support.actors import (
    LOCKOUT_DELAYS,
    PASSWORD,
    REAUTHENTICATE,
    TotpUser,
    User,
    create_api_key,
    enable,
    reauthenticate,
    start_setup,
    totp,
)
from tests.support.graphql import ME, GraphQLClient, error_codes

WINDOW = 15 * 60
CURRENT_SESSION = "query { activeSessions { current createdAt authenticatedAt reauthenticationExpiresAt } }"
API_KEYS = "query { apiKeys { id } }"
CHANGE_PASSWORD = """
mutation Change($input: ChangePasswordInput!) {
  changePassword(input: $input) { __typename ... on Error { code } }
}"""
DISABLE_TOTP = """
mutation Disable($password: String!) {
  disableTotp(input: {password: $password}) { __typename ... on Error { code } }
}"""
WITH_SESSION = """
mutation Reauthenticate($input: ReauthenticateInput!) {
  reauthenticate(input: $input) { ... on Reauthenticated { session { current authenticatedAt } } }
}"""
REQUIRED = {
    "__typename": "ReauthenticationRequired",
    "code": "REAUTHENTICATION_REQUIRED",
    "message": "Confirm it's you: enter your password (or a two-factor code) again, then retry.",
}


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


async def current_session(client: GraphQLClient) -> dict:
    (current,) = [s for s in (await client.data(CURRENT_SESSION))["activeSessions"] if s["current"]]
    return current


def thief_of(user: User, make_client) -> GraphQLClient:
    """Another browser holding ``user``'s stolen session cookie (and nothing else)."""
    thief = make_client()
    thief.http.cookies.set("session", user.browser.http.cookies["session"])
    return thief


async def test_a_sign_in_opens_the_window_and_the_session_says_until_when(user: User, clock: FrozenClock) -> None:
    session = await current_session(user.browser)
    assert at(session["authenticatedAt"]) == at(session["createdAt"]) == clock.now()
    assert at(session["reauthenticationExpiresAt"]) == clock.now() + timedelta(seconds=WINDOW)
    assert (await create_api_key(user.browser))["__typename"] == "ApiKeyCreated"
    clock.advance(WINDOW - 1)
    assert (await create_api_key(user.browser, "still open"))["__typename"] == "ApiKeyCreated"
    clock.advance(1)
    assert await create_api_key(user.browser, "closed") == REQUIRED


async def test_a_session_thief_with_the_window_closed_creates_no_key_and_no_2fa(
    user: User, make_client, clock: FrozenClock
) -> None:
    clock.advance(WINDOW)
    thief = thief_of(user, make_client)
    assert (await thief.data(ME))["me"]["email"] == user.email  # the cookie works for reading
    assert await create_api_key(thief) == REQUIRED
    assert await start_setup(thief) == {"__typename": "ReauthenticationRequired", **_code_message()}
    assert await enable(thief, "123456") == {"__typename": "ReauthenticationRequired", **_code_message()}
    wrong = await reauthenticate(thief, password="a guess at the password")
    assert wrong["__typename"] == "InvalidCredentials"
    assert await create_api_key(thief) == REQUIRED
    assert (await user.browser.data(API_KEYS))["apiKeys"] == []
    assert (await user.browser.data(ME))["me"]["twoFactorEnabled"] is False


def _code_message() -> dict:
    return {"code": REQUIRED["code"], "message": REQUIRED["message"]}


async def test_a_pending_setup_cannot_be_enabled_once_the_window_closed(user: User, clock: FrozenClock) -> None:
    setup = await start_setup(user.browser)
    clock.advance(WINDOW)
    assert (await enable(user.browser, totp(setup["secret"], clock)))["code"] == "REAUTHENTICATION_REQUIRED"
    assert (await reauthenticate(user.browser, password=PASSWORD))["__typename"] == "Reauthenticated"
    assert (await enable(user.browser, totp(setup["secret"], clock)))["__typename"] == "TotpEnabled"


async def test_reauthenticating_with_the_password_opens_the_window_again(user: User, clock: FrozenClock) -> None:
    clock.advance(3 * WINDOW)
    done = await reauthenticate(user.browser, password=PASSWORD)
    assert done["__typename"] == "Reauthenticated"
    assert at(done["until"]) == clock.now() + timedelta(seconds=WINDOW)
    session = await current_session(user.browser)
    assert at(session["authenticatedAt"]) == clock.now()
    assert at(session["reauthenticationExpiresAt"]) == at(done["until"])
    # The answer carries the session too, so a normalised cache sees the window open.
    answered = (await user.browser.data(WITH_SESSION, {"input": {"password": PASSWORD}}))["reauthenticate"]
    assert answered["session"] == {"current": True, "authenticatedAt": answered["session"]["authenticatedAt"]}
    assert at(answered["session"]["authenticatedAt"]) == clock.now()
    assert (await create_api_key(user.browser))["__typename"] == "ApiKeyCreated"
    clock.advance(WINDOW)
    assert await create_api_key(user.browser) == REQUIRED


async def test_the_window_belongs_to_one_session(user: User, make_client, clock: FrozenClock) -> None:
    from tests.support.graphql import SIGN_IN

    phone = make_client()
    await phone.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    clock.advance(WINDOW)
    await reauthenticate(phone, password=PASSWORD)
    assert (await create_api_key(phone))["__typename"] == "ApiKeyCreated"
    assert await create_api_key(user.browser) == REQUIRED


@pytest.mark.settings(reauth_window=60)
async def test_reauth_window_is_a_setting(user: User, clock: FrozenClock) -> None:
    clock.advance(60)
    assert await create_api_key(user.browser) == REQUIRED
    assert at((await reauthenticate(user.browser, password=PASSWORD))["until"]) == clock.now() + timedelta(seconds=60)


async def test_changing_the_password_opens_the_window(user: User, clock: FrozenClock) -> None:
    clock.advance(WINDOW)
    change = {"currentPassword": PASSWORD, "newPassword": "a brand new passphrase"}
    assert (await user.browser.data(CHANGE_PASSWORD, {"input": change}))["changePassword"]["__typename"] == (
        "PasswordChanged"
    )
    assert at((await current_session(user.browser))["authenticatedAt"]) == clock.now()
    assert (await create_api_key(user.browser))["__typename"] == "ApiKeyCreated"


async def test_disabling_2fa_opens_the_window(user_with_totp: TotpUser, clock: FrozenClock) -> None:
    browser = user_with_totp.browser
    clock.advance(WINDOW)
    assert await create_api_key(browser) == REQUIRED
    assert (await browser.data(DISABLE_TOTP, {"password": PASSWORD}))["disableTotp"]["__typename"] == "TotpDisabled"
    assert (await create_api_key(browser))["__typename"] == "ApiKeyCreated"


async def test_a_totp_code_or_a_backup_code_reauthenticates_once_each(
    user_with_totp: TotpUser, clock: FrozenClock
) -> None:
    browser, secret = user_with_totp.browser, user_with_totp.secret
    clock.advance(WINDOW)
    code = totp(secret, clock)
    assert (await reauthenticate(browser, code=code))["__typename"] == "Reauthenticated"
    assert (await create_api_key(browser))["__typename"] == "ApiKeyCreated"
    # The same code again (replayed within its step) is refused and counts as a failure.
    assert (await reauthenticate(browser, code=code))["code"] == "INVALID_CODE"
    clock.advance(WINDOW + 2)
    backup = user_with_totp.backup_codes[0]
    assert (await reauthenticate(browser, code=backup))["__typename"] == "Reauthenticated"
    assert (await browser.data(ME))["me"]["backupCodesRemaining"] == 9
    clock.advance(WINDOW)
    assert (await reauthenticate(browser, code=backup))["code"] == "INVALID_CODE"
    assert await create_api_key(browser) == REQUIRED
    clock.advance(2)
    # With 2FA on, the password alone still reauthenticates.
    assert (await reauthenticate(browser, password=PASSWORD))["__typename"] == "Reauthenticated"


@pytest.mark.parametrize(
    ("given", "field"),
    [({}, "input"), ({"password": PASSWORD, "code": "123456"}, "input"), ({"code": "123456"}, "code")],
)
async def test_neither_both_or_a_code_without_2fa_is_invalid_input_and_counts_nowhere(
    user: User, clock: FrozenClock, given: dict, field: str
) -> None:
    clock.advance(WINDOW)
    for _ in range(8):
        refused = (await user.browser.data(REAUTHENTICATE, {"input": given}))["reauthenticate"]
        assert (refused["__typename"], refused["code"], refused["field"]) == ("InvalidInput", "INVALID_INPUT", field)
    assert (await reauthenticate(user.browser, password=PASSWORD))["__typename"] == "Reauthenticated"


async def test_a_malformed_code_is_invalid_and_counts_nowhere(user_with_totp: TotpUser) -> None:
    for _ in range(8):
        assert (await reauthenticate(user_with_totp.browser, code="not a code"))["code"] == "INVALID_CODE"
    assert (await reauthenticate(user_with_totp.browser, password=PASSWORD))["__typename"] == "Reauthenticated"


async def test_wrong_passwords_climb_the_ladder_and_the_sixth_locks(user: User, clock: FrozenClock) -> None:
    clock.advance(WINDOW)
    answers = []
    for delay in LOCKOUT_DELAYS:
        answers.append(await reauthenticate(user.browser, password="wrong password"))
        # Before the delay has passed the next attempt is refused without being evaluated.
        if delay:
            early = await reauthenticate(user.browser, password=PASSWORD)
            assert (early["__typename"], early["retryAfterSeconds"]) == ("TooManyAttempts", delay)
        clock.advance(delay)
    assert [a["__typename"] for a in answers] == ["InvalidCredentials"] * 5 + ["AccountLocked"]
    assert answers[-1]["retryAfterSeconds"] == 15 * 60
    # Locked: even the right password is refused unevaluated, here and at sign-in alike.
    locked = await reauthenticate(user.browser, password=PASSWORD)
    assert locked["__typename"] == "AccountLocked"
    assert await create_api_key(user.browser) == REQUIRED
    clock.advance(15 * 60)
    assert (await reauthenticate(user.browser, password=PASSWORD))["__typename"] == "Reauthenticated"


async def test_wrong_codes_count_like_wrong_passwords(user_with_totp: TotpUser, clock: FrozenClock) -> None:
    answers = []
    for delay in LOCKOUT_DELAYS:
        answers.append(await reauthenticate(user_with_totp.browser, code="000000"))
        clock.advance(delay)
    assert [a["__typename"] for a in answers] == ["InvalidCode"] * 5 + ["AccountLocked"]


async def test_a_right_password_resets_the_count(user: User, clock: FrozenClock) -> None:
    for delay in (1, 2):
        assert (await reauthenticate(user.browser, password="wrong"))["__typename"] == "InvalidCredentials"
        clock.advance(delay)
    assert (await reauthenticate(user.browser, password=PASSWORD))["__typename"] == "Reauthenticated"
    assert (await reauthenticate(user.browser, password="wrong"))["__typename"] == "InvalidCredentials"
    # Back at the first rung: one second, not four.
    assert (await reauthenticate(user.browser, password=PASSWORD))["retryAfterSeconds"] == 1


ALIASES = "\n".join(f'  a{n}: reauthenticate(input: {{password: "wrong {n}"}}) {{ __typename }}' for n in range(12))
ALIASED = f"mutation {{\n{ALIASES}\n}}"


async def test_many_aliased_reauthenticates_get_one_evaluation(user: User, clock: FrozenClock) -> None:
    body = await user.browser.execute(ALIASED)
    assert "errors" not in body, body
    kinds = [body["data"][f"a{n}"]["__typename"] for n in range(12)]
    assert kinds == ["InvalidCredentials"] + ["TooManyAttempts"] * 11


async def test_concurrent_reauthenticates_get_one_evaluation(user: User, make_client) -> None:
    thieves = [make_client() for _ in range(8)]
    for thief in thieves:
        thief.http.cookies.set("session", user.browser.http.cookies["session"])
    answers = await asyncio.gather(*(reauthenticate(t, password=f"guess {n}") for n, t in enumerate(thieves)))
    kinds = sorted(a["__typename"] for a in answers)
    assert kinds == ["InvalidCredentials"] + ["TooManyAttempts"] * 7


async def test_an_api_key_cannot_reauthenticate(api_key_client) -> None:
    body = await api_key_client.client.execute(REAUTHENTICATE, {"input": {"password": PASSWORD}})
    assert error_codes(body) == ["FORBIDDEN"]


async def test_signed_out_cannot_reauthenticate(anonymous: GraphQLClient) -> None:
    body = await anonymous.execute(REAUTHENTICATE, {"input": {"password": PASSWORD}})
    assert error_codes(body) == ["UNAUTHENTICATED"]
