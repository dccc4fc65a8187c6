"""Known devices (device cookies / ``deviceToken``): a lock others caused does not keep the owner out."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from auth.clock import FrozenClock
from auth.known_devices import device_attempt_key, forget_all_devices
from models import AttemptCounter, KnownDevice, OutboxMessage, SecurityEvent
from tests.support.actors import PASSWORD, TotpUser, User, lock_out, totp
from tests.support.graphql import SIGN_UP, GraphQLClient

WRONG = "definitely not it"

SIGN_IN = """
mutation SignIn($input: SignInInput!) {
  signIn(input: $input) {
    __typename
    ... on SignedIn { token deviceToken session { id } }
    ... on TwoFactorRequired { challenge }
    ... on TooManyAttempts { retryAfterSeconds }
    ... on AccountLocked { retryAfterSeconds }
  }
}"""
VERIFY = """
mutation Verify($input: VerifyTwoFactorInput!) {
  verifyTwoFactor(input: $input) {
    __typename
    ... on SignedIn { deviceToken }
    ... on TooManyAttempts { retryAfterSeconds }
    ... on AccountLocked { retryAfterSeconds }
  }
}"""
KNOWN_DEVICES = "query { knownDevices { id client device { browser os } ipAddress createdAt lastUsedAt } }"
FORGET = """
mutation Forget($id: ID!) {
  forgetDevice(id: $id) { __typename ... on DeviceForgotten { knownDevice { id } } ... on Error { code } }
}"""
NODE = "query Node($id: ID!) { node(id: $id) { __typename id } }"


async def sign_in(browser: GraphQLClient, email: str, password: str, **fields: str) -> dict:
    return (await browser.data(SIGN_IN, {"input": {"email": email, "password": password, **fields}}))["signIn"]


async def outcome(browser: GraphQLClient, email: str, password: str, **fields: str) -> tuple[str, int | None]:
    payload = await sign_in(browser, email, password, **fields)
    return payload["__typename"], payload.get("retryAfterSeconds")


def device_cookie(client: GraphQLClient) -> str:
    value = client.http.cookies.get("device")
    assert value, "the browser holds no device cookie"
    return value


async def phone_device_token(make_client, email: str) -> str:
    """Sign in once as the app: the deviceToken it keeps for later sign-ins."""
    payload = await sign_in(make_client(), email, PASSWORD, client="MOBILE")
    assert payload["__typename"] == "SignedIn" and payload["deviceToken"], payload
    return payload["deviceToken"]


async def test_the_owners_known_browser_signs_in_while_an_attacker_keeps_the_email_locked(
    user: User, make_client, clock: FrozenClock
) -> None:
    attacker = make_client()
    await lock_out(attacker, user.email, clock)
    assert (await outcome(attacker, user.email, PASSWORD))[0] == "AccountLocked"
    # The browser that signed up holds a device cookie: its attempt counts on that device alone.
    assert (await outcome(user.browser, user.email, PASSWORD))[0] == "SignedIn"
    # The owner's success clears nothing of the attacker's lock, and a fresh client is locked too.
    assert await outcome(attacker, user.email, PASSWORD) == ("AccountLocked", 900)
    assert (await outcome(make_client(), user.email, PASSWORD))[0] == "AccountLocked"


async def test_wrong_passwords_from_the_known_device_lock_that_device_alone(
    user: User, make_client, clock: FrozenClock
) -> None:
    phone = await phone_device_token(make_client, user.email)
    attacker = make_client()
    await lock_out(attacker, user.email, clock)
    clock.advance(60)
    await lock_out(user.browser, user.email, clock)
    assert await outcome(user.browser, user.email, PASSWORD) == ("AccountLocked", 900)
    assert await outcome(attacker, user.email, PASSWORD) == ("AccountLocked", 900 - 60 - 31)
    # The device's lock mail went out like any lock's: one per lock, two locks.
    assert await OutboxMessage.filter(kind="lockout").count() == 2
    # Another known device of the owner is apart from both.
    assert (await outcome(make_client(), user.email, PASSWORD, client="MOBILE", deviceToken=phone))[0] == "SignedIn"


async def test_the_device_ladder_is_the_same_ladder(user: User, make_client, clock: FrozenClock) -> None:
    seen = []
    for delay in (1, 2, 4, 8, 16):
        seen.append(await outcome(user.browser, user.email, WRONG))
        seen.append(await outcome(user.browser, user.email, PASSWORD))
        clock.advance(delay)
    seen.append(await outcome(user.browser, user.email, WRONG))
    assert seen == [
        *[item for d in (1, 2, 4, 8, 16) for item in (("InvalidCredentials", None), ("TooManyAttempts", d))],
        ("AccountLocked", 900),
    ]
    # Counted on the device's own counter; the email's has nothing.
    device = await KnownDevice.get()
    assert (await AttemptCounter.get(key=device_attempt_key(device.id))).failures == 6
    assert (await outcome(make_client(), user.email, PASSWORD))[0] == "SignedIn"


@pytest.mark.parametrize("credential", ["forged", "other account", "forgotten", "replaced"])
async def test_a_credential_that_is_not_a_known_device_of_this_email_counts_on_the_email(
    credential: str, user: User, other_user: User, make_client, clock: FrozenClock
) -> None:
    phone = make_client()
    if credential == "forged":
        token = "A" * 43
    elif credential == "other account":
        token = await phone_device_token(make_client, other_user.email)
    elif credential == "forgotten":
        token = await phone_device_token(make_client, user.email)
        listed = (await user.browser.data(KNOWN_DEVICES))["knownDevices"]
        mobile = next(d["id"] for d in listed if d["client"] == "MOBILE")
        assert (await user.browser.data(FORGET, {"id": mobile}))["forgetDevice"]["__typename"] == "DeviceForgotten"
    else:
        # Every completed sign-in rotates the credential: the one it replaced is no device any more.
        token = await phone_device_token(make_client, user.email)
        renewed = await sign_in(make_client(), user.email, PASSWORD, client="MOBILE", deviceToken=token)
        assert renewed["deviceToken"] not in (None, token)
    await lock_out(make_client(), user.email, clock)
    assert (await outcome(phone, user.email, PASSWORD, client="MOBILE", deviceToken=token))[0] == "AccountLocked"


async def test_concurrent_and_aliased_attempts_from_one_device_get_one_evaluation(
    user: User, make_client, clock: FrozenClock
) -> None:
    token = await phone_device_token(make_client, user.email)
    fields = {"client": "MOBILE", "deviceToken": token}
    results = await asyncio.gather(*(outcome(make_client(), user.email, WRONG, **fields) for _ in range(12)))
    kinds = [kind for kind, _ in results]
    assert kinds.count("InvalidCredentials") == 1
    assert set(kinds) == {"InvalidCredentials", "TooManyAttempts"}
    clock.advance(1)
    aliased = "mutation A($i: SignInInput!) { " + " ".join(
        f"a{n}: signIn(input: $i) {{ __typename }}" for n in range(8)
    )
    data = await make_client().data(aliased + " }", {"i": {"email": user.email, "password": WRONG, **fields}})
    assert [data[f"a{n}"]["__typename"] for n in range(8)].count("InvalidCredentials") == 1
    device = await KnownDevice.get(client="MOBILE")
    assert (await AttemptCounter.get(key=device_attempt_key(device.id))).failures == 2


@pytest.mark.settings(ip_failure_limit=3)
async def test_the_per_ip_cap_others_reached_does_not_refuse_a_known_device(
    user: User, make_client, clock: FrozenClock
) -> None:
    # Every in-process client comes from 127.0.0.1: the spray below exhausts that address.
    sprayer = make_client()
    for n in range(3):
        assert (await outcome(sprayer, f"victim{n}@example.com", WRONG))[0] == "InvalidCredentials"
    assert (await outcome(sprayer, "victim9@example.com", WRONG))[0] == "TooManyAttempts"
    assert (await outcome(make_client(), user.email, PASSWORD))[0] == "TooManyAttempts"
    assert (await outcome(user.browser, user.email, PASSWORD))[0] == "SignedIn"


async def test_a_two_factor_sign_in_from_a_known_device_is_counted_on_it_at_both_steps(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    owner = user_with_totp
    await lock_out(make_client(), owner.email, clock)
    step = await sign_in(owner.browser, owner.email, PASSWORD)
    assert step["__typename"] == "TwoFactorRequired"
    wrong = await owner.browser.data(VERIFY, {"input": {"challenge": step["challenge"], "code": "000000"}})
    assert wrong["verifyTwoFactor"]["__typename"] == "InvalidCode"
    clock.advance(1)
    code = totp(owner.secret, clock)
    right = await owner.browser.data(VERIFY, {"input": {"challenge": step["challenge"], "code": code}})
    assert right["verifyTwoFactor"]["__typename"] == "SignedIn"
    device = await KnownDevice.get()
    assert (await AttemptCounter.get(key=device_attempt_key(device.id))).failures == 0


async def test_the_credential_travels_as_a_strict_httponly_cookie_for_browsers_and_in_the_body_for_apps(
    user: User, make_client
) -> None:
    browser = make_client()
    response = await browser.post(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    assert response.json()["data"]["signIn"]["deviceToken"] is None
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("device="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "max-age", "path", "samesite"} <= attributes
    assert "samesite=strict" in cookie.lower()
    token = await phone_device_token(make_client, user.email)
    # Stored only as a hash.
    stored = await KnownDevice.filter(client="MOBILE").values_list("token_hash", flat=True)
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert not await KnownDevice.filter(token_hash=token).exists()


@pytest.mark.settings(environment="production", secret_key="test-only-production-key")
async def test_in_production_the_device_cookie_is_host_prefixed_and_secure(make_client) -> None:
    browser = make_client()
    response = await browser.post(SIGN_UP, {"input": {"email": "ada@example.com", "password": PASSWORD}})
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("__Host-device="))
    for attribute in ("Secure", "HttpOnly", "Path=/", "SameSite=strict"):
        assert attribute in cookie
    assert "Domain" not in cookie


async def test_known_devices_are_listed_and_forgotten_by_global_id_only_by_their_owner(
    user: User, other_user: User, make_client
) -> None:
    await phone_device_token(make_client, user.email)
    listed = (await user.browser.data(KNOWN_DEVICES))["knownDevices"]
    assert sorted(d["client"] for d in listed) == ["MOBILE", "WEB"]
    assert all(d["ipAddress"] in (None, "127.0.0.xxx") for d in listed)
    target = listed[0]["id"]
    assert (await user.browser.data(NODE, {"id": target}))["node"] == {"__typename": "KnownDevice", "id": target}
    # Another account's viewer finds nothing, and cannot forget it.
    assert (await other_user.browser.data(NODE, {"id": target}))["node"] is None
    foreign = await other_user.browser.data(FORGET, {"id": target})
    assert foreign["forgetDevice"] == {"__typename": "NotFound", "code": "NOT_FOUND"}
    assert (await user.browser.data(FORGET, {"id": user.session_id}))["forgetDevice"]["__typename"] == "NotFound"
    forgotten = await user.browser.data(FORGET, {"id": target})
    assert forgotten["forgetDevice"] == {"__typename": "DeviceForgotten", "knownDevice": {"id": target}}
    assert len((await user.browser.data(KNOWN_DEVICES))["knownDevices"]) == 1
    assert await SecurityEvent.filter(type="DEVICE_FORGOTTEN").count() == 1
    again = await user.browser.data(FORGET, {"id": target})
    assert again["forgetDevice"]["__typename"] == "NotFound"


async def test_forgetting_every_device_of_an_account_leaves_the_others(
    user: User, other_user: User, make_client, clock: FrozenClock
) -> None:
    from models import Account

    account = await Account.get(email=user.email)
    assert await forget_all_devices(account.id) == 1
    assert await KnownDevice.all().count() == 1  # other_user's browser
    await lock_out(make_client(), user.email, clock)
    assert (await outcome(user.browser, user.email, PASSWORD))[0] == "AccountLocked"
