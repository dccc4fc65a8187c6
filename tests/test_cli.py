"""Operator commands run as a person would: ``python -m workestra …`` in a subprocess."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from auth.clock import FrozenClock
from auth.emails import mask_email
from auth.notices import Mail
from models import OutboxMessage
from tests.support.actors import PASSWORD, User
from tests.support.databases import Backend, admin_statement
from tests.support.graphql import SIGN_IN
from tests.support.server import ROOT
from workestra.mail import enqueue

BODY = "body-only-text-4711"


def run_cli(backend: Backend, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": backend.database_url, "LOG_LEVEL": "warning"}
    return subprocess.run(
        [sys.executable, "-m", "workestra", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


async def test_unlock_clears_a_lockout(clean_backend: Backend, locked_user: User, make_client) -> None:
    user = locked_user
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


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("ada@example.com", "a***@example.com"),
        ("a@example.com", "a***@example.com"),
        ("we@ird@example.com", "w***@example.com"),
        ("ümlaut@example.com", "ü***@example.com"),
        ("no-at-sign", "***"),
        ("@example.com", "***"),
        ("", "***"),
    ],
)
def test_mask_email_keeps_the_first_character_and_the_domain(address: str, masked: str) -> None:
    assert mask_email(address) == masked


async def test_mail_lists_pending_and_dead_mail_and_retries_a_dead_one(
    clean_backend: Backend, app, clock: FrozenClock
) -> None:
    queued_at = datetime.now(UTC) - timedelta(days=4)
    for recipient, kind in (("ada@example.com", "lockout"), ("grace@example.com", "password_changed")):
        await enqueue(Mail(recipient, "Subject line", BODY, BODY, kind), now=queued_at)
    dead, pending = await OutboxMessage.all().order_by("id")
    await OutboxMessage.filter(id=dead.id).update(attempts=80, failed_at=queued_at, last_error="SMTPConnectError")
    await OutboxMessage.filter(id=pending.id).update(attempts=3, next_attempt_at=queued_at + timedelta(days=5))
    await OutboxMessage.create(
        recipient="sent@example.com",
        subject="s",
        text_body="t",
        html_body="h",
        kind="x",
        created_at=queued_at,
        next_attempt_at=queued_at,
        sent_at=queued_at,
    )

    listed = await asyncio.to_thread(run_cli, clean_backend, "mail")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == "1 pending, 1 dead"
    assert lines[1].split() == [
        str(dead.id),
        "dead",
        "lockout",
        "80",
        "-",
        "4d00h",
        "a***@example.com",
        "(SMTPConnectError)",
    ]
    assert lines[2].split()[:4] == [str(pending.id), "pending", "password_changed", "3"]
    assert lines[2].split()[-1] == "g***@example.com"
    for leak in ("ada@example.com", "grace@example.com", "sent@", BODY, "Subject line"):
        assert leak not in listed.stdout

    retried = await asyncio.to_thread(run_cli, clean_backend, "mail", "retry", str(dead.id))
    assert (retried.returncode, retried.stdout.strip()) == (0, f"mail {dead.id} queued for delivery")
    row = await OutboxMessage.get(id=dead.id)
    assert row.failed_at is None and row.next_attempt_at <= datetime.now(UTC)
    # The running service's sender picks it up at its next pass.
    clock.advance(days=400)
    app.state.services.outbox.wake()
    for _ in range(200):
        if (await OutboxMessage.get(id=dead.id)).sent_at is not None:
            break
        await asyncio.sleep(0.05)
    assert (await OutboxMessage.get(id=dead.id)).sent_at is not None

    again = await asyncio.to_thread(run_cli, clean_backend, "mail", "retry", str(dead.id), str(pending.id))
    assert again.returncode == 1
    assert again.stdout.strip().splitlines() == [f"mail {dead.id} is not dead", f"mail {pending.id} is not dead"]
    usage = await asyncio.to_thread(run_cli, clean_backend, "mail", "retry")
    assert usage.returncode == 2


async def test_mail_retry_all_queues_every_dead_mail(clean_backend: Backend, app, clock: FrozenClock) -> None:
    for n in range(3):
        await enqueue(Mail(f"u{n}@example.com", "s", BODY, BODY, "lockout"), now=clock.now())
    await OutboxMessage.all().update(failed_at=clock.now())
    result = await asyncio.to_thread(run_cli, clean_backend, "mail", "retry", "--all")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 3
    assert await OutboxMessage.filter(failed_at__isnull=False).count() == 0
