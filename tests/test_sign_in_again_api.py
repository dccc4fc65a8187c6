"""A browser that signs in again while it holds a live session cookie: the earlier session ends."""

from __future__ import annotations

import pytest

from auth.clock import FrozenClock
from tests.support.actors import PASSWORD, User, enroll_totp, totp
from tests.support.graphql import ACTIVE_SESSIONS, ME, SIGN_IN, SIGN_UP, GraphQLClient
from tests.support.two_factor import challenge_for, verify

EVENTS = "query { securityEvents(first: 100) { edges { node { type sessionId } } } }"


async def sign_in(client: GraphQLClient, email: str, password: str = PASSWORD, kind: str = "WEB") -> dict:
    data = await client.data(SIGN_IN, {"input": {"email": email, "password": password, "client": kind}})
    return data["signIn"]


async def live_session_ids(client: GraphQLClient) -> list[str]:
    return [s["id"] for s in (await client.data(ACTIVE_SESSIONS))["activeSessions"]]


async def log_of(client: GraphQLClient) -> list[tuple[str, str | None]]:
    return [(e["node"]["type"], e["node"]["sessionId"]) for e in (await client.data(EVENTS))["securityEvents"]["edges"]]


def holding(make_client, cookie: str) -> GraphQLClient:
    """Another client presenting ``cookie`` as its session cookie (as the old browser state would)."""
    return make_client(cookie=f"session={cookie}")


async def test_signing_in_again_ends_the_session_the_cookie_held(user: User, make_client) -> None:
    old_cookie = user.browser.http.cookies["session"]
    phone = make_client()
    phone.token = (await sign_in(phone, user.email, kind="MOBILE"))["token"]

    again = await sign_in(user.browser, user.email)
    assert again["__typename"] == "SignedIn"
    new_session = again["session"]["id"]
    assert user.browser.http.cookies["session"] != old_cookie
    # The earlier session is over: refused, no longer listed anywhere, and its end is in the owner's log.
    assert (await holding(make_client, old_cookie).data(ME))["me"] is None
    phones_own = next(s["id"] for s in (await phone.data(ACTIVE_SESSIONS))["activeSessions"] if s["current"])
    # Sessions signed in at the same instant of the test clock may be listed in either order.
    assert set(await live_session_ids(user.browser)) == {new_session, phones_own}
    assert user.session_id not in await live_session_ids(phone)
    assert (await log_of(phone))[:2] == [("SIGN_OUT", user.session_id), ("SIGN_IN", new_session)]


async def test_signing_up_from_a_signed_in_browser_ends_its_session(user: User, make_client) -> None:
    phone = make_client()
    phone.token = (await sign_in(phone, user.email, kind="MOBILE"))["token"]
    signed_up = await user.browser.data(SIGN_UP, {"input": {"email": "newcomer@example.com", "password": PASSWORD}})
    assert signed_up["signUp"]["__typename"] == "SignedIn"
    # The cookie belonged to another account: that account's session ends all the same (same browser).
    assert user.session_id not in await live_session_ids(phone)
    assert (await log_of(phone))[0] == ("SIGN_OUT", user.session_id)
    assert (await user.browser.data(ME))["me"]["email"] == "newcomer@example.com"


async def test_signing_in_as_someone_else_ends_the_other_accounts_session(
    user: User, other_user: User, make_client
) -> None:
    ada_phone = make_client()
    ada_phone.token = (await sign_in(ada_phone, user.email, kind="MOBILE"))["token"]
    assert (await sign_in(user.browser, other_user.email))["__typename"] == "SignedIn"
    assert user.session_id not in await live_session_ids(ada_phone)
    assert (await log_of(ada_phone))[0] == ("SIGN_OUT", user.session_id)
    # The new account's log says nothing about the other account's session.
    assert all(session != user.session_id for _, session in await log_of(user.browser))


@pytest.mark.parametrize("attempt", ["wrong password", "mobile sign-in", "stale cookie"])
async def test_the_cookie_session_stays_when_nothing_replaces_it(user: User, make_client, attempt: str) -> None:
    phone = make_client()
    phone.token = (await sign_in(phone, user.email, kind="MOBILE"))["token"]
    if attempt == "wrong password":
        assert (await sign_in(user.browser, user.email, password="not the password"))["__typename"] != "SignedIn"
    elif attempt == "mobile sign-in":
        # The token goes to the app in the body; the browser's cookie is not replaced.
        assert (await sign_in(user.browser, user.email, kind="MOBILE"))["__typename"] == "SignedIn"
    else:
        stale = holding(make_client, "x" * 43)
        assert (await sign_in(stale, user.email))["__typename"] == "SignedIn"
    assert user.session_id in await live_session_ids(phone)
    assert (await user.browser.data(ME))["me"]["email"] == user.email


async def test_with_two_factor_the_session_is_replaced_once_the_second_step_succeeds(
    user: User, make_client, clock: FrozenClock
) -> None:
    secret = (await enroll_totp(user, clock)).secret
    phone = make_client()
    challenge = await challenge_for(phone, user.email, kind="MOBILE")
    phone.token = (await verify(phone, challenge, totp(secret, clock)))["token"]
    clock.advance(30)

    challenge = await challenge_for(user.browser, user.email)
    assert user.session_id in await live_session_ids(phone)  # a correct password alone replaces nothing
    wrong = await verify(user.browser, challenge, "000000" if totp(secret, clock) != "000000" else "111111")
    assert wrong["__typename"] == "InvalidCode"
    assert user.session_id in await live_session_ids(phone)
    clock.advance(2)  # past the delay the wrong code earned
    signed_in = await verify(user.browser, challenge, totp(secret, clock))
    assert signed_in["__typename"] == "SignedIn"
    assert user.session_id not in await live_session_ids(phone)
    assert (await log_of(phone))[0] == ("SIGN_OUT", user.session_id)
