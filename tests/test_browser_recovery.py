"""Account recovery in a real Chromium: "Forgot password?", the mail's link, the reset form, back to sign-in.

The link is read from the mail a real SMTP server (aiosmtpd) received from the uvicorn serving the page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pyotp
import pytest

from tests.support import log_guard
from tests.support.actors import PASSWORD
from tests.support.browser import (
    DIST,
    LAPTOP,
    PHONE,
    Device,
    ended_on_sign_in,
    expect,
    new_email,
    run_axe,
    security_page,
    sign_in,
    sign_up,
)
from tests.support.mail import RecordingHandler
from tests.support.server import ServerProcess, free_port

pytestmark = pytest.mark.server

NEW_PASSWORD = "recovered by the mailbox 42"
RESET_NOTICE = "You were signed out because the password was reset."
DONE_NOTICE = "Your password was reset and every device was signed out. Sign in with the new password."
SENT_NOTICE = "If an account uses this email address, a link to reset its password is on its way."


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, smtp_server: tuple[int, RecordingHandler]
) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp("browser-recovery")
    port = free_port()
    env = {
        "DATABASE_URL": f"sqlite://{directory / 'browser.sqlite3'}",
        "BROADCAST_URL": "memory://",
        "WEB_DIST": str(DIST),
        "SMTP_URL": f"smtp://127.0.0.1:{smtp_server[0]}",
        "PUBLIC_URL": f"http://127.0.0.1:{port}/",
    }
    process = ServerProcess(env, directory / "server.log", port=port).start()
    yield process
    process.stop()


def link_in_mail(handler: RecordingHandler, email: str, timeout: float = 10) -> str:
    """The reset link of the newest reset mail to ``email`` (noted as a secret for the log guard)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for mail in reversed(handler.received):
            if mail.rcpt_tos == [email] and mail.message["Subject"] == "Reset your Workestra password":
                text = mail.message.get_body(("plain",)).get_content()
                link = re.search(r"http://\S+#reset=([A-Za-z0-9_-]+)", text)
                assert link, text
                log_guard.note("reset token", link.group(1))
                return link.group(0)
        time.sleep(0.05)
    raise AssertionError(f"no reset mail reached {email}")


def ask_for_link(device: Device, email: str) -> None:
    page = device.page
    page.get_by_role("link", name="Forgot password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("status")).to_contain_text(SENT_NOTICE)


def open_link(device: Device, link: str) -> None:
    page = device.page
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    # The token left the address bar at once: the fragment is gone, and so is the entry that held it.
    assert page.evaluate("location.hash") == ""
    assert urlsplit(page.url).path == "/reset-password"
    assert "#reset=" not in page.evaluate("document.URL")


def test_forgot_password_mail_link_reset_form_then_sign_in_with_the_new_password(
    open_device,  # noqa: F811 (the fixture imported above)
    smtp_server: tuple[int, RecordingHandler],
) -> None:
    email = new_email()
    phone = open_device(PHONE)
    sign_up(phone, email)
    # An unknown address gets the very same confirmation.
    stranger = open_device(LAPTOP)
    ask_for_link(stranger, new_email())

    assert run_axe(stranger) == []  # the confirmation

    laptop = open_device(LAPTOP)
    laptop.page.get_by_role("link", name="Forgot password?").click()
    assert run_axe(laptop) == []  # the request form
    laptop.page.get_by_role("link", name="Back to sign in").click()
    ask_for_link(laptop, email)
    open_link(laptop, link_in_mail(smtp_server[1], email))
    page = laptop.page
    assert run_axe(laptop) == []  # the reset form
    page.get_by_label("New password").fill("short")
    expect(page.get_by_text("At least 8 characters (now 5).")).to_be_visible()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    expect(page.get_by_text("Strength:")).to_be_visible()  # the strength meter of the other password forms
    page.get_by_role("button", name="Reset Password").click()
    ended_on_sign_in(laptop, DONE_NOTICE)
    # The phone's session ended with the reset, and it says why.
    ended_on_sign_in(phone, RESET_NOTICE)

    sign_in(laptop, email, NEW_PASSWORD)
    security_page(laptop)

    # The link worked once.
    used = open_device(LAPTOP)
    open_link(used, link_in_mail(smtp_server[1], email))
    used.page.get_by_label("New password").fill("yet another new passphrase")
    used.page.get_by_role("button", name="Reset Password").click()
    expect(used.page.get_by_role("alert")).to_contain_text("This reset link is not valid any more.")
    expect(used.page.get_by_role("link", name="Ask for a new link")).to_be_visible()


def _gql(client: httpx.Client, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    log_guard.note_sent(variables)
    body = client.post("/graphql", json={"query": query, "variables": variables or {}}).json()
    log_guard.note_received(body)
    assert "errors" not in body, body
    return body["data"]


SIGN_UP = "mutation($e: String!, $p: String!) { signUp(input: {email: $e, password: $p}) { __typename } }"
START = "mutation { startTotpSetup { ... on TotpSetup { secret } } }"
ENABLE = "mutation($code: String!) { enableTotp(input: {code: $code}) { __typename } }"


def user_with_totp(server: ServerProcess, email: str) -> pyotp.TOTP:
    """An account with 2FA on, made through the API; returns its authenticator."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        assert _gql(client, SIGN_UP, {"e": email, "p": PASSWORD})["signUp"]["__typename"] == "SignedIn"
        secret = _gql(client, START)["startTotpSetup"]["secret"]
        authenticator = pyotp.TOTP(secret)
        assert _gql(client, ENABLE, {"code": authenticator.now()})["enableTotp"]["__typename"] == "TotpEnabled"
    return authenticator


def test_with_two_factor_the_reset_form_asks_for_a_code(
    open_device,  # noqa: F811 (the fixture imported above)
    server: ServerProcess,
    smtp_server: tuple[int, RecordingHandler],
) -> None:
    email = new_email()
    authenticator = user_with_totp(server, email)
    device = open_device(LAPTOP)
    ask_for_link(device, email)
    open_link(device, link_in_mail(smtp_server[1], email))
    page = device.page
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Reset Password").click()
    code = page.get_by_label("Authentication code")
    expect(code).to_be_visible()
    assert run_axe(device) == []
    # The enabling code used this step; the app's next one is within the allowed drift.
    code.fill(authenticator.at(time.time() + 30))
    page.get_by_role("button", name="Reset Password").click()
    ended_on_sign_in(device, DONE_NOTICE)
