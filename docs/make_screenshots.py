"""Annotated screenshots of the Settings › Security page for the README (``make screenshots``).

Starts the service on a throwaway SQLite file, seeds a demo account signed in on three devices with
two-factor authentication on, and photographs the page in Debian's Chromium at desktop and phone
widths, with numbered callouts on the documentation's sections.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx
import pyotp
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server import ServerProcess  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
EMAIL = "ada@example.com"
PASSWORD = "correct horse battery staple"  # noqa: S105 (the demo account of a throwaway database)
# Other devices of the demo account: (User-Agent, the address a proxy reports for it).
DEVICES = [
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "193.99.144.80",
    ),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "151.101.1.69"),
]
DESKTOP_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
# (number, what it points at, how to find it)
CALLOUTS = [
    (1, "Password", "section[aria-labelledby=password-heading]"),
    (2, "Two-Factor Authentication", "section[aria-labelledby=two-factor-heading]"),
    (3, "Active Sessions", "section[aria-labelledby=sessions-heading]"),
    (4, "Revoke", "section[aria-labelledby=sessions-heading] li:not([aria-label$='(this device)']) button"),
    (5, "Sign Out Everywhere", "section[aria-labelledby=sessions-heading] .actions > :last-child"),
]
ANNOTATE = """
(callouts) => {
  for (const [number, label, selector] of callouts) {
    const target = document.querySelector(selector);
    if (!target) continue;
    const box = target.getBoundingClientRect();
    const frame = document.createElement("div");
    const badge = document.createElement("div");
    Object.assign(frame.style, {
      position: "absolute", left: `${box.left + scrollX - 4}px`, top: `${box.top + scrollY - 4}px`,
      width: `${box.width + 8}px`, height: `${box.height + 8}px`, border: "3px solid #e8590c",
      borderRadius: "10px", pointerEvents: "none", zIndex: 1000,
    });
    Object.assign(badge.style, {
      position: "absolute", left: `${box.left + scrollX - 16}px`, top: `${box.top + scrollY - 16}px`,
      width: "28px", height: "28px", borderRadius: "50%", background: "#e8590c", color: "#fff",
      font: "bold 16px/28px system-ui, sans-serif", textAlign: "center", zIndex: 1001,
    });
    badge.textContent = String(number);
    badge.title = label;
    document.body.append(frame, badge);
  }
}
"""


def sign_in_elsewhere(server: ServerProcess) -> None:
    """Sign the demo account in on its other devices (before two-factor is on, so a password suffices)."""
    for user_agent, address in DEVICES:
        response = httpx.post(
            f"{server.url}/graphql",
            json={
                "query": "mutation($i: SignInInput!) { signIn(input: $i) { __typename } }",
                "variables": {"i": {"email": EMAIL, "password": PASSWORD}},
            },
            headers={"user-agent": user_agent, "x-forwarded-for": address},
            timeout=10,
        )
        if response.json()["data"]["signIn"]["__typename"] != "SignedIn":
            raise RuntimeError(f"could not seed a device: {response.text}")


def enable_two_factor(page: Page) -> None:
    """Switch two-factor authentication on through the page itself."""
    section = page.locator("section[aria-labelledby=two-factor-heading]")
    section.get_by_role("button", name="Enable Two-Factor Authentication").click()
    secret = section.get_by_label("Secret for manual entry").inner_text().strip()
    section.get_by_role("button", name="Next").click()
    section.get_by_label("I have saved them").check()
    section.get_by_role("button", name="Next").click()
    section.get_by_label("6-digit code from the app").fill(pyotp.TOTP(secret).now())
    section.get_by_role("button", name="Verify and Enable").click()
    section.get_by_text("Backup codes remaining").wait_for()


def photograph(page: Page, path: Path) -> None:
    page.reload()
    page.get_by_role("heading", name="Security", exact=True).wait_for()
    page.locator("section[aria-labelledby=sessions-heading] li").nth(len(DEVICES)).wait_for()
    page.evaluate(ANNOTATE, [list(c) for c in CALLOUTS])
    page.screenshot(path=str(path), full_page=True)
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> int:
    """Seed, photograph at both widths, stop the server."""
    directory = Path(tempfile.mkdtemp(prefix="workestra-screenshots-"))
    env = {
        "DATABASE_URL": f"sqlite://{directory / 'demo.sqlite3'}",
        "TRUSTED_PROXIES": "127.0.0.1",
        "WEB_DIST": str(ROOT / "web" / "dist"),
    }
    server = ServerProcess(env, directory / "server.log").start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            context = browser.new_context(
                user_agent=DESKTOP_UA,
                viewport={"width": 1280, "height": 900},
                extra_http_headers={"x-forwarded-for": "81.2.69.160"},
            )
            page = context.new_page()
            page.goto(f"{server.url}/sign-up")
            page.get_by_label("Email").fill(EMAIL)
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Create account").click()
            page.get_by_role("heading", name="Security", exact=True).wait_for()
            sign_in_elsewhere(server)
            enable_two_factor(page)
            photograph(page, ROOT / "docs" / "security-page-desktop.png")
            page.set_viewport_size({"width": 390, "height": 844})
            photograph(page, ROOT / "docs" / "security-page-phone.png")
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
