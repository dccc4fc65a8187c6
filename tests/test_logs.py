"""Passwords, tokens and their hashes never reach the log, even at DEBUG; one line per request, key=value."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import log_guard
from tests.support.actors import PASSWORD, User
from tests.support.databases import Backend
from tests.support.graphql import ME, SIGN_IN, SIGN_UP, GraphQLClient
from tests.support.live import server_env
from tests.support.server import ROOT, GraphQLSocket, ServerProcess
from workestra.logs import service_handler


@pytest.mark.server
async def test_debug_logs_hold_no_secret(backend: Backend, tmp_path) -> None:
    log_path = tmp_path / "server.log"
    server = ServerProcess(server_env(backend, tmp_path, LOG_LEVEL="debug"), log_path).start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            client = GraphQLClient(http)
            email = f"{uuid.uuid4().hex[:8]}@example.com"
            signed_up = await client.data(
                SIGN_UP, {"input": {"email": email, "password": PASSWORD, "client": "MOBILE"}}
            )
            token = signed_up["signUp"]["token"]
            await client.data(SIGN_IN, {"input": {"email": email, "password": "a wrong password"}})
            await GraphQLClient(http, token=token).data(ME)
    finally:
        server.stop()
    log = log_path.read_text()
    assert "level=DEBUG" in log  # the level took effect, so the check below means something
    for secret in (PASSWORD, "a wrong password", token, hashlib.sha256(token.encode()).hexdigest(), "$argon2id$"):
        assert secret not in log


@pytest.mark.server
async def test_log_lines_carry_the_request_id(backend: Backend, tmp_path) -> None:
    log_path = tmp_path / "server.log"
    server = ServerProcess(server_env(backend, tmp_path, LOG_LEVEL="info"), log_path).start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            refused = await http.post(
                "/graphql",
                json={"query": ME},
                headers={"origin": "https://evil.example", "x-request-id": "trace-logs-0001"},
            )
            assert refused.status_code == 403
            assert refused.headers["x-request-id"] == "trace-logs-0001"
    finally:
        server.stop()
    lines = [line for line in log_path.read_text().splitlines() if "request refused" in line]
    assert lines and "request_id=trace-logs-0001" in lines[0] and "status=403" in lines[0]


@pytest.fixture
def service_log(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """What the service's own log handler writes while the test runs in-process."""
    caplog.set_level(logging.INFO, logger="workestra")
    stream = io.StringIO()
    handler = service_handler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def lines_of(log: str, request_id: str) -> list[str]:
    """The lines written while serving one request."""
    return [line for line in log.splitlines() if f"request_id={request_id}" in line]


INLINE = "inline-typed-password-9931"
INLINE_CHANGE = f"""mutation Change {{
  changePassword(input: {{currentPassword: "{INLINE}", newPassword: "another-inline-password-2"}}) {{ __typename }}
}}"""


async def _debug_server(backend: Backend, directory: Path, **extra: str) -> ServerProcess:
    return ServerProcess(server_env(backend, directory, LOG_LEVEL="debug", **extra), directory / "server.log").start()


@pytest.mark.server
async def test_an_inline_password_in_a_failing_document_never_reaches_the_debug_log(
    backend: Backend, tmp_path: Path
) -> None:
    log_guard.note("password", INLINE)
    server = await _debug_server(backend, tmp_path)
    documents = {
        "trace-unauth-0001": INLINE_CHANGE,  # UNAUTHENTICATED at execution
        "trace-syntax-0001": INLINE_CHANGE.replace("__typename }", "__typename "),  # syntax error
        "trace-invalid-001": INLINE_CHANGE.replace("__typename", "nope"),  # validation error
    }
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            for request_id, document in documents.items():
                await http.post("/graphql", json={"query": document}, headers={"x-request-id": request_id})
    finally:
        server.stop()
    log = (tmp_path / "server.log").read_text()
    assert "level=DEBUG" in log
    assert INLINE not in log and "another-inline-password-2" not in log
    assert "currentPassword" not in log and "Traceback" not in log
    for request_id, code in zip(
        documents, ("UNAUTHENTICATED", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"), strict=True
    ):
        errors = [line for line in lines_of(log, request_id) if "graphql errors" in line]
        assert len(errors) == 1, lines_of(log, request_id)
        assert "level=INFO" in errors[0] and f"codes={code}:1" in errors[0]


# Limits raised so the flood reaches validation: the document limits alone would refuse it with one error.
@pytest.mark.settings(max_document_length=100_000, max_tokens=100_000, max_selections=100_000)
async def test_280_errors_in_one_request_make_one_line(anonymous: GraphQLClient, service_log: io.StringIO) -> None:
    document = "query Flood { " + " ".join(f"field{i} {{ id }}" for i in range(280)) + " }"
    body = await anonymous.post(document, headers={"x-request-id": "trace-flood-0001"})
    errors = body.json()["errors"]
    # graphql-core stops validating after 100 errors and says so in a 101st.
    assert len(errors) == 101
    lines = lines_of(service_log.getvalue(), "trace-flood-0001")
    assert len(lines) == 1, lines[:3]
    assert "level=INFO" in lines[0]
    assert "operation=Flood count=101 codes=GRAPHQL_VALIDATION_FAILED:101" in lines[0]
    assert len(service_log.getvalue()) < 1000


@pytest.mark.settings(environment="production")
async def test_an_unexpected_error_is_one_error_line_with_a_traceback_but_no_input(
    user: User, monkeypatch: pytest.MonkeyPatch, service_log: io.StringIO
) -> None:
    import resolvers.viewer

    echoed = "echoed-input-secret-5521"

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"invalid input for query argument $1: {echoed!r}")

    signed_in = await user.browser.data(
        SIGN_IN, {"input": {"email": user.email, "password": PASSWORD, "client": "MOBILE"}}
    )
    user.browser.token = signed_in["signIn"]["token"]
    monkeypatch.setattr(resolvers.viewer, "list_active_sessions", broken)
    fields = "a: activeSessions { id } me { email } x: __typename"
    document = f'query Broken {{ {fields} }} # "{echoed}"'
    body = await user.browser.execute(document, headers={"x-request-id": "trace-broken-001"})
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    log = service_log.getvalue()
    errors = [line for line in log.splitlines() if "level=ERROR" in line]
    assert len(errors) == 1, errors
    assert "request_id=trace-broken-001" in errors[0] and "operation=Broken" in errors[0]
    assert "path=a count=1 codes=INTERNAL_SERVER_ERROR:1" in errors[0]
    assert "Traceback (most recent call last)" in log and "builtins.RuntimeError" in log
    assert echoed not in log and "activeSessions {" not in log


