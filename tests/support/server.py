"""Real uvicorn processes of the service, and a graphql-transport-ws client, for end-to-end tests."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.support import log_guard

ROOT = Path(__file__).resolve().parents[2]
CHEAP_ARGON2 = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "8", "ARGON2_PARALLELISM": "1"}
# Test servers sign many accounts up from 127.0.0.1; tests of the limit itself set their own.
ROOMY_LIMITS = {"SIGNUP_IP_LIMIT": "100000"}


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerProcess:
    """``python -m workestra serve`` in its own process group, logging to a file."""

    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    workers: int = 1
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def start(self, timeout: float = 30) -> ServerProcess:
        """Start and wait until ``/healthz`` answers."""
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "warning",
            **CHEAP_ARGON2,
            **ROOMY_LIMITS,
            **self.env,
        }
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workestra",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process = self.process
        log_guard.watch_server_log(self.log_path, lambda: process.poll() is None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-3000:]}")

    def terminate(self) -> None:
        """Send SIGTERM (what an orchestrator does before a restart) without waiting for the exit."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self) -> None:
        """Stop gracefully, then kill the group if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def session_ended(op_id: str, reason: str) -> dict[str, Any]:
    """The message an operation gets when its socket's session or API key ended for ``reason``."""
    error = {"message": "Your session ended; sign in again.", "extensions": {"code": "SESSION_ENDED", "reason": reason}}
    return {"id": op_id, "type": "error", "payload": [error]}


class GraphQLSocket:
    """A minimal graphql-transport-ws client."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        cookie: str | None = None,
        origin: str | None = None,
        subprotocol: str = "graphql-transport-ws",
    ) -> GraphQLSocket:
        headers = {"Cookie": cookie} if cookie else {}
        for pair in (cookie or "").split(";"):
            log_guard.note("cookie", pair.split("=", 1)[-1])
        connection = await connect(
            url, subprotocols=[subprotocol], additional_headers=headers, origin=origin, open_timeout=5
        )
        return cls(connection)

    async def init(self, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self.receive()

    async def subscribe(self, query: str, op_id: str = "1") -> None:
        await self.send({"id": op_id, "type": "subscribe", "payload": {"query": query}})

    async def send(self, message: dict[str, Any]) -> None:
        log_guard.note_sent(message.get("payload"))
        await self.connection.send(json.dumps(message))

    async def receive(self, timeout: float = 5) -> dict[str, Any]:
        """The next message that is not a ping/pong."""
        while True:
            message = json.loads(await asyncio.wait_for(self.connection.recv(), timeout))
            if message.get("type") not in {"ping", "pong"}:
                return message

    async def next_data(self, timeout: float = 5) -> dict[str, Any]:
        message = await self.receive(timeout)
        assert message["type"] == "next", message
        return message["payload"]["data"]

    async def closed_with(self, timeout: float = 5) -> int | None:
        """Wait for the server to close the socket; returns the close code."""
        try:
            while True:
                await asyncio.wait_for(self.connection.recv(), timeout)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None

    async def messages_until_close(self, timeout: float = 5) -> tuple[list[dict[str, Any]], int | None]:
        """Every message (pings aside) the server sends until it closes the socket, and the close code.

        Raises TimeoutError when the socket is still open after ``timeout`` seconds.
        """
        messages: list[dict[str, Any]] = []
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            while True:
                remaining = deadline - asyncio.get_running_loop().time()
                message = json.loads(await asyncio.wait_for(self.connection.recv(), max(remaining, 0)))
                if message.get("type") not in {"ping", "pong"}:
                    messages.append(message)
        except ConnectionClosed as closed:
            return messages, closed.rcvd.code if closed.rcvd else None

    async def close(self) -> None:
        await self.connection.close()
