"""changePassword: current password required, history of 5, other sessions signed out, mail sent."""

from __future__ import annotations

import pytest

from auth.clock import FrozenClock
from models import Account, OutboxMessage, PasswordHistory
from tests.support.actors import PASSWORD, User
from tests.support.graphql import CHANGE_PASSWORD, ME, SIGN_IN, GraphQLClient, change_password, error_codes


async def sign_in(make_client, email: str, password: str, client: str = "MOBILE") -> GraphQLClient:
    device = make_client()
    payload = (await device.data(SIGN_IN, {"input": {"email": email, "password": password, "client": client}}))[
        "signIn"
    ]
    assert payload["__typename"] == "SignedIn", payload
    device.token = payload["token"]
    return device


async def test_change_password_signs_other_sessions_out_and_keeps_this_one(
    user: User, make_client, clock: FrozenClock
) -> None:
    phone = await sign_in(make_client, user.email, PASSWORD)
    tablet = await sign_in(make_client, user.email, PASSWORD)
    clock.advance(3600)
    result = await change_password(user.browser, PASSWORD, "a brand new passphrase")
    assert result == {
        "__typename": "PasswordChanged",
        "signedOutSessions": 2,
        "account": {"email": user.email, "passwordChangedAt": clock.now().isoformat()},
    }
    assert (await user.browser.data(ME))["me"]["email"] == user.email
    assert (await phone.data(ME))["me"] is None
    assert (await tablet.data(ME))["me"] is None
    assert (await sign_in(make_client, user.email, "a brand new passphrase")) is not None
    old = await make_client().data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    assert old["signIn"]["__typename"] == "InvalidCredentials"


async def test_other_sessions_can_be_kept(user: User, make_client) -> None:
    phone = await sign_in(make_client, user.email, PASSWORD)
    result = await change_password(user.browser, PASSWORD, "a brand new passphrase", signOutOtherSessions=False)
    assert result["signedOutSessions"] == 0
    assert (await phone.data(ME))["me"] is not None


async def test_a_mail_reports_the_change(user: User) -> None:
    await change_password(user.browser, PASSWORD, "a brand new passphrase")
    mails = await OutboxMessage.filter(kind="password_changed")
    assert len(mails) == 1
    assert mails[0].recipient == user.email
    assert "a brand new passphrase" not in mails[0].text_body + mails[0].html_body
    assert PASSWORD not in mails[0].text_body + mails[0].html_body


async def test_a_wrong_current_password_changes_nothing_and_counts(user: User, make_client, clock: FrozenClock) -> None:
    assert (await change_password(user.browser, "wrong password", "a brand new passphrase"))[
        "code"
    ] == "INVALID_CREDENTIALS"
    refused = await change_password(user.browser, PASSWORD, "a brand new passphrase")
    assert (refused["__typename"], refused["retryAfterSeconds"]) == ("TooManyAttempts", 1)
    for delay in (1, 2, 4, 8, 16):
        clock.advance(delay)
        outcome = await change_password(user.browser, "wrong password", "a brand new passphrase")
    assert outcome["__typename"] == "AccountLocked"
    assert await OutboxMessage.filter(kind="lockout").count() == 1
    assert await OutboxMessage.filter(kind="password_changed").count() == 0
    # The lock covers sign-in too: the count is per email, whatever the operation (for every client but a
    # known device, whose sign-ins have a counter of their own).
    locked = await make_client().data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    assert locked["signIn"]["__typename"] == "AccountLocked"


@pytest.mark.parametrize(
    ("new_password", "code"),
    [("short", "PASSWORD_TOO_SHORT"), ("x" * 129, "PASSWORD_TOO_LONG"), ("😀" * 129, "PASSWORD_TOO_LONG")],
)
async def test_length_rules_are_checked_before_the_current_password(user: User, new_password: str, code: str) -> None:
    result = await change_password(user.browser, "even a wrong current password", new_password)
    assert (result["__typename"], result["code"]) == ("PasswordPolicyViolation", code)
    # Not counted as a failed attempt: an immediate retry is evaluated.
    assert (await change_password(user.browser, PASSWORD, "a brand new passphrase"))["__typename"] == "PasswordChanged"


async def test_the_last_five_passwords_cannot_come_back(user: User, clock: FrozenClock) -> None:
    passwords = [PASSWORD] + [f"password number {i}" for i in range(2, 7)]
    for previous, new in zip(passwords, passwords[1:], strict=False):
        clock.advance(60)
        assert (await change_password(user.browser, previous, new))["__typename"] == "PasswordChanged"
    current = passwords[-1]
    # The current one and the four before it are refused; the sixth-oldest is allowed again.
    for reused in passwords[-5:]:
        result = await change_password(user.browser, current, reused)
        assert (result["__typename"], result["code"]) == ("PasswordPolicyViolation", "PASSWORD_REUSED")
    assert (await change_password(user.browser, current, passwords[0]))["__typename"] == "PasswordChanged"
    # Only what the rule needs is kept: the four previous hashes.
    account = await Account.get(email=user.email)
    assert await PasswordHistory.filter(account_id=account.id).count() == 4


async def test_reuse_is_checked_after_normalisation(signed_in_client: GraphQLClient) -> None:
    assert (await change_password(signed_in_client, PASSWORD, "cafe\u0301 au lait"))["__typename"] == "PasswordChanged"
    result = await change_password(signed_in_client, "cafe\u0301 au lait", "café au lait")
    assert result["code"] == "PASSWORD_REUSED"


async def test_change_password_requires_a_session(anonymous: GraphQLClient) -> None:
    body = await anonymous.execute(
        CHANGE_PASSWORD, {"input": {"currentPassword": PASSWORD, "newPassword": "a brand new passphrase"}}
    )
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_the_stored_hash_is_argon2id_and_never_the_password(user: User) -> None:
    await change_password(user.browser, PASSWORD, "a brand new passphrase")
    account = await Account.get(email=user.email)
    assert account.password_hash.startswith("$argon2id$v=19$")
    history = await PasswordHistory.filter(account_id=account.id).values_list("password_hash", flat=True)
    assert all(h.startswith("$argon2id$") for h in history)
    assert PASSWORD not in account.password_hash + "".join(history)


@pytest.mark.settings(argon2_time_cost=2)
async def test_sign_in_rehashes_when_the_parameters_change(make_client) -> None:
    from argon2 import PasswordHasher

    from auth.clock import SystemClock

    old_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    now = SystemClock().now()
    await Account.create(email="old@example.com", password_hash=old_hash, password_changed_at=now, created_at=now)
    await sign_in(make_client, "old@example.com", PASSWORD)
    rehashed = (await Account.get(email="old@example.com")).password_hash
    assert rehashed != old_hash
    assert ",t=2," in rehashed
    await sign_in(make_client, "old@example.com", PASSWORD)
