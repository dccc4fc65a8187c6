"""The client suite's shared pieces: its Node package, whether Node is required, and the server it drives."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from tests.support.databases import REQUIRE_SERVICES
from tests.support.server import ROOT, ServerProcess

CLIENTS = ROOT / "tests" / "clients"
NODE_MODULES = CLIENTS / "node_modules"
# In CI (CI set, or REQUIRE_SERVICES=1 as .ci/run sets it) the real clients must run; elsewhere only a
# machine without Node may skip them.
CLIENTS_REQUIRED = REQUIRE_SERVICES or bool(os.environ.get("CI"))


def node() -> str:
    """The `node` binary, with the suite's node_modules installed; skips without Node outside CI."""
    binary = shutil.which("node")
    if binary is None:
        reason = "the client suite needs Node.js 20.19+ with npm (make test installs tests/clients/node_modules)"
        if CLIENTS_REQUIRED:
            pytest.fail(reason + "; it is required in CI", pytrace=False)
        pytest.skip(reason + "; set CI=1 or REQUIRE_SERVICES=1 to make this an error")
    if not (NODE_MODULES / ".bin" / "tsx").is_file():
        pytest.fail(
            "tests/clients/node_modules is missing: run `make test`, or `npm ci` in tests/clients", pytrace=False
        )
    return binary


def bin_path(name: str) -> str:
    """An executable the client suite's package installed (never one npx would download)."""
    return str(NODE_MODULES / ".bin" / name)


def client_server(directory: Path) -> ServerProcess:
    """A development-mode server (cookie `session`, not Secure, over http) on SQLite and in-process events."""
    env = {
        "DATABASE_URL": f"sqlite://{directory / 'server.sqlite3'}",
        "BROADCAST_URL": "memory://",
        "BROADCAST_CHANNEL": f"workestra-clients-{uuid.uuid4().hex}",
    }
    return ServerProcess(env, directory / "server.log").start()
