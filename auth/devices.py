"""User-Agent strings: a short "browser / OS" label for people, and a safe copy for storage.

Parsing uses ua-parser (with its Rust ``regex`` back end when ``ua-parser-rs`` is installed).
Only the first ``MAX_USER_AGENT_LENGTH`` characters are ever looked at, so a huge header costs
nothing, and results are kept in a bounded LRU cache because a server sees few distinct agents.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

import ua_parser
from ua_parser import Domain

from auth.client_input import UNSAFE_CHARACTERS

__all__ = [
    "MAX_USER_AGENT_LENGTH",
    "Device",
    "parse_device",
    "sanitize_user_agent",
]

MAX_USER_AGENT_LENGTH = 512
_CACHE_SIZE = 4096

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Device:
    """What a User-Agent says about the client; ``None`` where it says nothing we recognise."""

    browser: str | None
    os: str | None


_UNKNOWN = Device(browser=None, os=None)


def sanitize_user_agent(ua: str | None, limit: int = MAX_USER_AGENT_LENGTH) -> str:
    """A copy of ``ua`` safe to store and log: at most ``limit`` characters, no control chars.

    Control characters (including NUL, CR and LF), lone surrogates, Unicode line separators and
    bidi overrides become U+FFFD, so a CRLF in the header cannot forge a log line and the value
    always encodes as UTF-8. ``None`` gives ``""``.
    """
    if not ua or not isinstance(ua, str) or limit <= 0:
        return ""
    return UNSAFE_CHARACTERS.sub("\ufffd", ua[:limit]).strip()


def parse_device(user_agent: str | None) -> Device:
    """Browser and OS labels such as ``Device("Chrome 131", "Windows 10")``; never raises."""
    if not user_agent or not isinstance(user_agent, str):
        return _UNKNOWN
    return _parse_truncated(user_agent[:MAX_USER_AGENT_LENGTH])


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _parse_truncated(ua: str) -> Device:
    # The Rust matcher cannot take lone surrogates, and controls only get in the regexes' way.
    text = UNSAFE_CHARACTERS.sub(" ", ua).strip()
    if not text:
        return _UNKNOWN
    try:
        result = _parser()(text, Domain.USER_AGENT | Domain.OS)
    except Exception:  # a parser bug must not break sign-in
        return _UNKNOWN
    return Device(browser=_browser_label(result.user_agent), os=_os_label(result.os, text))


_parser_lock = threading.Lock()
_parser_instance: ua_parser.Parser | None = None


def _parser() -> ua_parser.Parser:
    """Our own ua-parser instance: best back end, no inner cache (ours sits in front of it).

    ``ua_parser.parse`` would also resolve the device domain, which we don't show, and keep a
    second cache of its own.
    """
    global _parser_instance
    if _parser_instance is None:
        with _parser_lock:
            if _parser_instance is None:
                matchers = (
                    ua_parser.load_lazy_builtins()
                    if ua_parser.RegexResolver or ua_parser.Re2Resolver
                    else ua_parser.load_builtins()
                )
                _parser_instance = ua_parser.Parser(ua_parser.BestAvailableResolver(matchers))
    return _parser_instance


def _clean(value: str | None) -> str | None:
    """Collapse whitespace and drop anything unsafe; ``None`` for empty or "Other"."""
    if not value:
        return None
    value = _SPACES.sub(" ", UNSAFE_CHARACTERS.sub("", value)).strip()
    if not value or value == "Other":
        return None
    return value[:64]


def _with_major(family: str | None, major: str | None) -> str | None:
    family = _clean(family)
    if family is None:
        return None
    major = _clean(major)
    return f"{family} {major}" if major and major.isdigit() else family


def _browser_label(ua: ua_parser.UserAgent | None) -> str | None:
    if ua is None:
        return None
    return _with_major(ua.family, ua.major)


# Operating systems whose "major" is a build number, not a version anyone recognises.
_OS_WITHOUT_VERSION = frozenset({"Chrome OS"})


# Chrome's reduced User-Agent on Android says "Android 10; K" whatever the real version.
_FROZEN_ANDROID = "Android 10; K)"


def _os_label(os: ua_parser.OS | None, ua: str) -> str | None:
    if os is None:
        return None
    family = _clean(os.family)
    if family is None:
        return None
    if family in ("Mac OS X", "Mac OS"):
        return _macos_label(_clean(os.major), _clean(os.minor))
    if family in _OS_WITHOUT_VERSION:
        return family
    if family == "Android" and _FROZEN_ANDROID in ua:
        return family
    if family == "Windows" and os.major == "8" and os.minor == "1":
        return "Windows 8.1"
    return _with_major(family, os.major)


def _macos_label(major: str | None, minor: str | None) -> str:
    """Safari, Chrome and Firefox freeze macOS at "10_15_7" / "10.15" whatever the real version,
    so "10.15" says nothing; an older 10.x (a genuinely old Mac) or 11+ (from apps that send the
    real version) is shown."""
    if not major or not major.isdigit():
        return "macOS"
    if int(major) >= 11:
        return f"macOS {major}"
    if int(major) == 10 and minor and minor.isdigit() and int(minor) < 15:
        return f"macOS 10.{minor}"
    return "macOS"