@pytest.mark.server
async def test_a_websocket_frame_with_a_password_never_reaches_the_debug_log(backend: Backend, tmp_path: Path) -> None:
    server = await _debug_server(backend, tmp_path)
    frame_password = "frame-carried-password-7781"
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            email = f"{uuid.uuid4().hex[:8]}@example.com"
            signed_up = await GraphQLClient(http).data(
                SIGN_UP, {"input": {"email": email, "password": PASSWORD, "client": "MOBILE"}}
            )
        token = signed_up["signUp"]["token"]
        socket = await GraphQLSocket.open(server.ws_url)
        assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
        log_guard.note("password", frame_password)
        await socket.send(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": "mutation C($p: String!) { disableTotp(input: {password: $p}) { __typename } }",
                    "variables": {"p": frame_password},
                },
            }
        )
        await socket.receive()
        await socket.close()
    finally:
        server.stop()
    log = (tmp_path / "server.log").read_text()
    assert "level=DEBUG" in log and "websocket accepted path=/graphql" in log
    for secret in (frame_password, token, token[:16], PASSWORD):
        assert secret not in log


@pytest.mark.server
async def test_uvicorn_access_and_websocket_lines_are_key_value_with_masked_ip_and_no_query(
    backend: Backend, tmp_path: Path
) -> None:
    server = ServerProcess(server_env(backend, tmp_path, LOG_LEVEL="info"), tmp_path / "server.log").start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            await http.get("/healthz?token=query-string-token-1234", headers={"x-request-id": "trace-access-001"})
        socket = await GraphQLSocket.open(server.ws_url + "?token=query-string-token-5678")
        await socket.close()
    finally:
        server.stop()
    log = (tmp_path / "server.log").read_text()
    assert "query-string-token" not in log
    access = [line for line in log.splitlines() if "logger=uvicorn.access" in line and "trace-access-001" in line]
    assert len(access) == 1, log
    assert re.search(
        r"level=INFO logger=uvicorn\.access request_id=trace-access-001 client_ip=127\.0\.0\.xxx "
        r"http request method=GET path=/healthz http_version=1\.1 status=200$",
        access[0],
    ), access[0]
    websocket = [line for line in log.splitlines() if "websocket accepted" in line]
    assert len(websocket) == 1 and re.search(r"request_id=[0-9a-f]{32} client_ip=127\.0\.0\.xxx", websocket[0])
    assert "127.0.0.1:" not in "".join(access + websocket)


def test_the_guard_names_a_planted_leak_without_repeating_it(tmp_path: Path) -> None:
    ledger = log_guard.SecretLedger()
    ledger.note("password", "planted password ü 42")
    ledger.note("TOTP or backup code", "123456")
    ledger.note("token", "short")  # too short to mean anything: ignored
    server_log = tmp_path / "server.log"
    server_log.write_text('level=INFO message="planted password \\u00fc 42" took=0.9123456s short\n')
    report = log_guard.leak_report(ledger, ["a line with code 123456 in it", "id=91234567"], [server_log])
    assert report is not None
    assert "in-process log records hold: TOTP or backup code" in report
    assert "server log server.log holds: password" in report
    assert "planted" not in report and "123456" not in report
    assert log_guard.leak_report(ledger, ["request 91234567 took 0.1234567 s", "short"], []) is None
    # A code inside a longer number does not hide a whole one later in the same text, nor one at either end.
    assert ledger.leaks("request 91234567, then code 123456") == ["TOTP or backup code"]
    assert ledger.leaks("123456") == ledger.leaks("code=123456") == ["TOTP or backup code"]


def test_the_guard_fails_a_test_that_logs_a_secret_it_sent(tmp_path: Path) -> None:
    test_file = tmp_path / "test_planted.py"
    test_file.write_text(
        "import logging\n"
        "from tests.support import log_guard\n"
        "def test_leaks():\n"
        "    log_guard.note_sent({'input': {'currentPassword': 'planted-secret-0042'}})\n"
        "    logging.getLogger('workestra.planted').warning('typed %s', 'planted-secret-0042')\n"
        "def test_clean():\n"
        "    log_guard.note_sent({'input': {'currentPassword': 'planted-secret-0043'}})\n"
        "    logging.getLogger('workestra.planted').warning('nothing to see')\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(test_file),
            "-q",
            "-p",
            "tests.support.log_guard",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 passed, 1 error" in result.stdout, result.stdout
    failure = [line for line in result.stdout.splitlines() if "reached the log" in line]
    assert failure and "in-process log records hold: password" in failure[0]
    assert "planted-secret" not in failure[0]
