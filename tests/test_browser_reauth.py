"""The Security page asks "Confirm it's you" inline when a gated action meets a closed window, then retries it.

A real Chromium against a real uvicorn whose REAUTH_WINDOW is a few seconds, so the window closes while
the page is open (the fixtures and helpers are the browser suite's, in tests/support/browser.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.support.actors import PASSWORD
from tests.support.browser import DIST, expect, new_email, run_axe, sign_up
from tests.support.server import ServerProcess

pytestmark = pytest.mark.server

WINDOW_SECONDS = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp("browser-reauth")
    env = {
        "DATABASE_URL": f"sqlite://{directory / 'browser.sqlite3'}",
        "BROADCAST_URL": "memory://",
        "WEB_DIST": str(DIST),
        "REAUTH_WINDOW": str(WINDOW_SECONDS),
    }
    process = ServerProcess(env, directory / "server.log").start()
    yield process
    process.stop()


def signed_up_long_ago(open_device):
    """A new account's Security page, once the sign-up's recent-authentication window has closed."""
    device = open_device()
    sign_up(device, new_email())
    time.sleep(WINDOW_SECONDS + 1)
    return device, device.page


def test_creating_an_api_key_after_the_window_asks_for_the_password_then_creates_it(open_device) -> None:
    device, page = signed_up_long_ago(open_device)
    keys = page.get_by_role("region", name="API keys")
    keys.get_by_label("Key name").fill("nightly export")
    keys.get_by_role("button", name="Create API key").click()
    prompt = keys.get_by_role("form", name="Confirm it's you")
    expect(prompt).to_be_visible()
    expect(keys.get_by_label("New API key")).to_have_count(0)
    assert run_axe(device) == []

    prompt.get_by_label("Password").fill("not the password")
    prompt.get_by_role("button", name="Confirm").click()
    expect(prompt).to_contain_text("The email or password is incorrect.")
    expect(keys.get_by_label("New API key")).to_have_count(0)
    # The wrong guess earned the brute-force ladder's one-second wait; then the right password goes through.
    time.sleep(1.2)
    prompt.get_by_label("Password").fill(PASSWORD)
    prompt.get_by_role("button", name="Confirm").click()

    secret = keys.get_by_label("New API key").inner_text()
    assert secret.startswith("wk_")
    expect(prompt).to_have_count(0)
    expect(keys.get_by_role("list", name="API keys").get_by_role("listitem", name="nightly export")).to_be_visible()


def test_cancelling_the_prompt_creates_nothing(open_device) -> None:
    _, page = signed_up_long_ago(open_device)
    keys = page.get_by_role("region", name="API keys")
    keys.get_by_label("Key name").fill("never made")
    keys.get_by_role("button", name="Create API key").click()
    keys.get_by_role("form", name="Confirm it's you").get_by_role("button", name="Cancel").click()
    expect(keys.get_by_role("form", name="Confirm it's you")).to_have_count(0)
    expect(keys.get_by_role("list", name="API keys").get_by_role("listitem")).to_have_count(0)


def test_setting_up_two_factor_after_the_window_asks_first(open_device) -> None:
    _, page = signed_up_long_ago(open_device)
    section = page.get_by_role("region", name="Two-Factor Authentication")
    section.get_by_role("button", name="Enable Two-Factor Authentication").click()
    prompt = section.get_by_role("form", name="Confirm it's you")
    prompt.get_by_label("Password").fill(PASSWORD)
    prompt.get_by_role("button", name="Confirm").click()
    expect(section.get_by_role("heading", name="Step 1 of 3: scan the QR code")).to_be_visible()
