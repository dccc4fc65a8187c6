"""Operator commands run as a person would: ``python -m workestra …`` in a subprocess."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

from auth.clock import FrozenClock
from tests.conftest import PASSWORD, User
from tests.support.databases import Backend, admin_statement
from tests.support.graphql import SIGN_IN
from tests.support.server import ROOT


def run_cli(backend: Backend, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": backend.database_url, "LOG_LEVEL": "warning"}
    return subprocess.run(
        [sys.executable, "-m", "workestra", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


async def test_unlock_clears_a_lockout(clean_backend: Backend, user: User, make_client, clock: FrozenClock) -> None:
    attacker = make_client()
    for delay in (1, 2, 4, 8, 16, 0):
        await attacker.data(SIGN_IN, {"input": {"email": user.email, "password": "wrong password"}})
        clock.advance(delay)
    locked = await attacker.data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    assert locked["signIn"]["__typename"] == "AccountLocked"

    result = await asyncio.to_thread(run_cli, clean_backend, "unlock", "  ADA@example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "unlocked"
    signed_in = await make_client().data(SIGN_IN, {"input": {"email": user.email, "password": PASSWORD}})
    assert signed_in["signIn"]["__typename"] == "SignedIn"


async def test_unlock_of_an_unknown_email_says_so(clean_backend: Backend, app) -> None:
    result = await asyncio.to_thread(run_cli, clean_backend, "unlock", "nobody@example.com")
    assert result.returncode == 0
    assert result.stdout.strip() == "nothing to unlock for that email"


def test_a_bad_setting_is_a_clear_error_without_its_value(clean_backend: Backend) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRUSTED_PROXIES": "not-an-ip-secret123"}
    result = subprocess.run(
        [sys.executable, "-m", "workestra", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "TRUSTED_PROXIES" in result.stderr
    assert "secret123" not in result.stderr


async def test_processes_migrating_a_fresh_database_at_once_take_turns(backend: Backend, tmp_path) -> None:
    """Hosts started together each run `serve`'s migrations: they must not create the same tables at once."""
    if backend.is_postgres:
        name = f"workestra_test_{uuid.uuid4().hex[:12]}"
        await admin_statement(f'CREATE DATABASE "{name}"')
        fresh = Backend("postgres", backend.database_url.rsplit("/", 1)[0] + f"/{name}", backend.broadcast_url)
    else:
        fresh = Backend("sqlite", f"sqlite://{tmp_path / 'fresh.sqlite3'}", backend.broadcast_url)
    try:
        results = await asyncio.gather(*(asyncio.to_thread(run_cli, fresh, "migrate") for _ in range(4)))
        assert [(r.returncode, r.stderr[-300:]) for r in results] == [(0, "")] * 4
        again = await asyncio.to_thread(run_cli, fresh, "unlock", "nobody@example.com")
        assert again.returncode == 0, again.stderr
    finally:
        if backend.is_postgres:
            await admin_statement(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
