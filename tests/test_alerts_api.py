"""Alerts that tell the owner, checked on a real SMTP server: a new device, a known password with failing codes."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from auth.clock import FrozenClock
from models import OutboxMessage, SecurityEvent
from tests.support.actors import PASSWORD, TotpUser, User, lock_out, totp
from tests.support.graphql import IPHONE_UA, SIGN_IN, GraphQLClient
from tests.support.mail import SMTP_PORT, RecordingHandler
from tests.support.two_factor import challenge_for, verify, wrong_code

# The app mails the ``smtp`` fixture's real SMTP server.
SMTP = pytest.mark.settings(smtp_url=f"smtp://127.0.0.1:{SMTP_PORT}")
NEW_SIGN_IN = "New sign-in to your Workestra account"
CODE_FAILING = "Someone entered your Workestra password but not your two-factor code"


async def delivered(handler: RecordingHandler, subject: str, count: int = 1, timeout: float = 10) -> list[str]:
    """The plain texts of the mails with ``subject``, once ``count`` of them arrived (and a moment more)."""

    def texts() -> list[str]:
        return [
            m.message.get_body(("plain",)).get_content() for m in handler.received if m.message["Subject"] == subject
        ]

    async def wait() -> None:
        while len(texts()) < count:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)
    await asyncio.sleep(0.3)
    return texts()


async def event_types(email: str) -> list[str]:
    return [e.type for e in await SecurityEvent.filter(account__email=email).order_by("id")]


@SMTP
async def test_a_sign_in_from_a_new_device_mails_the_owner_time_device_place_and_masked_ip(
    app, smtp: RecordingHandler, user: User, clock: FrozenClock
) -> None:
    transport = httpx.ASGITransport(app=app, client=("81.2.69.160", 4711))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        phone = GraphQLClient(http, headers={"user-agent": IPHONE_UA})
        signed_in = await phone.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    assert signed_in["signIn"]["__typename"] == "SignedIn"
    (text,) = await delivered(smtp, NEW_SIGN_IN)
    assert smtp.received[-1].rcpt_tos == [user.email]
    assert clock.now().strftime("%Y-%m-%d %H:%M UTC") in text
    assert "Mobile Safari 18 on iOS 18" in text and "United Kingdom" in text and "81.2.69.xxx" in text
    assert "81.2.69.160" not in text and PASSWORD not in text and "http" not in text.lower()
    assert "Not you? Change your password" in text and "Sign Out Everywhere" in text
    assert (await event_types(user.email))[-2:] == ["SIGN_IN", "NEW_DEVICE_SIGN_IN"]


async def test_sign_up_and_known_devices_send_no_new_sign_in_mail(user: User, make_client) -> None:
    # The browser that signed up is known: signing in with it again is no news.
    again = await user.browser.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    assert again["signIn"]["__typename"] == "SignedIn"
    assert await OutboxMessage.filter(kind="new_sign_in").count() == 0
    assert "NEW_DEVICE_SIGN_IN" not in await event_types(user.email)
    # A wrong password completes nothing, so it tells nothing either.
    await make_client().data(SIGN_IN, {"input": {"email": user.email, "password": "not it at all"}})
    assert await OutboxMessage.filter(kind="new_sign_in").count() == 0


async def wrong_codes(owner: TotpUser, client: GraphQLClient, clock: FrozenClock, count: int) -> None:
    """``count`` wrong codes on one challenge, each after the longest wait the ladder asks before the lock."""
    challenge = await challenge_for(client, owner.email)
    for _ in range(count):
        assert (await verify(client, challenge, wrong_code(owner.secret, clock)))["code"] == "INVALID_CODE"
        clock.advance(16)


@SMTP
async def test_three_wrong_codes_after_the_right_password_mail_the_owner_once(
    smtp: RecordingHandler, user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    owner, intruder = user_with_totp, make_client()
    await wrong_codes(owner, intruder, clock, 2)
    assert await OutboxMessage.filter(kind="code_failing").count() == 0
    await wrong_codes(owner, intruder, clock, 3)  # the third in the window tells; the fourth and fifth do not again
    (text,) = await delivered(smtp, CODE_FAILING)
    assert "followed by 3 wrong two-factor codes" in text and "127.0.0.xxx" in text
    assert "someone knows your password" in text and PASSWORD not in text
    assert (await event_types(owner.email)).count("PASSWORD_KNOWN_CODE_FAILING") == 1


async def test_a_completed_sign_in_starts_the_count_of_wrong_codes_again(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    owner, phone = user_with_totp, make_client()
    await wrong_codes(owner, phone, clock, 2)
    challenge = await challenge_for(phone, owner.email)
    assert (await verify(phone, challenge, totp(owner.secret, clock)))["__typename"] == "SignedIn"
    clock.advance(30)
    await wrong_codes(owner, make_client(), clock, 2)
    assert await OutboxMessage.filter(kind="code_failing").count() == 0


async def test_wrong_codes_outside_the_lock_window_do_not_add_up(
    user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    owner = user_with_totp
    await wrong_codes(owner, make_client(), clock, 2)
    clock.advance(15 * 60)
    await wrong_codes(owner, make_client(), clock, 1)
    assert await OutboxMessage.filter(kind="code_failing").count() == 0


@SMTP
async def test_a_lockout_at_the_second_factor_says_the_password_is_known(
    smtp: RecordingHandler, user_with_totp: TotpUser, make_client, clock: FrozenClock
) -> None:
    owner, intruder = user_with_totp, make_client()
    await wrong_codes(owner, intruder, clock, 5)  # a challenge takes at most five wrong codes
    challenge = await challenge_for(intruder, owner.email)
    assert (await verify(intruder, challenge, wrong_code(owner.secret, clock)))["code"] == "ACCOUNT_LOCKED"
    (text,) = await delivered(smtp, "Your Workestra account was locked after failed sign-in attempts")
    assert "wrong two-factor code entered after the right password" in text


async def test_a_lockout_by_wrong_passwords_does_not_claim_the_password_is_known(
    user: User, make_client, clock: FrozenClock
) -> None:
    await lock_out(make_client(), user.email, clock)
    (mail,) = await OutboxMessage.filter(kind="lockout")
    assert "after the right password" not in mail.text_body
