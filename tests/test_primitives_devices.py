"""Table tests for auth.devices: User-Agent → "browser / OS" labels and storable copies."""

from __future__ import annotations

import dataclasses

import pytest

from auth import devices
from auth.devices import MAX_USER_AGENT_LENGTH, Device, parse_device, sanitize_user_agent

CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15"
)

# (id, user agent, browser, os) — real User-Agent strings as current browsers send them.
REAL_AGENTS = [
    ("chrome-windows", CHROME_WIN, "Chrome 131", "Windows 10"),
    (
        "chrome-macos",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "Chrome 131",
        "macOS",
    ),
    (
        "chrome-linux",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Chrome 131",
        "Linux",
    ),
    (
        "chrome-android-reduced",  # Chrome freezes "Android 10; K" for every Android version
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
        "Chrome Mobile 131",
        "Android",
    ),
    (
        "chrome-android-full",  # a WebView / app that still sends the real version and model
        "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.6778.81 Mobile Safari/537.36",
        "Chrome Mobile 131",
        "Android 15",
    ),
    (
        "chrome-ios",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
        "Chrome Mobile iOS 131",
        "iOS 18",
    ),
    (
        "firefox-windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Firefox 133",
        "Windows 10",
    ),
    (
        "firefox-macos",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Firefox 133",
        "macOS",
    ),
    (
        "firefox-linux",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Firefox 133",
        "Linux",
    ),
    (
        "firefox-ubuntu",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Firefox 133",
        "Ubuntu",
    ),
    (
        "firefox-android",
        "Mozilla/5.0 (Android 15; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
        "Firefox Mobile 133",
        "Android 15",
    ),
    ("safari-macos", SAFARI_MAC, "Safari 18", "macOS"),
    (
        "safari-iphone",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mobile Safari 18",
        "iOS 18",
    ),
    (
        "safari-ipad",
        "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Mobile/15E148 Safari/604.1",
        "Mobile Safari 18",
        "iOS 18",
    ),
    (
        "edge-windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Edge 131",
        "Windows 10",
    ),
    (
        "edge-macos",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
        "Edge 131",
        "macOS",
    ),
    (
        "edge-android",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
        "Edge Mobile 131",
        "Android",
    ),
    (
        "samsung-internet",
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36",
        "Samsung Internet 27",
        "Android 14",
    ),
    (
        "opera-windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0",
        "Opera 115",
        "Windows 10",
    ),
    (
        "windows-8.1",
        "Mozilla/5.0 (Windows NT 6.3; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/109.0.0.0 Safari/537.36",
        "Chrome 109",
        "Windows 8.1",
    ),
    (
        "windows-7",
        "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/109.0.0.0 Safari/537.36",
        "Chrome 109",
        "Windows 7",
    ),
    (
        "old-macos-real-version",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/13.1.2 Safari/605.1.15",
        "Safari 13",
        "macOS 10.13",
    ),
    (
        "macos-app-real-version",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko)",
        "Apple Mail 605",
        "macOS 14",
    ),
    (
        "chromeos-build-number-hidden",
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "Chrome 131",
        "Chrome OS",
    ),
    (
        "fedora",
        "Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Firefox 133",
        "Fedora",
    ),
    (
        "googlebot",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Googlebot 2",
        None,
    ),
    (
        "bingbot",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "bingbot 2",
        None,
    ),
    ("curl", "curl/8.11.0", "curl 8", None),
    ("python-requests", "python-requests/2.32.3", "Python Requests 2", None),
    ("okhttp", "okhttp/4.12.0", "okhttp 4", None),
]


@pytest.mark.parametrize(
    ("ua", "browser", "os"),
    [row[1:] for row in REAL_AGENTS],
    ids=[row[0] for row in REAL_AGENTS],
)
def test_parse_device_real_agents(ua: str, browser: str | None, os: str | None) -> None:
    assert parse_device(ua) == Device(browser=browser, os=os)


