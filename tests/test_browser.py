"""The Security page in a real Chromium against a real uvicorn serving the built page.

Debian's Chromium is launched by path (a browser download is never needed). Without it, or without a
build of the page, these tests skip, except under REQUIRE_SERVICES=1 (CI), where they fail.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pyotp
import pytest

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
    sessions,
    sign_in,
    sign_up,
)
from tests.support.server import ServerProcess

pytestmark = pytest.mark.server

# The notice names the reason the server sends with SESSION_ENDED just before it closes the socket.
REVOKED_NOTICE = "You were signed out: this session was revoked from another device."
SIGNED_OUT_NOTICE = "You were signed out everywhere."
PASSWORD_CHANGED_NOTICE = "You were signed out because the password was changed."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp("browser")
    env = {
        "DATABASE_URL": f"sqlite://{directory / 'browser.sqlite3'}",
        "BROADCAST_URL": "memory://",
        "WEB_DIST": str(DIST),
    }
    process = ServerProcess(env, directory / "server.log").start()
    yield process
    process.stop()


def mark_no_reload(device: Device) -> None:
    device.page.evaluate("window.__sameDocument = true")


def assert_not_reloaded(device: Device) -> None:
    assert device.page.evaluate("window.__sameDocument === true"), "the page reloaded"


def confirm(device: Device, scope, label: str, confirm_label: str) -> None:
    scope.get_by_role("button", name=label, exact=True).click()
    device.page.get_by_role("button", name=confirm_label).click()


def test_two_devices_see_each_other_live_and_revoking_one_signs_it_out_at_once(open_device) -> None:
    email = new_email()
    phone = open_device(PHONE)
    sign_up(phone, email)
    expect(sessions(phone)).to_have_count(1)
    expect(sessions(phone).first).to_contain_text("This device")

    laptop = open_device(LAPTOP)
    sign_in(laptop, email)
    security_page(laptop)
    # The phone's list grows by itself: the subscription, no reload.
    mark_no_reload(phone)
    expect(sessions(phone)).to_have_count(2)
    expect(sessions(phone).filter(has_not_text="This device")).to_contain_text("Chrome")

    other = sessions(laptop).filter(has_not_text="This device")
    expect(other).to_contain_text("Firefox")
    confirm(laptop, other, "Revoke", "Yes, revoke")
    ended_on_sign_in(phone, REVOKED_NOTICE)
    assert_not_reloaded(phone)
    expect(sessions(laptop)).to_have_count(1)

    # Signed in again, then "Sign Out Everywhere" from the laptop ends both.
    sign_in(phone, email)
    security_page(phone)
    expect(sessions(laptop)).to_have_count(2)
    mark_no_reload(phone)
    confirm(laptop, laptop.page, "Sign Out Everywhere", "Yes, sign out everywhere")
    ended_on_sign_in(laptop, SIGNED_OUT_NOTICE)
    ended_on_sign_in(phone, SIGNED_OUT_NOTICE)
    assert_not_reloaded(phone)


def known_devices(device: Device):
    return device.page.get_by_role("list", name="Known devices").get_by_role("listitem")


def test_known_devices_are_listed_beside_the_sessions_and_one_can_be_forgotten(open_device) -> None:
    email = new_email()
    phone = open_device(PHONE)
    sign_up(phone, email)
    laptop = open_device(LAPTOP)
    sign_in(laptop, email)
    security_page(laptop)
    expect(known_devices(laptop)).to_have_count(2)
    firefox = known_devices(laptop).filter(has_text="Firefox")
    expect(firefox).to_contain_text("127.0.0.xxx")
    confirm(laptop, firefox, "Forget", "Yes, forget")
    expect(laptop.page.get_by_role("status").filter(has_text="was forgotten")).to_contain_text("Firefox")
    expect(known_devices(laptop)).to_have_count(1)
    expect(known_devices(laptop)).to_contain_text("Chrome")
    # Forgetting a device signs nothing out: the phone's session stays.
    expect(sessions(laptop)).to_have_count(2)


def test_two_factor_from_setup_to_sign_in_with_a_code_and_a_backup_code(open_device) -> None:
    email = new_email()
    device = open_device()
    page = device.page
    sign_up(device, email)
    section = page.get_by_role("region", name="Two-Factor Authentication")
    section.get_by_role("button", name="Enable Two-Factor Authentication").click()
    qr = section.get_by_role("img", name="QR code for your authenticator app")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    totp = pyotp.TOTP(section.get_by_label("Secret for manual entry").inner_text().strip())
    section.get_by_role("button", name="Next").click()
    codes = section.get_by_role("list", name="Backup codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    verify = section.get_by_role("button", name="Next")
    expect(verify).to_be_disabled()
    section.get_by_label("I have saved them").check()
    verify.click()
    code_field = section.get_by_label("6-digit code from the app")
    assert code_field.get_attribute("inputmode") == "numeric"
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    code_field.fill(totp.now())
    section.get_by_role("button", name="Verify and Enable").click()
    expect(section).to_contain_text("Backup codes remaining: 10")

    page.get_by_role("button", name="Sign out", exact=True).click()
    ended_on_sign_in(device, "You signed out")
    sign_in(device, email)
    # Each code works once: the setup used this step's code, so the app's next one (within the drift) signs in.
    page.get_by_label("Authentication code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Verify", exact=True).click()
    security_page(device)

    page.get_by_role("button", name="Sign out", exact=True).click()
    sign_in(device, email)
    page.get_by_role("button", name="Use a backup code instead").click()
    page.get_by_label("Backup code").fill(codes[0].strip())
    page.get_by_role("button", name="Verify", exact=True).click()
    security_page(device)
    expect(section).to_contain_text("Backup codes remaining: 9")

    section.get_by_role("button", name="Disable two-factor authentication").click()
    section.get_by_label("Current password").fill(PASSWORD)
    section.get_by_role("button", name="Disable Two-Factor Authentication").click()
    expect(section.get_by_role("button", name="Enable Two-Factor Authentication")).to_be_visible()


def test_changing_the_password_signs_the_other_device_out_and_errors_show(open_device) -> None:
    email = new_email()
    laptop = open_device(LAPTOP)
    sign_up(laptop, email)
    phone = open_device(PHONE)
    sign_in(phone, email)
    security_page(phone)
    mark_no_reload(phone)

    section = laptop.page.get_by_role("region", name="Password")
    section.get_by_label("Current password").fill(PASSWORD)
    new = section.get_by_label("New password", exact=True)
    new.fill("😀" * 7)
    expect(section).to_contain_text("At least 8 characters (now 7).")
    # A hint from zxcvbn-ts, not a rule: a common password is called weak but may still be sent.
    new.fill("password12345678")
    expect(section.get_by_text(re.compile("Strength: (Very weak|Weak)"))).to_be_visible()
    new.fill(PASSWORD)
    section.get_by_label("Confirm new password").fill(PASSWORD)
    section.get_by_role("button", name="Update Password").click()
    expect(section.get_by_role("alert")).to_contain_text("you have not used for your last 5 passwords")

    changed = "a brand new passphrase 2026"
    new.fill(changed)
    section.get_by_label("Confirm new password").fill(changed)
    section.get_by_role("button", name="Update Password").click()
    expect(section.get_by_role("status")).to_contain_text("1 other session was signed out")
    ended_on_sign_in(phone, PASSWORD_CHANGED_NOTICE)
    assert_not_reloaded(phone)
    sign_in(phone, email, changed)
    security_page(phone)


def test_wrong_passwords_show_a_live_countdown_and_keyboard_sign_in_works(open_device) -> None:
    email = new_email()
    device = open_device()
    sign_up(device, email)
    device.page.get_by_role("button", name="Sign out", exact=True).click()
    page = device.page
    sign_in(device, email, "not the password at all")
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_role("button", name="Sign in", exact=True).click()
    countdown = page.get_by_role("alert").filter(has_text="Try again in")
    expect(countdown).to_be_visible()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_disabled()
    # The wait ends by itself and the form comes back.
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_enabled(timeout=5_000)

    # Keyboard only: the heading has the focus, Tab reaches each field, Enter submits.
    page.reload()
    page.get_by_role("heading", name="Sign in").focus()
    page.keyboard.press("Tab")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    security_page(device)


def test_every_screen_passes_axe_and_an_api_key_secret_is_shown_once(open_device) -> None:
    device = open_device(width=390)
    page = device.page
    assert run_axe(device) == []
    page.get_by_role("link", name="Create an account").click()
    assert run_axe(device) == []
    sign_up(device, new_email())
    assert run_axe(device) == []

    section = page.get_by_role("region", name="Two-Factor Authentication")
    section.get_by_role("button", name="Enable Two-Factor Authentication").click()
    assert run_axe(device) == []
    section.get_by_role("button", name="Next").click()
    assert run_axe(device) == []

    keys = page.get_by_role("region", name="API keys")
    keys.get_by_label("Key name").fill("dashboard")
    keys.get_by_role("button", name="Create API key").click()
    secret = keys.get_by_label("New API key").inner_text()
    assert len(secret) >= 20
    assert run_axe(device) == []
    expect(keys.get_by_role("list", name="API keys").get_by_role("listitem", name="dashboard")).to_be_visible()
    keys.get_by_role("button", name="Done").click()
    expect(keys.get_by_label("New API key")).to_have_count(0)
    page.reload()
    security_page(device)
    expect(keys.get_by_role("listitem", name="dashboard")).to_be_visible()
    assert secret not in page.content()

    log = page.get_by_role("region", name="Security log")
    expect(log).to_contain_text("API key created")
    expect(log).to_contain_text("Account created")
    assert run_axe(device) == []


def run_in_graphiql(page, document: str) -> None:
    # CodeMirror closes brackets as one types: set the document through the editor instead.
    page.locator(".graphiql-query-editor .CodeMirror").first.evaluate(
        "(node, text) => node.CodeMirror.setValue(text)", document
    )
    # GraphiQL re-reads the document (is it a subscription?) a moment after an edit, as a person would wait.
    page.wait_for_timeout(1000)
    page.get_by_role("button", name=re.compile("Execute query")).click()


def test_graphiql_is_self_hosted_and_runs_a_query_and_a_subscription(open_device, server: ServerProcess) -> None:
    email = new_email()
    device = open_device()
    sign_up(device, email)
    page = device.page
    page.goto(f"{server.url}/graphql")
    expect(page.locator(".graphiql-query-editor .CodeMirror").first).to_be_visible()
    response = page.locator(".graphiql-response")

    run_in_graphiql(page, "{ me { email } }")
    expect(response).to_contain_text(email)
    # Over graphql-ws, signed in by the same cookie.
    run_in_graphiql(page, "subscription Live { activeSessions { current } }")
    expect(response).to_contain_text('"current": true')
