"""Two-factor authentication through the GraphQL API: setup, sign-in with codes, replay, lockout, disable."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest

from auth.clock import FrozenClock
from auth.totp import parse_backup_code, parse_totp_code, qr_code_svg
from auth.two_factor import redeem_code
from models import Account, AttemptCounter, BackupCode, OutboxMessage, Session, SignInChallenge, TotpSetup
from tests.support.actors import (
    ENABLE_TOTP,
    PASSWORD,
    START_TOTP_SETUP,
    TotpUser,
    User,
    enable,
    reauthenticate,
    start_setup,
    totp,
)
from tests.support.databases import every_stored_text
from tests.support.graphql import ACTIVE_SESSIONS, IPHONE_UA, ME, GraphQLClient, error_codes
from tests.support.two_factor import DISABLE, REGENERATE, SIGN_IN, VERIFY, challenge_for, sign_in, verify, wrong_code

CHANGE_PASSWORD = """
mutation Change($input: ChangePasswordInput!) { changePassword(input: $input) { __typename } }"""


async def me(client: GraphQLClient) -> dict | None:
    return (await client.data(ME))["me"]


async def test_enrolment_then_every_sign_in_asks_for_a_code(user: User, make_client, clock: FrozenClock) -> None:
    setup = await start_setup(user.browser)
    assert setup["__typename"] == "TotpSetup"
    assert re.fullmatch(r"[A-Z2-7]{32}", setup["secret"])
    uri = urlsplit(setup["otpauthUri"])
    assert (uri.scheme, uri.netloc, unquote(uri.path)) == ("otpauth", "totp", f"/Workestra:{user.email}")
    assert parse_qs(uri.query)["issuer"] == ["Workestra"] and parse_qs(uri.query)["secret"] == [setup["secret"]]
    assert setup["qrCodeSvg"] == qr_code_svg(setup["otpauthUri"])
    assert len(set(setup["backupCodes"])) == 10
    assert all(re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code) for code in setup["backupCodes"])
    # Pending: nothing has changed yet.
    assert (await me(user.browser))["twoFactorEnabled"] is False
    assert (await sign_in(make_client(), user.email))["__typename"] == "SignedIn"

    enabled = await enable(user.browser, f" {totp(setup['secret'], clock)} ")
    assert enabled == {
        "__typename": "TotpEnabled",
        "account": {"email": user.email, "twoFactorEnabled": True, "backupCodesRemaining": 10},
    }
    assert (await me(user.browser))["backupCodesRemaining"] == 10
    assert await OutboxMessage.filter(kind="totp_enabled", recipient=user.email).count() == 1

    clock.advance(30)
    laptop = make_client()
    sessions_before = await Session.all().count()
    required = await laptop.post(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    payload = required.json()["data"]["signIn"]
    assert payload["__typename"] == "TwoFactorRequired"
    assert payload["expiresAt"] == (clock.now() + timedelta(minutes=5)).isoformat()
    assert "set-cookie" not in required.headers
    assert await Session.all().count() == sessions_before

    signed_in = await verify(laptop, payload["challenge"], totp(setup["secret"], clock))
    assert signed_in["__typename"] == "SignedIn"
    assert signed_in["token"] is None  # WEB: the token travels only as a cookie
    assert signed_in["session"]["client"] == "WEB" and signed_in["session"]["current"] is True
    assert signed_in["account"] == {"email": user.email, "twoFactorEnabled": True, "backupCodesRemaining": 10}
    assert (await me(laptop))["email"] == user.email


async def test_the_client_kind_of_the_password_step_is_remembered(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    phone = make_client()
    challenge = await challenge_for(phone, user_with_totp.email, kind="MOBILE")
    signed_in = await verify(phone, challenge, totp(user_with_totp.secret, clock))
    assert signed_in["session"]["client"] == "MOBILE"
    assert signed_in["token"]
    assert (await me(make_client(authorization=f"Bearer {signed_in['token']}")))["email"] == user_with_totp.email


async def test_the_session_is_placed_where_the_password_step_happened(
    app, user_with_totp: TotpUser, clock: FrozenClock
) -> None:
    """The session opened by verifyTwoFactor gets the IP, device and place of the password step."""

    def device_at(ip: str, user_agent: str) -> GraphQLClient:
        transport = httpx.ASGITransport(app=app, client=(ip, 4711))
        return GraphQLClient(
            httpx.AsyncClient(transport=transport, base_url="http://testserver"), headers={"user-agent": user_agent}
        )

    in_london = device_at("81.2.69.160", IPHONE_UA)
    elsewhere = device_at("2001:4860::1", "curl/8.0")
    challenge = await challenge_for(in_london, user_with_totp.email)
    signed_in = await verify(elsewhere, challenge, totp(user_with_totp.secret, clock))
    assert signed_in["__typename"] == "SignedIn"
    listed = {s["id"]: s for s in (await user_with_totp.browser.data(ACTIVE_SESSIONS))["activeSessions"]}
    session = listed[signed_in["session"]["id"]]
    assert (session["location"], session["ipAddress"], session["device"]["browser"]) == (
        "United Kingdom",
        "81.2.69.xxx",
        "Mobile Safari 18",
    )
    for client in (in_london, elsewhere):
        await client.http.aclose()


async def test_a_wrong_code_at_enable_leaves_2fa_off(user: User, make_client, clock: FrozenClock) -> None:
    setup = await start_setup(user.browser)
    wrong = str((int(totp(setup["secret"], clock)) + 1) % 1_000_000).zfill(6)
    assert (await enable(user.browser, wrong))["code"] == "INVALID_CODE"
    assert (await enable(user.browser, "１２３４５６"))["code"] == "INVALID_CODE"
    assert (await me(user.browser))["twoFactorEnabled"] is False
    assert (await sign_in(make_client(), user.email))["__typename"] == "SignedIn"
    assert await OutboxMessage.filter(kind="totp_enabled").count() == 0
    # The pending setup is still there to confirm.
    assert (await enable(user.browser, totp(setup["secret"], clock)))["__typename"] == "TotpEnabled"


async def test_setup_states(user: User, clock: FrozenClock) -> None:
    assert (await enable(user.browser, "123456"))["code"] == "TOTP_SETUP_NOT_STARTED"
    setup = await start_setup(user.browser)
    assert (await enable(user.browser, totp(setup["secret"], clock)))["__typename"] == "TotpEnabled"
    assert (await enable(user.browser, totp(setup["secret"], clock, 1)))["code"] == "TOTP_ALREADY_ENABLED"
    assert (await start_setup(user.browser))["code"] == "TOTP_ALREADY_ENABLED"


async def test_starting_again_replaces_the_pending_setup(user: User, make_client, clock: FrozenClock) -> None:
    first = await start_setup(user.browser)
    second = await start_setup(user.browser)
    assert first["secret"] != second["secret"] and not set(first["backupCodes"]) & set(second["backupCodes"])
    assert await TotpSetup.all().count() == 1
    assert (await enable(user.browser, totp(first["secret"], clock)))["code"] == "INVALID_CODE"
    assert (await enable(user.browser, totp(second["secret"], clock)))["__typename"] == "TotpEnabled"
    assert await TotpSetup.all().count() == 0
    assert await BackupCode.all().count() == 10
    clock.advance(30)
    laptop = make_client()
    stale = await verify(laptop, await challenge_for(laptop, user.email), first["backupCodes"][0])
    assert stale["code"] == "INVALID_CODE"
    clock.advance(1)
    current = await verify(laptop, await challenge_for(laptop, user.email), second["backupCodes"][0])
    assert current["__typename"] == "SignedIn"


async def test_a_setup_must_be_confirmed_within_an_hour(user: User, app, clock: FrozenClock) -> None:
    setup = await start_setup(user.browser)
    clock.advance(3600)
    # Confirming so late needs a fresh proof of identity first (the recent-authentication window closed).
    assert (await reauthenticate(user.browser, password=PASSWORD))["__typename"] == "Reauthenticated"
    late = await enable(user.browser, totp(setup["secret"], clock))
    assert late["code"] == "TOTP_SETUP_NOT_STARTED"
    assert (await me(user.browser))["twoFactorEnabled"] is False
    # The sweep forgets the stale secret and its backup codes; a new start works as ever.
    await app.state.services.sweep_once()
    assert await TotpSetup.all().count() == 0 and await BackupCode.all().count() == 0
    again = await start_setup(user.browser)
    clock.advance(3599)
    await app.state.services.sweep_once()
    assert await TotpSetup.all().count() == 1
    assert (await reauthenticate(user.browser, password=PASSWORD))["__typename"] == "Reauthenticated"
    assert (await enable(user.browser, totp(again["secret"], clock)))["__typename"] == "TotpEnabled"


async def test_the_enabling_code_cannot_be_replayed_to_sign_in(user: User, make_client, clock: FrozenClock) -> None:
    setup = await start_setup(user.browser)
    code = totp(setup["secret"], clock)
    assert (await enable(user.browser, code))["__typename"] == "TotpEnabled"
    clock.advance(10)  # same 30 s step
    laptop = make_client()
    assert (await verify(laptop, await challenge_for(laptop, user.email), code))["code"] == "INVALID_CODE"


@pytest.mark.parametrize(
    ("steps", "outcome"), [(-2, "InvalidCode"), (-1, "SignedIn"), (1, "SignedIn"), (2, "InvalidCode")]
)
async def test_one_step_of_drift_either_way(
    user_with_totp: TotpUser, make_client, clock: FrozenClock, steps: int, outcome: str
) -> None:
    clock.advance(300)
    laptop = make_client()
    challenge = await challenge_for(laptop, user_with_totp.email)
    assert (await verify(laptop, challenge, totp(user_with_totp.secret, clock, steps)))["__typename"] == outcome


async def test_each_code_works_once_and_older_steps_never_after_newer(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    secret = user_with_totp.secret
    laptop = make_client()
    newer = totp(secret, clock, 1)
    assert (await verify(laptop, await challenge_for(laptop, user_with_totp.email), newer))["__typename"] == "SignedIn"
    clock.advance(1)
    # The current step is older than the accepted one: refused, and so is the same code again.
    result = await verify(laptop, await challenge_for(laptop, user_with_totp.email), totp(secret, clock))
    assert result["code"] == "INVALID_CODE"
    clock.advance(1)
    assert (await verify(laptop, await challenge_for(laptop, user_with_totp.email), newer))["code"] == "INVALID_CODE"
    # The next step works once it is newer than the accepted one.
    clock.advance(58)
    assert (await verify(laptop, await challenge_for(laptop, user_with_totp.email), totp(secret, clock, 1)))[
        "__typename"
    ] == "SignedIn"


async def test_one_code_used_twice_at_once_signs_in_once(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    devices = [make_client(), make_client()]
    challenges = [await challenge_for(device, user_with_totp.email) for device in devices]
    code = totp(user_with_totp.secret, clock)
    sessions_before = await Session.all().count()
    results = await asyncio.gather(*(verify(d, c, code) for d, c in zip(devices, challenges, strict=True)))
    assert sorted(r["__typename"] for r in results).count("SignedIn") == 1
    assert await Session.all().count() == sessions_before + 1


async def test_the_step_is_taken_atomically_even_without_the_attempt_claim(
    user_with_totp: TotpUser, app, clock: FrozenClock
) -> None:
    # Under the API, one evaluation per email runs at a time; the conditional update must hold alone too.
    account = await Account.get(email=user_with_totp.email)
    box = app.state.services.secret_box
    totp_entry = parse_totp_code(totp(user_with_totp.secret, clock))
    results = await asyncio.gather(*(redeem_code(account, totp_entry, box=box, clock=clock) for _ in range(8)))
    assert results.count(True) == 1
    backup_entry = parse_backup_code(user_with_totp.backup_codes[0])
    results = await asyncio.gather(*(redeem_code(account, backup_entry, box=box, clock=clock) for _ in range(8)))
    assert results.count(True) == 1


async def test_a_backup_code_works_once(user_with_totp: TotpUser, make_client, clock: FrozenClock) -> None:
    laptop = make_client()
    code = user_with_totp.backup_codes[3]
    typed = " " + code.lower().replace("-", " ") + " "
    signed_in = await verify(laptop, await challenge_for(laptop, user_with_totp.email), typed)
    assert signed_in["__typename"] == "SignedIn"
    assert signed_in["account"]["backupCodesRemaining"] == 9
    clock.advance(1)
    assert (await verify(laptop, await challenge_for(laptop, user_with_totp.email), code))["code"] == "INVALID_CODE"
    assert (await me(user_with_totp.browser))["backupCodesRemaining"] == 9


async def test_a_challenge_expires_after_five_minutes(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    laptop = make_client()
    late = await challenge_for(laptop, user_with_totp.email)
    clock.advance(300)
    assert (await verify(laptop, late, totp(user_with_totp.secret, clock)))["code"] == "CHALLENGE_EXPIRED"
    in_time = await challenge_for(laptop, user_with_totp.email)
    clock.advance(299)
    assert (await verify(laptop, in_time, totp(user_with_totp.secret, clock)))["__typename"] == "SignedIn"


async def test_a_challenge_is_single_use(user_with_totp: TotpUser, make_client, clock: FrozenClock) -> None:
    laptop = make_client()
    challenge = await challenge_for(laptop, user_with_totp.email)
    assert (await verify(laptop, challenge, totp(user_with_totp.secret, clock)))["__typename"] == "SignedIn"
    clock.advance(30)
    assert (await verify(laptop, challenge, totp(user_with_totp.secret, clock)))["code"] == "CHALLENGE_EXPIRED"
    assert (await verify(laptop, challenge, user_with_totp.backup_codes[0]))["code"] == "CHALLENGE_EXPIRED"
    for unknown in ("", "x" * 43, "x" * 10_000, "\x00"):
        assert (await verify(laptop, unknown, totp(user_with_totp.secret, clock)))["code"] == "CHALLENGE_EXPIRED"


async def test_a_challenge_authenticates_nothing(user_with_totp: TotpUser, make_client) -> None:
    challenge = await challenge_for(make_client(), user_with_totp.email)
    assert await me(make_client(authorization=f"Bearer {challenge}")) is None
    assert await me(make_client(cookie=f"session={challenge}")) is None
    body = await make_client(authorization=f"Bearer {challenge}").execute("query { activeSessions { id } }")
    assert error_codes(body) == ["UNAUTHENTICATED"]
    body = await make_client(authorization=f"Bearer {challenge}").execute(START_TOTP_SETUP)
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_wrong_codes_lock_the_account_like_wrong_passwords(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    attacker = make_client()
    email, secret = user_with_totp.email, user_with_totp.secret
    first = await challenge_for(attacker, email)
    for delay in (1, 2, 4, 8):
        assert (await verify(attacker, first, wrong_code(secret, clock)))["code"] == "INVALID_CODE"
        refused = await verify(attacker, first, totp(secret, clock))
        assert (refused["__typename"], refused["retryAfterSeconds"]) == ("TooManyAttempts", delay)
        clock.advance(delay)
    assert (await verify(attacker, first, wrong_code(secret, clock)))["code"] == "INVALID_CODE"  # the 5th
    clock.advance(16)
    # The challenge took its 5 wrong codes; the right password alone does not reset the count.
    assert (await verify(attacker, first, totp(secret, clock)))["code"] == "CHALLENGE_EXPIRED"
    second = await challenge_for(attacker, email)
    locked = await verify(attacker, second, wrong_code(secret, clock))
    assert (locked["__typename"], locked["retryAfterSeconds"]) == ("AccountLocked", 900)
    assert (await verify(attacker, second, totp(secret, clock)))["__typename"] == "AccountLocked"
    assert (await sign_in(make_client(), email))["__typename"] == "AccountLocked"
    mails = await OutboxMessage.filter(kind="lockout")
    assert len(mails) == 1 and mails[0].recipient == email
    assert "two-factor code" in mails[0].text_body
    for code in user_with_totp.backup_codes:
        assert code not in mails[0].text_body


async def test_a_right_password_does_not_reset_the_count_but_a_completed_sign_in_does(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    device = make_client()
    email, secret = user_with_totp.email, user_with_totp.secret
    first = await verify(device, await challenge_for(device, email), wrong_code(secret, clock))
    assert first["code"] == "INVALID_CODE"
    clock.advance(1)
    challenge = await challenge_for(device, email)  # right password: the count stays at 1
    assert (await verify(device, challenge, wrong_code(secret, clock)))["code"] == "INVALID_CODE"
    refused = await sign_in(device, email)
    assert (refused["__typename"], refused["retryAfterSeconds"]) == ("TooManyAttempts", 2)  # 2nd failure: 2 s
    clock.advance(2)
    assert (await verify(device, challenge, totp(secret, clock)))["__typename"] == "SignedIn"
    # Completed: the run of failures is over, the next failure is the 1st again.
    assert (await sign_in(device, email, password="wrong password"))["__typename"] == "InvalidCredentials"
    refused = await sign_in(device, email)
    assert (refused["__typename"], refused["retryAfterSeconds"]) == ("TooManyAttempts", 1)


async def test_a_wrong_code_does_not_use_up_the_challenge(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    device = make_client()
    challenge = await challenge_for(device, user_with_totp.email)
    assert (await verify(device, challenge, wrong_code(user_with_totp.secret, clock)))["code"] == "INVALID_CODE"
    clock.advance(1)
    assert (await verify(device, challenge, totp(user_with_totp.secret, clock)))["__typename"] == "SignedIn"
    assert (await SignInChallenge.get()).wrong_codes == 1


async def test_aliased_codes_in_one_request_are_evaluated_once(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    device = make_client()
    challenge = await challenge_for(device, user_with_totp.email)
    near = {totp(user_with_totp.secret, clock, k) for k in (-1, 0, 1)}
    guesses = [code for code in (f"{n:06d}" for n in range(20)) if code not in near][:12]
    aliases = " ".join(
        f'a{i}: verifyTwoFactor(input: {{challenge: "{challenge}", code: "{code}"}}) {{ __typename }}'
        for i, code in enumerate(guesses)
    )
    data = await device.data(f"mutation {{ {aliases} }}")
    assert [payload["__typename"] for payload in data.values()] == ["InvalidCode"] + ["TooManyAttempts"] * 11
    assert (await AttemptCounter.get()).failures == 1


async def test_disable_needs_the_password_and_takes_effect_at_once(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    browser, email = user_with_totp.browser, user_with_totp.email
    pending = await challenge_for(make_client(), email)
    assert (await browser.data(DISABLE, {"password": "wrong password"}))["disableTotp"]["code"] == "INVALID_CREDENTIALS"
    refused = (await browser.data(DISABLE, {"password": PASSWORD}))["disableTotp"]
    assert (refused["__typename"], refused["retryAfterSeconds"]) == ("TooManyAttempts", 1)
    assert (await me(browser))["twoFactorEnabled"] is True
    clock.advance(1)
    disabled = (await browser.data(DISABLE, {"password": PASSWORD}))["disableTotp"]
    assert disabled == {"__typename": "TotpDisabled", "account": {"twoFactorEnabled": False, "backupCodesRemaining": 0}}
    account = await Account.get(email=email)
    assert (account.totp_secret, account.totp_last_step, account.totp_enabled_at) == (None, None, None)
    assert await BackupCode.all().count() == 0
    assert await OutboxMessage.filter(kind="totp_disabled", recipient=email).count() == 1
    # The next sign-in needs the password only; a challenge from before is dead.
    assert (await sign_in(make_client(), email))["__typename"] == "SignedIn"
    assert (await verify(make_client(), pending, totp(user_with_totp.secret, clock)))["code"] == "CHALLENGE_EXPIRED"
    assert (await verify(make_client(), pending, user_with_totp.backup_codes[0]))["code"] == "CHALLENGE_EXPIRED"
    assert (await browser.data(DISABLE, {"password": PASSWORD}))["disableTotp"]["code"] == "TOTP_NOT_ENABLED"
    # It can be set up again, with a new secret.
    setup = await start_setup(browser)
    assert setup["secret"] != user_with_totp.secret
    assert (await enable(browser, totp(setup["secret"], clock)))["__typename"] == "TotpEnabled"
    # Even with 2FA on again, the challenge won before the disable stays dead.
    assert (await verify(make_client(), pending, totp(setup["secret"], clock, 1)))["code"] == "CHALLENGE_EXPIRED"


async def test_regenerating_voids_the_old_codes(user_with_totp: TotpUser, make_client, clock: FrozenClock) -> None:
    browser = user_with_totp.browser
    assert (await browser.data(REGENERATE, {"password": "wrong password"}))["regenerateBackupCodes"]["code"] == (
        "INVALID_CREDENTIALS"
    )
    clock.advance(1)
    fresh = (await browser.data(REGENERATE, {"password": PASSWORD}))["regenerateBackupCodes"]
    assert fresh["__typename"] == "BackupCodes"
    assert len(set(fresh["codes"])) == 10 and not set(fresh["codes"]) & set(user_with_totp.backup_codes)
    assert await OutboxMessage.filter(kind="backup_codes_regenerated").count() == 1
    assert (await me(browser))["backupCodesRemaining"] == 10
    device = make_client()
    old = await verify(device, await challenge_for(device, user_with_totp.email), user_with_totp.backup_codes[0])
    assert old["code"] == "INVALID_CODE"
    clock.advance(1)
    new = await verify(device, await challenge_for(device, user_with_totp.email), fresh["codes"][0])
    assert new["__typename"] == "SignedIn"


async def test_disable_and_regenerate_need_2fa_on(user: User) -> None:
    assert (await user.browser.data(DISABLE, {"password": PASSWORD}))["disableTotp"]["code"] == "TOTP_NOT_ENABLED"
    result = (await user.browser.data(REGENERATE, {"password": PASSWORD}))["regenerateBackupCodes"]
    assert result["code"] == "TOTP_NOT_ENABLED"


async def test_two_factor_operations_need_a_session(anonymous: GraphQLClient) -> None:
    for document, variables in (
        (START_TOTP_SETUP, {}),
        (ENABLE_TOTP, {"code": "123456"}),
        (DISABLE, {"password": PASSWORD}),
        (REGENERATE, {"password": PASSWORD}),
    ):
        assert error_codes(await anonymous.execute(document, variables)) == ["UNAUTHENTICATED"]


async def test_a_password_change_ends_open_challenges(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    stolen = await challenge_for(make_client(), user_with_totp.email)
    changed = await user_with_totp.browser.data(
        CHANGE_PASSWORD, {"input": {"currentPassword": PASSWORD, "newPassword": "a brand new passphrase"}}
    )
    assert changed["changePassword"]["__typename"] == "PasswordChanged"
    assert (await verify(make_client(), stolen, totp(user_with_totp.secret, clock)))["code"] == "CHALLENGE_EXPIRED"


async def test_the_database_never_holds_a_secret_or_code_in_clear(user: User, make_client, clock: FrozenClock) -> None:
    setup = await start_setup(user.browser)
    secret, backup_codes = setup["secret"], list(setup["backupCodes"])
    used_codes = [totp(secret, clock)]
    assert (await enable(user.browser, used_codes[0]))["__typename"] == "TotpEnabled"
    clock.advance(30)
    phone = make_client()
    challenges = [await challenge_for(phone, user.email, kind="MOBILE")]
    used_codes.append(totp(secret, clock))
    tokens = [(await verify(phone, challenges[0], used_codes[-1]))["token"]]
    clock.advance(1)
    challenges.append(await challenge_for(phone, user.email, kind="MOBILE"))
    tokens.append((await verify(phone, challenges[1], backup_codes[0]))["token"])
    regenerated = (await user.browser.data(REGENERATE, {"password": PASSWORD}))["regenerateBackupCodes"]["codes"]

    stored = await every_stored_text()
    assert stored, "the scan found nothing: it cannot be looking in the right place"
    assert any(value.startswith("v1.") for value in stored)  # the ciphertext is there...
    long_secrets = [secret, *tokens, *challenges, PASSWORD]
    for code in [*backup_codes, *regenerated]:
        long_secrets += [code, code.replace("-", "")]
    for value in stored:
        for needle in long_secrets:
            assert needle.lower() not in value.lower()
        for code in used_codes:
            assert not re.search(rf"(?<![0-9A-Za-z]){code}(?![0-9A-Za-z])", value)


async def test_a_pending_setup_is_stored_encrypted_too(user: User) -> None:
    setup = await start_setup(user.browser)
    stored = await every_stored_text()
    for value in stored:
        assert setup["secret"] not in value
        for code in setup["backupCodes"]:
            assert code not in value and code.replace("-", "") not in value
    row = await TotpSetup.get()
    assert row.secret.startswith("v1.")


HOSTILE_CODES = [
    "",
    "   ",
    "\x00",
    "😀",
    "12345",
    "1234567",
    "12 3456",
    "x" * 10_000,
    "\ud800",
    "ＡＢＣＤ-ＥＦＧＨ-ＪＫＭＮ-ＰＱＲＳ",
]


@pytest.mark.parametrize("code", HOSTILE_CODES, ids=range(len(HOSTILE_CODES)))
async def test_hostile_codes_are_invalid_and_count_nowhere(
    user_with_totp: TotpUser, make_client, clock: FrozenClock, code: str
) -> None:
    device = make_client()
    challenge = await challenge_for(device, user_with_totp.email)
    result = await verify(device, challenge, code)
    assert result["__typename"] == "InvalidCode"
    assert await AttemptCounter.filter(failures__gt=0).count() == 0
    assert (await SignInChallenge.get()).wrong_codes == 0
    assert (await enable(user_with_totp.browser, code))["__typename"] in {"InvalidCode", "TotpAlreadyEnabled"}
    # Nothing was used up: the right code still works at once.
    assert (await verify(device, challenge, totp(user_with_totp.secret, clock)))["__typename"] == "SignedIn"


@pytest.mark.parametrize(
    "make_code",
    [
        lambda c: f" {c}\t",
        lambda c: "".join(chr(0xFF10 + int(d)) for d in c),  # full-width digits
        lambda c: c + "\x00",
        lambda c: "\u3000" + c,  # ideographic space
    ],
    ids=["spaces", "full-width", "nul", "ideographic-space"],
)
async def test_the_right_digits_in_the_wrong_form(
    user_with_totp: TotpUser, make_client, clock: FrozenClock, make_code
) -> None:
    device = make_client()
    challenge = await challenge_for(device, user_with_totp.email)
    code = totp(user_with_totp.secret, clock)
    expected = "SignedIn" if make_code(code).strip(" \t") == code else "InvalidCode"
    assert (await verify(device, challenge, make_code(code)))["__typename"] == expected


async def test_a_ten_megabyte_code_is_refused_at_the_door(user_with_totp: TotpUser, make_client) -> None:
    device = make_client()
    challenge = await challenge_for(device, user_with_totp.email)
    response = await device.post(VERIFY, {"challenge": challenge, "code": "1" * 10_000_000})
    assert response.status_code == 413
    assert await AttemptCounter.filter(failures__gt=0).count() == 0


async def test_hostile_codes_at_enable(user: User, clock: FrozenClock) -> None:
    setup = await start_setup(user.browser)
    for code in HOSTILE_CODES:
        assert (await enable(user.browser, code))["__typename"] == "InvalidCode"
    assert (await enable(user.browser, totp(setup["secret"], clock)))["__typename"] == "TotpEnabled"


async def test_the_sweep_deletes_expired_challenges_only(
    user_with_totp: TotpUser, make_client, app, clock: FrozenClock
) -> None:
    await challenge_for(make_client(), user_with_totp.email)
    clock.advance(200)
    fresh = await challenge_for(make_client(), user_with_totp.email)
    clock.advance(100)  # the first is 300 s old: expired
    await app.state.services.sweep_once()
    assert await SignInChallenge.all().count() == 1
    assert (await verify(make_client(), fresh, totp(user_with_totp.secret, clock)))["__typename"] == "SignedIn"
