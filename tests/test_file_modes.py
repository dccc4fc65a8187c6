"""The files that hold password hashes and keys are owner-only from the moment they are created.

Run as an operator would, on a fresh directory and with the usual umask 022 (which alone gives 0644 / 0755).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.actors import PASSWORD
from tests.support.graphql import SIGN_UP
from tests.support.server import ROOT, ServerProcess


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_migrate_creates_the_database_and_its_folders_owner_only(tmp_path: Path, usual_umask: None) -> None:
    database = tmp_path / "var" / "data" / "workestra.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite://{database}", "LOG_LEVEL": "warning"}
    result = subprocess.run(
        [sys.executable, "-m", "workestra", "migrate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert database.stat().st_size > 0  # migrated, not just created
    assert mode(tmp_path / "var") == 0o700
    assert mode(tmp_path / "var" / "data") == 0o700
    for path in database.parent.iterdir():  # the database, its lock file, any -wal / -shm left over
        assert mode(path) == 0o600, path


def test_a_serving_process_keeps_database_wal_shm_and_key_owner_only(tmp_path: Path, usual_umask: None) -> None:
    database = tmp_path / "var" / "workestra.sqlite3"
    server = ServerProcess(
        {
            "DATABASE_URL": f"sqlite://{database}",
            "ENVIRONMENT": "development",
            "SECRET_KEY": "",
            "SECRET_KEY_FILE": str(tmp_path / "keys" / "secret.key"),
        },
        tmp_path / "server.log",
    ).start()
    try:
        signed_up = httpx.post(
            f"{server.url}/graphql",
            json={"query": SIGN_UP, "variables": {"input": {"email": "ada@example.com", "password": PASSWORD}}},
            timeout=10,
        )
        assert signed_up.json()["data"]["signUp"]["__typename"] == "SignedIn"
        files = {path.name: mode(path) for path in database.parent.iterdir()}
        # While the server runs, SQLite keeps its write-ahead log and shared-memory index beside the database.
        assert {"workestra.sqlite3", "workestra.sqlite3-wal", "workestra.sqlite3-shm"} <= set(files)
        assert files == dict.fromkeys(files, 0o600)
        assert mode(database.parent) == 0o700
        assert mode(tmp_path / "keys") == 0o700
        assert mode(tmp_path / "keys" / "secret.key") == 0o600
    finally:
        server.stop()
