"""JSON that cannot be read, whatever its shape: a 400 over HTTP, a 4400 close over WebSocket, one log line."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.databases import Backend
from tests.support.graphql import PASSWORD_POLICY, GraphQLClient
from tests.support.live import server_env
from tests.support.server import GraphQLSocket, ServerProcess

DEEP = 20_000
BAD_BODIES = [
    # (id, body)
    ("deep-array-in-extensions", '{"query": "{ passwordPolicy { minLength } }", "extensions": ' + "[" * DEEP + "}"),
    (
        "deep-closed-array-in-variables",
        '{"query": "{ me { id } }", "variables": {"x": ' + "[" * DEEP + "]" * DEEP + "}}",
    ),
    ("deep-objects", '{"query": "{ me { id } }", "extensions": ' + '{"a":' * 5_000 + "1" + "}" * 5_000 + "}"),
    ("deep-array-body", "[" * DEEP),
    ("huge-integer", '{"query": "{ me { id } }", "variables": {"x": ' + "9" * 5_000 + "}}"),
    ("not-utf-8", b'{"query": "\xff\xfe"}'),
    ("truncated", '{"query": "{ me { id } }"'),
    ("empty", ""),
    ("nul", "\x00"),
]
SECURITY_HEADERS = {"x-content-type-options": "nosniff", "cache-control": "no-store", "x-frame-options": "DENY"}


def assert_refused_as_bad_json(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert response.headers["content-type"].split(";")[0] in {"application/json", "application/graphql-response+json"}
    body = response.json()
    assert set(body) == {"errors"} and len(body["errors"]) == 1, body
    error = body["errors"][0]
    assert error["message"] == "The request is not valid JSON."
    assert error["extensions"] == {"code": "INVALID_JSON", "requestId": response.headers["x-request-id"]}


@pytest.mark.parametrize("body", [b[1] for b in BAD_BODIES], ids=[b[0] for b in BAD_BODIES])
async def test_bad_json_over_http_is_a_400(anonymous: GraphQLClient, body: str | bytes) -> None:
    response = await anonymous.http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert_refused_as_bad_json(response)
    # Nothing is lost: the next request is served as usual.
    assert (await anonymous.data(PASSWORD_POLICY))["passwordPolicy"]["minLength"] == 8


@pytest.mark.parametrize("name", ["variables", "extensions"])
async def test_deep_json_in_a_get_query_parameter_is_a_400(anonymous: GraphQLClient, name: str) -> None:
    params = {"query": "{ passwordPolicy { minLength } }", name: "[" * DEEP}
    assert_refused_as_bad_json(await anonymous.http.get("/graphql", params=params))


# ---------------------------------------------------------------------------------------------
# A real server: the WebSocket, and what reaches its log.


@pytest.fixture(scope="module")
def server(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp("bad-json")
    process = ServerProcess(server_env(backend, directory, LOG_LEVEL="info"), directory / "server.log").start()
    yield process
    process.stop()


def new_log_lines(server: ServerProcess, seen: int) -> list[str]:
    return Path(server.log_path).read_text(errors="replace").splitlines()[seen:]


@pytest.mark.server
async def test_deep_json_over_http_on_a_real_server_is_a_400_with_one_log_line(server: ServerProcess) -> None:
    seen = len(new_log_lines(server, 0))
    body = '{"query": "{ passwordPolicy { minLength } }", "extensions": ' + "[" * DEEP + "}"
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        response = await http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert_refused_as_bad_json(response)
    lines = new_log_lines(server, seen)
    assert not any("Traceback" in line or "RecursionError" in line for line in lines), lines
    # The access line, and one line saying why.
    assert len([line for line in lines if "code=INVALID_JSON" in line]) == 1 and len(lines) <= 2, lines


@pytest.mark.server
@pytest.mark.parametrize(
    "frame",
    ["[" * DEEP, '{"type": "connection_init", "payload": ' + "[" * DEEP + "}", "{" * 10, "9" * 5_000],
    ids=["deep-array", "deep-payload", "truncated", "huge-integer"],
)
async def test_bad_json_over_websocket_closes_with_4400(server: ServerProcess, frame: str) -> None:
    seen = len(new_log_lines(server, 0))
    socket = await GraphQLSocket.open(server.ws_url)
    await socket.connection.send(frame)
    assert await socket.closed_with() == 4400
    lines = new_log_lines(server, seen)
    assert not any("Traceback" in line or "RecursionError" in line or "ERROR" in line for line in lines), lines
    # The server's own handshake lines (accepted, open, closed), and one line saying why.
    assert len([line for line in lines if "code=4400" in line]) == 1 and len(lines) <= 4, lines
    # The server goes on serving sockets.
    healthy = await GraphQLSocket.open(server.ws_url)
    await healthy.send({"type": "connection_init", "payload": {"authorization": f"Bearer {uuid.uuid4().hex}"}})
    assert await healthy.closed_with() == 4403
