"""A real SMTP server (aiosmtpd) recording what it accepts, a mail, a sender, and an outbox database.

A pytest plugin (listed in ``tests/conftest.py``): ``smtp`` is a server on ``SMTP_PORT`` for an in-process
app (the port is known when ``@pytest.mark.settings(smtp_url=...)`` is written), ``smtp_server`` one on a
port of its own for a module's uvicorn; ``db`` and ``postgres_url`` are the outbox database.
"""

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
from tests.support.databases import PG_ADMIN_URL, REQUIRE_SERVICES, admin_statement, create_database, reachable
from tests.support.server import free_port
from workestra.mail import Mail, MailSender

MAIL_FROM = "Workestra Security <security@workestra.test>"
# The port of the ``smtp`` fixture's server, fixed for the run so that settings markers can name it.
SMTP_PORT = free_port()


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
    asyncio.run(create_database(name))
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


def start_smtp(port: int | None = None, **kwargs: Any) -> tuple[Controller, RecordingHandler]:
    """Start a recording SMTP server on loopback (on ``port``, or a free one)."""
    handler = RecordingHandler()
    if kwargs.pop("with_auth", False):
        kwargs.update(authenticator=handler.authenticate, auth_require_tls=False)
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port(), **kwargs)
    controller.start()
    return controller, handler


def sender(clock: FrozenClock, smtp_url: str | None, **kwargs: Any) -> MailSender:
    return MailSender(smtp_url=smtp_url, mail_from=MAIL_FROM, clock=clock, **kwargs)


@pytest.fixture
def smtp() -> Iterator[RecordingHandler]:
    """A real SMTP server on ``SMTP_PORT`` for one test; the handler keeps what it accepts."""
    controller, handler = start_smtp(port=SMTP_PORT)
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[tuple[int, RecordingHandler]]:
    """A real SMTP server for a module's uvicorn: its port, and the handler keeping what it accepts."""
    controller, handler = start_smtp()
    yield controller.port, handler
    controller.stop()


async def received(handler: RecordingHandler, count: int, timeout: float = 10) -> None:
    """Wait until the SMTP server has accepted ``count`` mails."""

    async def wait() -> None:
        while len(handler.received) < count:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)
