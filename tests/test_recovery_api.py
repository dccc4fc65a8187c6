"""Account recovery by email through the API: the request, the mail's link, and the reset it allows.

Mails go to a real SMTP server (aiosmtpd); the token is read from the delivered mail, as a person would.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from auth.clock import FrozenClock
from models import OutboxMessage, PasswordResetToken, SecurityEvent
from tests.support.actors import PASSWORD, ApiKeyClient, TotpUser, User, lock_out, totp
from tests.support.graphql import ME, SIGN_IN, GraphQLClient, change_password
from tests.support.mail import SMTP_PORT, RecordingHandler, received
from tests.support.recovery import PUBLIC_URL, REQUEST_RESET, RESET, RESET_FIELDS, RESET_SUBJECT, link_token

# A real SMTP server, the link's base, and no answer floor (the timing test sets its own).
RECOVERY = {"smtp_url": f"smtp://127.0.0.1:{SMTP_PORT}", "public_url": PUBLIC_URL, "reset_response_floor_ms": 0}
NEW_PASSWORD = "a fresh recovery passphrase"

EVENTS = "query { securityEvents(first: 50) { edges { node { type } } } }"
KNOWN_DEVICES = "query { knownDevices { id client } }"
DEVICE_SIGN_IN = """
mutation SignIn($input: SignInInput!) {
  signIn(input: $input) {
    __typename
    ... on SignedIn { deviceToken }
    ... on AccountLocked { retryAfterSeconds }
  }
}"""


async def mails(handler: RecordingHandler, count: int) -> list[Any]:
    """The first ``count`` mails the SMTP server accepted, waiting for them."""
    await received(handler, count)
    return handler.received[:count]


async def request(client: GraphQLClient, email: str) -> dict:
    return (await client.data(REQUEST_RESET, {"input": {"email": email}}))["requestPasswordReset"]


async def reset(client: GraphQLClient, token: str, password: str = NEW_PASSWORD, code: str | None = None) -> dict:
    variables = {"input": {"token": token, "newPassword": password, "code": code}}
    return (await client.data(RESET, variables))["resetPassword"]


async def mail_with_subject(handler: RecordingHandler, subject: str, timeout: float = 10) -> Any:
    """The first mail with ``subject`` the SMTP server accepted, waiting for it."""

    async def wait() -> Any:
        while not (found := [m for m in handler.received if m.message["Subject"] == subject]):
            await asyncio.sleep(0.02)
        return found[0]

    return await asyncio.wait_for(wait(), timeout)


def link_mails(handler: RecordingHandler) -> list[Any]:
    return [m for m in handler.received if m.message["Subject"] == RESET_SUBJECT]


async def reset_link(client: GraphQLClient, email: str, smtp: RecordingHandler, timeout: float = 10) -> str:
    """Ask for a link for ``email`` and read its token from the link mail that arrives."""
    before = len(link_mails(smtp))
    assert (await request(client, email))["__typename"] == "PasswordResetRequested"

    async def wait() -> None:
        while len(link_mails(smtp)) <= before:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)
    return link_token(link_mails(smtp)[before])


async def signs_in(client: GraphQLClient, email: str, password: str) -> str:
    data = await client.data(SIGN_IN, {"input": {"email": email, "password": password}})
    return data["signIn"]["__typename"]


@pytest.mark.settings(**{**RECOVERY, "reset_response_floor_ms": 200})
async def test_known_and_unknown_emails_get_byte_identical_answers_and_only_the_account_gets_a_mail(
    smtp: RecordingHandler, user: User, anonymous: GraphQLClient
) -> None:
    variables = [{"input": {"email": email}} for email in (user.email, "nobody@example.com")]
    known, unknown = [await anonymous.post(REQUEST_RESET, v) for v in variables]
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert known.json()["data"]["requestPasswordReset"]["__typename"] == "PasswordResetRequested"
    [mail] = await mails(smtp, 1)
    await asyncio.sleep(0.3)
    assert len(smtp.received) == 1 and mail.rcpt_tos == [user.email]
    assert mail.message["Subject"] == "Reset your Workestra password"
    token = link_token(mail)
    assert len(token) == 43  # secrets.token_urlsafe(32): 256 bits
    html = mail.message.get_body(("html",)).get_content()
    assert f'href="{PUBLIC_URL}#reset={token}"' in html


@pytest.mark.settings(**RECOVERY)
async def test_the_token_is_stored_only_as_a_hash_and_leaves_the_outbox_once_delivered(
    smtp: RecordingHandler, user: User, anonymous: GraphQLClient
) -> None:
    token = await reset_link(anonymous, user.email, smtp)
    [row] = await PasswordResetToken.all()
    assert row.token_hash != token and token not in row.token_hash
    await asyncio.sleep(0.2)  # the sender records the delivery after the server accepted it
    [stored] = await OutboxMessage.filter(kind="password_reset_link")
    assert stored.sent_at is not None
    assert token not in stored.text_body + stored.html_body and stored.secret is None


@pytest.mark.settings(**RECOVERY)
async def test_a_reset_ends_every_session_and_api_key_clears_nothing_else_and_is_audited_and_mailed(
    smtp: RecordingHandler,
    user: User,
    api_key_client: ApiKeyClient,
    make_client,
    anonymous: GraphQLClient,
    clock: FrozenClock,
) -> None:
    phone = make_client()
    assert await signs_in(phone, user.email, PASSWORD) == "SignedIn"
    token = await reset_link(anonymous, user.email, smtp)
    done = await reset(anonymous, token)
    assert done == {"__typename": "PasswordReset", "signedOutSessions": 2, "revokedApiKeys": 1}
    for client in (user.browser, phone, api_key_client.client):
        assert (await client.data(ME))["me"] is None
    assert await signs_in(make_client(), user.email, PASSWORD) == "InvalidCredentials"
    clock.advance(1)
    browser = make_client()
    assert await signs_in(browser, user.email, NEW_PASSWORD) == "SignedIn"
    types = [e["node"]["type"] for e in (await browser.data(EVENTS))["securityEvents"]["edges"]]
    # Newest first; the new browser is no known device, so its sign-in is alerted too. The key the reset
    # revoked is audited on its own, as when changePassword revokes keys.
    assert types[:5] == ["NEW_DEVICE_SIGN_IN", "SIGN_IN", "SIGN_IN_FAILED", "PASSWORD_RESET", "API_KEY_REVOKED"]
    # The other mails (API key created, the new devices' sign-ins) may come in any order around it.
    notice = await mail_with_subject(smtp, "Your Workestra password was reset")
    assert token not in notice.message.as_string()
    # Nothing in the audit log holds the token.
    for event in await SecurityEvent.all():
        assert token not in " ".join(str(v) for v in vars(event).values())


@pytest.mark.settings(**RECOVERY)
async def test_used_expired_replaced_and_unknown_tokens_get_one_identical_answer(
    smtp: RecordingHandler, user: User, anonymous: GraphQLClient, clock: FrozenClock
) -> None:
    replaced = await reset_link(anonymous, user.email, smtp)
    used = await reset_link(anonymous, user.email, smtp)  # the newest link voids the older one
    assert (await reset(anonymous, used))["__typename"] == "PasswordReset"
    expired = await reset_link(anonymous, user.email, smtp)
    clock.advance(30 * 60)
    unknown = "A" * 43
    answers = [
        await anonymous.post(RESET, {"input": {"token": t, "newPassword": "another passphrase", "code": None}})
        for t in (replaced, used, expired, unknown)
    ]
    assert len({a.content for a in answers}) == 1
    assert answers[0].json()["data"]["resetPassword"]["code"] == "INVALID_RESET_TOKEN"


@pytest.mark.settings(**RECOVERY)
async def test_a_link_works_until_its_time_is_up(
    smtp: RecordingHandler, user: User, anonymous: GraphQLClient, clock: FrozenClock
) -> None:
    token = await reset_link(anonymous, user.email, smtp)
    clock.advance(30 * 60 - 1)
    assert (await reset(anonymous, token))["__typename"] == "PasswordReset"


async def phone_sign_in(email: str, password: str, make_client, device_token: str | None = None) -> dict:
    """Sign in as the mobile app on a new client, presenting ``device_token`` when given."""
    fields = {"email": email, "password": password, "client": "MOBILE", "deviceToken": device_token}
    return (await make_client().data(DEVICE_SIGN_IN, {"input": fields}))["signIn"]


@pytest.mark.settings(**RECOVERY)
async def test_a_reset_forgets_every_known_device(
    smtp: RecordingHandler, user: User, make_client, anonymous: GraphQLClient, clock: FrozenClock
) -> None:
    phone = (await phone_sign_in(user.email, PASSWORD, make_client))["deviceToken"]
    # While the known devices stand, the phone's credential counts on that device: others' lock lets it in.
    await lock_out(make_client(), user.email, clock)
    admitted = await phone_sign_in(user.email, PASSWORD, make_client, phone)
    assert admitted["__typename"] == "SignedIn" and admitted["deviceToken"], admitted
    before = (await user.browser.data(KNOWN_DEVICES))["knownDevices"]
    assert sorted(d["client"] for d in before) == ["MOBILE", "WEB"]

    token = await reset_link(anonymous, user.email, smtp)
    assert (await reset(anonymous, token))["__typename"] == "PasswordReset"
    # The browser signs in again, presenting the device cookie it had: it is a new device now.
    assert await signs_in(user.browser, user.email, NEW_PASSWORD) == "SignedIn"
    after = (await user.browser.data(KNOWN_DEVICES))["knownDevices"]
    assert [d["client"] for d in after] == ["WEB"]
    assert {d["id"] for d in before}.isdisjoint(d["id"] for d in after)
    # The phone's credential no longer counts per device: a lock others caused refuses it like anyone.
    await lock_out(make_client(), user.email, clock)
    refused = await phone_sign_in(user.email, NEW_PASSWORD, make_client, admitted["deviceToken"])
    assert refused["__typename"] == "AccountLocked", refused


@pytest.mark.settings(**RECOVERY)
async def test_password_rules_and_history_apply_and_leave_the_link_usable(
    smtp: RecordingHandler, user: User, anonymous: GraphQLClient
) -> None:
    await change_password(user.browser, PASSWORD, "an intermediate passphrase")
    token = await reset_link(anonymous, user.email, smtp)
    for password, code in (
        ("short", "PASSWORD_TOO_SHORT"),
        ("x" * 129, "PASSWORD_TOO_LONG"),
        ("an intermediate passphrase", "PASSWORD_REUSED"),  # the current one
        (PASSWORD, "PASSWORD_REUSED"),  # an earlier one
    ):
        refused = await reset(anonymous, token, password)
        assert (refused["__typename"], refused["code"]) == ("PasswordPolicyViolation", code)
    assert (await reset(anonymous, token))["__typename"] == "PasswordReset"


@pytest.mark.settings(**RECOVERY)
async def test_with_two_factor_a_code_is_required_and_wrong_codes_count_as_failures(
    smtp: RecordingHandler, user_with_totp: TotpUser, anonymous: GraphQLClient, clock: FrozenClock
) -> None:
    token = await reset_link(anonymous, user_with_totp.email, smtp)
    missing = await reset(anonymous, token)
    assert missing["code"] == "INVALID_CODE"
    # A missing code counts nowhere: the wrong code right after it is evaluated.
    assert (await reset(anonymous, token, code="000000"))["code"] == "INVALID_CODE"
    # That failure counts under the brute-force rules: the next attempt waits a second, unevaluated.
    delayed = await reset(anonymous, token, code=totp(user_with_totp.secret, clock))
    assert (delayed["__typename"], delayed["retryAfterSeconds"]) == ("TooManyAttempts", 1)
    clock.advance(1)
    assert (await reset(anonymous, token, code=totp(user_with_totp.secret, clock)))["__typename"] == "PasswordReset"


@pytest.mark.settings(**RECOVERY)
async def test_a_backup_code_works_once_for_a_reset(
    smtp: RecordingHandler, user_with_totp: TotpUser, anonymous: GraphQLClient, make_client
) -> None:
    code = user_with_totp.backup_codes[0]
    token = await reset_link(anonymous, user_with_totp.email, smtp)
    assert (await reset(anonymous, token, code=code))["__typename"] == "PasswordReset"
    again = await reset_link(anonymous, user_with_totp.email, smtp)
    assert (await reset(anonymous, again, "yet another passphrase", code=code))["code"] == "INVALID_CODE"


@pytest.mark.settings(**RECOVERY)
async def test_a_reset_clears_the_lock_and_the_failure_count(
    smtp: RecordingHandler, locked_user: User, anonymous: GraphQLClient, make_client
) -> None:
    token = await reset_link(anonymous, locked_user.email, smtp)
    assert (await reset(anonymous, token))["__typename"] == "PasswordReset"
    assert await signs_in(make_client(), locked_user.email, NEW_PASSWORD) == "SignedIn"


@pytest.mark.settings(**RECOVERY)
async def test_two_factor_lockout_refuses_the_reset_until_the_lock_ends(
    smtp: RecordingHandler, user_with_totp: TotpUser, anonymous: GraphQLClient, clock: FrozenClock
) -> None:
    from tests.support.actors import LOCKOUT_DELAYS

    token = await reset_link(anonymous, user_with_totp.email, smtp)
    answers = []
    for delay in LOCKOUT_DELAYS:
        answers.append((await reset(anonymous, token, code="000000"))["__typename"])
        clock.advance(delay)
    assert answers == ["InvalidCode"] * 5 + ["AccountLocked"]
    locked = await reset(anonymous, token, code=totp(user_with_totp.secret, clock))
    assert locked["__typename"] == "AccountLocked"
    clock.advance(15 * 60)
    fresh = await reset_link(anonymous, user_with_totp.email, smtp)
    assert (await reset(anonymous, fresh, code=totp(user_with_totp.secret, clock)))["__typename"] == "PasswordReset"


@pytest.mark.settings(**RECOVERY)
async def test_concurrent_uses_of_one_link_give_exactly_one_reset(
    smtp: RecordingHandler, user: User, make_client
) -> None:
    token = await reset_link(make_client(), user.email, smtp)
    answers = await asyncio.gather(*(reset(make_client(), token, f"concurrent passphrase {i}") for i in range(6)))
    kinds = sorted(a["__typename"] for a in answers)
    assert kinds == ["InvalidResetToken"] * 5 + ["PasswordReset"]


@pytest.mark.settings(**RECOVERY)
async def test_aliased_uses_of_one_link_in_one_request_give_exactly_one_reset(
    smtp: RecordingHandler, user: User, anonymous: GraphQLClient
) -> None:
    token = await reset_link(anonymous, user.email, smtp)
    aliases = "\n".join(
        f'a{i}: resetPassword(input: {{token: $token, newPassword: "aliased passphrase {i}"}}) {{ {RESET_FIELDS} }}'
        for i in range(5)
    )
    data = await anonymous.data(f"mutation Aliased($token: String!) {{ {aliases} }}", {"token": token})
    assert sorted(v["__typename"] for v in data.values()) == ["InvalidResetToken"] * 4 + ["PasswordReset"]


@pytest.mark.settings(**RECOVERY)
async def test_requests_are_limited_per_normalised_email(
    smtp: RecordingHandler, user: User, anonymous: GraphQLClient, clock: FrozenClock
) -> None:
    spellings = [user.email, user.email.upper(), f"  {user.email} ", user.email, user.email.capitalize()]
    assert [(await request(anonymous, e))["__typename"] for e in spellings] == ["PasswordResetRequested"] * 5
    refused = await request(anonymous, user.email)
    assert (refused["__typename"], refused["code"]) == ("TooManyAttempts", "TOO_MANY_ATTEMPTS")
    assert refused["retryAfterSeconds"] == 3600
    # An unknown email is limited alike, and the limits answer the same for both.
    for _ in range(5):
        await request(anonymous, "nobody@example.com")
    assert await request(anonymous, "nobody@example.com") == refused
    clock.advance(3600)
    assert (await request(anonymous, user.email))["__typename"] == "PasswordResetRequested"
    assert len(await mails(smtp, 6)) == 6


@pytest.mark.settings(**{**RECOVERY, "reset_ip_limit": 3})
async def test_requests_are_limited_per_ip(smtp: RecordingHandler, make_client) -> None:
    client = make_client()
    answers = [(await request(client, f"person{i}@example.com"))["__typename"] for i in range(4)]
    assert answers == ["PasswordResetRequested"] * 3 + ["TooManyAttempts"]
    behind_other_ip = make_client()
    behind_other_ip.http._transport.client = ("198.51.100.7", 4000)  # type: ignore[attr-defined]
    assert (await request(behind_other_ip, "person9@example.com"))["__typename"] == "PasswordResetRequested"


HOSTILE_EMAILS = ["", "   ", "x" * 5000 + "@example.com", "ada\x00@example.com", "\ud800@example.com", "no-at-sign"]


@pytest.mark.settings(**RECOVERY)
@pytest.mark.parametrize("email", HOSTILE_EMAILS)
async def test_hostile_emails_answer_invalid_input(anonymous: GraphQLClient, email: str) -> None:
    answer = await request(anonymous, email)
    assert (answer["__typename"], answer["code"], answer["field"]) == ("InvalidInput", "INVALID_INPUT", "email")


HOSTILE_TOKENS = ["", "x" * 5000, "\x00" * 43, "é" * 43, "\ud800" + "A" * 42, "A" * 42 + "=", "A" * 44]


@pytest.mark.settings(**RECOVERY)
async def test_hostile_tokens_answer_invalid_input_and_lose_nothing(
    smtp: RecordingHandler, user: User, anonymous: GraphQLClient
) -> None:
    token = await reset_link(anonymous, user.email, smtp)
    # Under a variable of its own: the log guard notes `token` values, and a lone surrogate cannot be noted.
    document = f"""mutation Hostile($t: String!, $p: String!) {{
      resetPassword(input: {{token: $t, newPassword: $p}}) {{ {RESET_FIELDS} }}
    }}"""
    for hostile in HOSTILE_TOKENS:
        answer = (await anonymous.data(document, {"t": hostile, "p": NEW_PASSWORD}))["resetPassword"]
        assert (answer["__typename"], answer["code"], answer["field"]) == ("InvalidInput", "INVALID_INPUT", "token")
    assert (await reset(anonymous, token))["__typename"] == "PasswordReset"


@pytest.mark.settings(**RECOVERY)
async def test_an_api_key_cannot_ask_for_or_use_a_reset(
    smtp: RecordingHandler, user: User, api_key_client: ApiKeyClient
) -> None:
    from tests.support.graphql import error_codes

    body = await api_key_client.client.execute(REQUEST_RESET, {"input": {"email": user.email}})
    assert error_codes(body) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("environ", "link_base"),
    [
        ({"PUBLIC_URL": "https://security.example.com/app/"}, "https://security.example.com/app/"),
        ({"PUBLIC_ORIGIN": "https://security.example.com"}, "https://security.example.com/"),
        ({"HOST": "0.0.0.0", "PORT": "9000"}, "http://0.0.0.0:9000/"),
    ],
)
def test_reset_links_point_at_public_url_else_the_public_origin_else_host_and_port(
    environ: dict[str, str], link_base: str
) -> None:
    from workestra.settings import Settings

    assert Settings.from_env(environ, env_file=None).reset_link_base == link_base


@pytest.mark.parametrize("url", ["https://x.example/#reset", "javascript:alert(1)", "ftp://x.example/", "/relative"])
def test_a_public_url_that_cannot_carry_a_reset_link_is_refused_at_start(url: str) -> None:
    from workestra.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="PUBLIC_URL"):
        Settings.from_env({"PUBLIC_URL": url}, env_file=None)


@pytest.mark.settings(**RECOVERY)
async def test_the_sweep_forgets_expired_links_and_old_requests(
    app, smtp: RecordingHandler, user: User, anonymous: GraphQLClient, clock: FrozenClock
) -> None:
    from models import ResetRequest

    await reset_link(anonymous, user.email, smtp)
    services = app.state.services
    await services.sweep_once()
    assert await PasswordResetToken.all().count() == 1 and await ResetRequest.all().count() == 2
    clock.advance(days=1, minutes=31)
    await services.sweep_once()
    assert await PasswordResetToken.all().count() == 0 and await ResetRequest.all().count() == 0
