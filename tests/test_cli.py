"""Operator commands run as a person would: ``python -m workestra …`` in a subprocess."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from auth.clock import FrozenClock
from tests.conftest import PASSWORD, User
from tests.support.databases import Backend
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