HOSTILE = [
    ("none", None, Device(None, None)),
    ("empty", "", Device(None, None)),
    ("blank", "   \t ", Device(None, None)),
    ("unknown-words", "asdf qwer zxcv", Device(None, None)),
    ("only-controls", "\x00\r\n\x1b\x7f", Device(None, None)),
    ("only-unicode", "🦊💥 Ünïcödé ☃", Device(None, None)),
    ("nul-inside", "Mozilla/5.0 (Windows NT 10.0)\x00 Firefox/133.0", Device("Firefox 133", "Windows 10")),
    (
        "crlf-header-injection",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/133.0\r\nSet-Cookie: a=b",
        Device("Firefox 133", "Windows 10"),
    ),
    ("lone-surrogate", "Mozilla/5.0 (X11; Linux x86_64) \ud800 Firefox/133.0", Device("Firefox 133", "Linux")),
    ("bidi-override", "\u202eMozilla/5.0 (X11; Linux x86_64) Firefox/133.0", Device("Firefox 133", "Linux")),
    ("10kB-junk", "A" * 10_000, Device(None, None)),
    ("10kB-after-real-agent", CHROME_WIN + " " + "x" * 10_000, Device("Chrome 131", "Windows 10")),
    # What lies past the cap is never looked at, so it cannot change the answer.
    ("real-agent-past-cap", "x" * MAX_USER_AGENT_LENGTH + CHROME_WIN, Device(None, None)),
    ("10kB-unicode", "Ж" * 10_000, Device(None, None)),
    ("10kB-parentheses", "(" * 10_000 + "Chrome/1", Device(None, None)),
    ("parentheses-within-cap", "(" * 400 + " Chrome/1.0", Device("Chrome 1", None)),
    ("many-slashes", "a/" * 5_000, Device(None, None)),
]


@pytest.mark.parametrize(("ua", "expected"), [r[1:] for r in HOSTILE], ids=[r[0] for r in HOSTILE])
def test_parse_device_hostile_inputs(ua: str | None, expected: Device) -> None:
    assert parse_device(ua) == expected


@pytest.mark.parametrize(
    "ua",
    [
        "Mozilla/5.0 (X11; Linux x86_64) Evil\r\nBrowser/1.0",
        "\x00Foo\x00/9.0",
        "Mozilla/5.0 (compatible; Bad\x1b[31mBot/2.1)",
    ]
    + [row[1] for row in REAL_AGENTS],
)
def test_parse_device_labels_hold_no_control_characters(ua: str) -> None:
    device = parse_device(ua)
    for label in (device.browser, device.os):
        if label is not None:
            assert label.isprintable() and label == label.strip() and len(label) <= 64


def test_device_is_frozen() -> None:
    device = parse_device(CHROME_WIN)
    with pytest.raises(dataclasses.FrozenInstanceError):
        device.browser = "Other 1"  # type: ignore[misc]


def test_parse_device_caches_on_the_truncated_string() -> None:
    devices._parse_truncated.cache_clear()
    first = parse_device(SAFARI_MAC + " " + "a" * 10_000)
    second = parse_device(SAFARI_MAC + " " + "a" * 20_000)  # same first 512 characters
    info = devices._parse_truncated.cache_info()
    assert first == second == Device("Safari 18", "macOS")
    assert (info.hits, info.misses) == (1, 1)
    assert info.maxsize == 4096


SANITIZE = [
    ("none", None, 512, ""),
    ("empty", "", 512, ""),
    ("plain", CHROME_WIN, 512, CHROME_WIN),
    ("surrounding-whitespace", "  curl/8.11.0  ", 512, "curl/8.11.0"),
    ("crlf", "curl/8\r\nX-Injected: 1", 512, "curl/8\ufffd\ufffdX-Injected: 1"),
    ("nul", "a\x00b", 512, "a\ufffdb"),
    ("tab-and-esc", "a\tb\x1b[31mc", 512, "a\ufffdb\ufffd[31mc"),
    ("del-and-c1", "a\x7fb\x85c", 512, "a\ufffdb\ufffdc"),
    ("unicode-line-separators", "a\u2028b\u2029c", 512, "a\ufffdb\ufffdc"),
    ("bidi-override", "safe\u202eexe.txt", 512, "safe\ufffdexe.txt"),
    ("lone-surrogate", "a\ud800b", 512, "a\ufffdb"),
    ("unicode-kept", "Ünïcödé 🦊 ☃", 512, "Ünïcödé 🦊 ☃"),
    ("10kB", "A" * 10_000, 512, "A" * 512),
    ("10kB-crlf", "\r\n" * 5_000, 512, "\ufffd" * 512),
    ("custom-limit", "abcdef", 3, "abc"),
    ("zero-limit", "abcdef", 0, ""),
    ("negative-limit", "abcdef", -1, ""),
]


@pytest.mark.parametrize(("ua", "limit", "expected"), [r[1:] for r in SANITIZE], ids=[r[0] for r in SANITIZE])
def test_sanitize_user_agent(ua: str | None, limit: int, expected: str) -> None:
    result = sanitize_user_agent(ua, limit)
    assert result == expected
    assert len(result) <= max(limit, 0)
    assert "\r" not in result and "\n" not in result and "\x00" not in result
    result.encode("utf-8")  # always storable as UTF-8


def test_sanitize_user_agent_default_limit() -> None:
    assert len(sanitize_user_agent("B" * 10_000)) == MAX_USER_AGENT_LENGTH == 512
