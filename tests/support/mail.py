"""A real SMTP server (aiosmtpd) recording what it accepts, a mail, a sender, and an outbox database."""

from __future__ import annotations

import asyncio
import email
import email.policy
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from auth.clock import FrozenClock
from tests.support.databases import PG_ADMIN_URL, REQUIRE_SERVICES, admin_statement, reachable
from tests.support.server import free_port
from workestra.mail import Mail, MailSender

MAIL_FROM = "Workestra Security <security@workestra.test>"


BODY_SECRET = "body-only-text-4711"


def notification(recipient: str = "ada@example.com", kind: str = "password_changed") -> Mail:
    return Mail(
        recipient=recipient,
        subject="Your password was changed — Workestra",
        text=f"Your password was changed. {BODY_SECRET}",
        html=f"<p>Your password was <b>changed</b>. {BODY_SECRET}</p>",
        kind=kind,
    )


@dataclass
class Received:
    """What the SMTP server accepted: envelope sender, recipients and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that keeps every mail it accepts (and every login it saw)."""

    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            self.logins.append((data.login.decode(), data.password.decode()))
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for SQLite; for PostgreSQL (when reachable) a database of this module's own."""
    if request.param == "sqlite":
        yield None
        return
    if not reachable("127.0.0.1", 5432):
        message = "PostgreSQL (127.0.0.1:5432) is required"
        if REQUIRE_SERVICES:
            pytest.fail(message, pytrace=False)
        pytest.skip(message + " for this backend; set REQUIRE_SERVICES=1 to make this an error")
    name = f"workestra_mail_{uuid.uuid4().hex[:12]}"
    asyncio.run(admin_statement(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(admin_statement(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def db(postgres_url: str | None, tmp_path: Path) -> AsyncIterator[None]:
    """An empty outbox table in a fresh SQLite file, or in the module's PostgreSQL database."""
    # Tortoise caches INSERT statements per connection name, not per dialect: start and end clean
    # so neither backend inherits the other's statements (nor do later tests in the session).
    EXECUTOR_CACHE.clear()
    await Tortoise.init(
        config={
            "connections": {"default": postgres_url or f"sqlite://{tmp_path}/m.sqlite3"},
            "apps": {"models": {"models": ["models.outbox"], "default_connection": "default"}},
            "use_tz": True,
            "timezone": "UTC",
        }
    )
    await Tortoise.generate_schemas(safe=True)
    if postgres_url:
        await Tortoise.get_connection("default").execute_script('TRUNCATE "outbox_message" RESTART IDENTITY')
    yield
    await Tortoise.close_connections()
    EXECUTOR_CACHE.clear()


def start_smtp(**kwargs: Any) -> tuple[Controller, RecordingHandler]:
    handler = RecordingHandler()
    if kwargs.pop("with_auth", False):
        kwargs.update(authenticator=handler.authenticate, auth_require_tls=False)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller, handler


def sender(clock: FrozenClock, smtp_url: str | None, **kwargs: Any) -> MailSender:
    return MailSender(smtp_url=smtp_url, mail_from=MAIL_FROM, clock=clock, **kwargs)
