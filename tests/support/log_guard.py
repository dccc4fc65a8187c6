"""A pytest plugin that fails any test whose logs hold a secret the test used.

Secrets are noted where tests send or receive them (``tests.support.graphql`` and ``tests.support.server``
call ``note``): passwords, session and device tokens, sign-in challenges, TOTP secrets and codes, backup
codes, API keys and cookies. At the end of each test, the records logged in this process (formatted as the
service formats them in production) and the log files of the servers started meanwhile are searched for
each of them; a hit fails the test with the kind of secret, never the secret itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from urllib.parse import quote

import pytest

from workestra.logs import OWN_LOGGERS, SafeFormatter

# Shorter values (a 4-digit number, "true") turn up in logs innocently.
MIN_LENGTH = 6

# Keys under which a secret travels, and what it is: in GraphQL variables (and WebSocket payloads) ...
SENT_SECRETS: Mapping[str, str] = {
    "password": "password",
    "currentPassword": "password",
    "newPassword": "password",
    "code": "TOTP or backup code",
    "token": "token",
    "deviceToken": "device token",
    "challenge": "sign-in challenge",
    "authorization": "Authorization header",
}
# ... and in response data (where `code` is an error code, not a secret).
RECEIVED_SECRETS: Mapping[str, str] = {
    "token": "token",
    "deviceToken": "device token",
    "challenge": "sign-in challenge",
    "secret": "TOTP secret or API key",
    "otpauthUri": "TOTP secret",
    "backupCodes": "backup code",
    "codes": "backup code",
}


class SecretLedger:
    """The secrets one test used, and a search for them in log text."""

    def __init__(self) -> None:
        self._kinds: dict[str, str] = {}
        # Each form a secret takes, whether it counts only as a whole number, and its kind.
        self._forms: list[tuple[str, bool, str]] = []

    def note(self, kind: str, value: object) -> None:
        """Remember ``value`` (if long enough to mean something) as a secret of ``kind``."""
        if not isinstance(value, str):
            return
        value = value.removeprefix("Bearer ").strip()
        if len(value) < MIN_LENGTH or value in self._kinds:
            return
        self._kinds[value] = kind
        # The forms a value takes when logged: as is, JSON-escaped, repr-escaped, URL-quoted.
        forms = {value, json.dumps(value)[1:-1], value.encode("unicode_escape").decode("ascii"), quote(value, safe="")}
        for form in forms:
            # A numeric code only counts as a whole number, not as digits inside a longer one.
            self._forms.append((form, form.isdigit(), kind))

    def note_found(self, data: object, keys: Mapping[str, str]) -> None:
        """Note every secret under one of ``keys`` anywhere in ``data``."""
        for kind, value in _secrets_in(data, keys):
            self.note(kind, value)

    def leaks(self, text: str) -> list[str]:
        """The kinds of secret present in ``text`` (sorted, without duplicates)."""
        found = set()
        for form, whole_number, kind in self._forms:
            if kind not in found and _occurs(form, text, whole_number=whole_number):
                found.add(kind)
        return sorted(found)


def _occurs(form: str, text: str, *, whole_number: bool) -> bool:
    """Whether ``form`` is in ``text`` (with ``whole_number``: not flanked by digits).

    Plain substring searches, no regular expression: compiling one for a hostile ten-megabyte code took
    seconds of CPU per noted value.
    """
    start = text.find(form)
    while start != -1:
        end = start + len(form)
        if not whole_number or (
            (start == 0 or not text[start - 1].isdecimal()) and (end == len(text) or not text[end].isdecimal())
        ):
            return True
        start = text.find(form, start + 1)
    return False


def _secrets_in(data: object, keys: Mapping[str, str]) -> Iterator[tuple[str, object]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            kind = keys.get(key) if isinstance(key, str) else None
            if kind is not None:
                if isinstance(value, list):
                    yield from ((kind, item) for item in value)
                else:
                    yield kind, value
                    if key == "otpauthUri" and isinstance(value, str):
                        yield from (("TOTP secret", part[7:]) for part in value.split("&") if "secret=" in part)
            yield from _secrets_in(value, keys)
    elif isinstance(data, list):
        for item in data:
            yield from _secrets_in(item, keys)


_ledger: SecretLedger | None = None
# Log files of every server started, each with a check of whether its process still runs.
_server_logs: list[tuple[Path, Callable[[], bool]]] = []


def note(kind: str, value: object) -> None:
    """Note a secret of the running test (no-op outside a test)."""
    if _ledger is not None:
        _ledger.note(kind, value)


def note_sent(data: object) -> None:
    """Note the secrets in what a test sends (GraphQL variables, a WebSocket payload)."""
    if _ledger is not None:
        _ledger.note_found(data, SENT_SECRETS)


def note_received(body: object) -> None:
    """Note the secrets a GraphQL response's ``data`` carries."""
    if _ledger is not None and isinstance(body, Mapping):
        _ledger.note_found(body.get("data"), RECEIVED_SECRETS)


