"""The Security page in a real Chromium against a real uvicorn serving the built page.

Debian's Chromium is launched by path (a browser download is never needed). Without it, or without a
build of the page, these tests skip, except under REQUIRE_SERVICES=1 (CI), where they fail.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest

from tests.support.databases import REQUIRE_SERVICES
from tests.support.server import ROOT, ServerProcess

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = pytest.mark.server

CHROMIUM = Path("/usr/bin/chromium")
DIST = ROOT / "web" / "dist"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery staple"
# Two devices the server tells apart by their User-Agent, as it would a laptop and a phone.
LAPTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
PHONE = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
# How long the page may take to notice its session ended (the contract says within a second; the
# slack is for a loaded test machine, not for the page).
ENDED_WITHIN_MS = 2_000
# The notice names the reason the server sends with SESSION_ENDED just before it closes the socket.
REVOKED_NOTICE = "You were signed out: this session was revoked from another device."
SIGNED_OUT_NOTICE = "You were signed out everywhere."
PASSWORD_CHANGED_NOTICE = "You were signed out because the password was changed."


def _unavailable(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason + "; set REQUIRE_SERVICES=1 to make this an error")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.is_file():
        _unavailable(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    if not (DIST / "index.html").is_file() or not AXE.is_file():
        _unavailable("the browser tests need the built page and web/node_modules (make test builds them)")
    with playwright_sync.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


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


@dataclass
class Device:
    """One browser context (its own cookies), as one of a person's devices."""

    page: object
    elsewhere: list[str] = field(default_factory=list)
    policy_violations: list[str] = field(default_factory=list)

    def assert_stayed_home(self) -> None:
        assert self.elsewhere == [], f"requests left 127.0.0.1: {self.elsewhere}"
        assert self.policy_violations == [], self.policy_violations


@pytest.fixture
def open_device(browser, server: ServerProcess) -> Iterator:
    devices: list[tuple[object, Device]] = []

    def open_one(user_agent: str = LAPTOP, width: int = 1280) -> Device:
        context = browser.new_context(user_agent=user_agent, viewport={"width": width, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        device = Device(page)

        def guard(route) -> None:
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                device.elsewhere.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page.on(
            "websocket",
            lambda ws: None if urlsplit(ws.url).hostname == "127.0.0.1" else device.elsewhere.append(ws.url),
        )
        page.on(
            "console",
            lambda message: (
                device.policy_violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.goto(f"{server.url}/sign-in")
        devices.append((context, device))
        return device

    yield open_one
    for context, device in devices:
        device.assert_stayed_home()
        context.close()


def new_email() -> str:
    return f"{uuid.uuid4().hex[:10]}@example.com"


def sign_up(device: Device, email: str, password: str = PASSWORD) -> None:
    page = device.page
    if urlsplit(page.url).path != "/sign-up":
        page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Security", exact=True)).to_be_visible()


def sign_in(device: Device, email: str, password: str = PASSWORD) -> None:
    page = device.page
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def security_page(device: Device) -> None:
    expect(device.page.get_by_role("heading", name="Security", exact=True)).to_be_visible()


def sessions(device: Device):
    return device.page.get_by_role("list", name="Signed-in devices").get_by_role("listitem")


def mark_no_reload(device: Device) -> None:
    device.page.evaluate("window.__sameDocument = true")


def assert_not_reloaded(device: Device) -> None:
    assert device.page.evaluate("window.__sameDocument === true"), "the page reloaded"


def ended_on_sign_in(device: Device, notice: str | re.Pattern[str]) -> None:
    page = device.page
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=ENDED_WITHIN_MS)
    expect(page.get_by_role("status")).to_contain_text(notice, timeout=ENDED_WITHIN_MS)
    assert urlsplit(page.url).path == "/sign-in"


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


def run_axe(device: Device) -> list[str]:
    page = device.page
    # Evaluated through the DevTools protocol, so the page's CSP (rightly) does not apply to the checker.
    page.evaluate("() => { " + AXE.read_text() + "\n}")
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return found


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
