"""The browser suite's Chromium, devices (browser contexts) and the steps a person takes on the page.

A pytest plugin (listed in ``tests/conftest.py``): ``browser`` is Debian's Chromium launched by path (a browser
download is never needed) and ``open_device`` opens the page of the module's ``server`` fixture in a context of
its own. Without Chromium or a build of the page the tests that use them skip, except under REQUIRE_SERVICES=1
(CI), where they fail.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.actors import PASSWORD
from tests.support.databases import REQUIRE_SERVICES
from tests.support.server import ROOT, ServerProcess

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the ``browser`` fixture then skips (or fails under REQUIRE_SERVICES=1)
    expect: Any = None
    sync_playwright: Any = None

CHROMIUM = Path("/usr/bin/chromium")
DIST = ROOT / "web" / "dist"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# Two devices the server tells apart by their User-Agent, as it would a laptop and a phone.
LAPTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
PHONE = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
# How long the page may take to notice its session ended (the contract says within a second; the
# slack is for a loaded test machine, not for the page).
ENDED_WITHIN_MS = 2_000


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
    if sync_playwright is None:
        _unavailable("the browser tests need playwright (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


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


def ended_on_sign_in(device: Device, notice: str | re.Pattern[str]) -> None:
    page = device.page
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=ENDED_WITHIN_MS)
    expect(page.get_by_role("status")).to_contain_text(notice, timeout=ENDED_WITHIN_MS)
    assert urlsplit(page.url).path == "/sign-in"


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
