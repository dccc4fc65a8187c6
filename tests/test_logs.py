"""Passwords, tokens and their hashes never reach the log, even at DEBUG."""

from __future__ import annotations

import hashlib
import uuid

import httpx
import pytest

from tests.conftest import PASSWORD
from tests.support.databases import Backend
from tests.support.graphql import ME, SIGN_IN, SIGN_UP, GraphQLClient
from tests.support.server import ServerProcess
from tests.test_subscriptions_server import server_env

pytestmark = pytest.mark.server


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
    assert "DEBUG" in log  # the level took effect, so the check below means something
    for secret in (PASSWORD, "a wrong password", token, hashlib.sha256(token.encode()).hexdigest(), "$argon2id$"):
        assert secret not in log


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