def watch_server_log(path: Path, running: Callable[[], bool]) -> None:
    """Search this server's log file at the end of the test that started it and of every test while it runs."""
    _server_logs.append((path, running))


def leak_report(ledger: SecretLedger, records: Iterable[str], log_files: Iterable[Path]) -> str | None:
    """A failure message naming each kind of secret found and where, or None when the logs are clean."""
    problems = []
    in_process = ledger.leaks("\n".join(records))
    if in_process:
        problems.append(f"in-process log records hold: {', '.join(in_process)}")
    for path in log_files:
        if path.is_file():
            kinds = ledger.leaks(path.read_text(errors="replace"))
            if kinds:
                problems.append(f"server log {path.name} holds: {', '.join(kinds)}")
    if not problems:
        return None
    return "a secret this test used reached the log: " + "; ".join(problems)


# The tests' own HTTP and WebSocket clients, which log what the tests send (a token in a URL on purpose).
TEST_CLIENT_LOGGERS = ("httpx", "httpcore", "websockets.client")


class _Recorder(logging.Handler):
    """Keeps each record as the service's production formatter would write it."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.lines: list[str] = []
        self.setFormatter(SafeFormatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(TEST_CLIENT_LOGGERS):
            return
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted is not the guard's failure
            self.lines.append(str(record.msg))


def shared_secrets() -> Iterator[tuple[str, str]]:
    """Secrets every test may use without noting them (module constants of the suite)."""
    # Imported here: the actors' module sends requests through this guard's notes.
    from tests.support.actors import PASSWORD
    from tests.support.settings import TEST_SECRET_KEY

    yield "password", PASSWORD
    yield "secret key", TEST_SECRET_KEY


@pytest.fixture(autouse=True)
def secrets_stay_out_of_logs() -> Iterator[SecretLedger]:
    """Fails the test when a secret it used appears in a log line (in-process or a server's log file)."""
    global _ledger
    ledger = SecretLedger()
    for kind, value in shared_secrets():
        ledger.note(kind, value)
    recorder = _Recorder()
    root = logging.getLogger()
    # The service's INFO lines too (the per-request error summaries); libraries keep their levels.
    own = [logging.getLogger(name) for name in OWN_LOGGERS]
    levels = [logger.level for logger in own]
    for logger in own:
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
    root.addHandler(recorder)
    _ledger, known = ledger, len(_server_logs)
    try:
        yield ledger
    finally:
        root.removeHandler(recorder)
        for logger, level in zip(own, levels, strict=True):
            logger.setLevel(level)
        _ledger = None
    log_files = [path for index, (path, running) in enumerate(_server_logs) if index >= known or running()]
    _server_logs[:] = [(path, running) for path, running in _server_logs if running()]
    report = leak_report(ledger, recorder.lines, log_files)
    if report is not None:
        pytest.fail(report, pytrace=False)
