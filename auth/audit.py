"""The security audit log: write events inside the transaction of the change they report, list and prune them.

An event records who acted (masked IP, sanitised User-Agent with its parsed device, approximate
location) and which session it is about, never a password, code, token or secret. Events that have
no account (a failed sign-in for an unknown email) are not written: every event has an owner.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from auth.client_info import ClientInfo
from auth.clock import Clock
from auth.devices import parse_device, sanitize_user_agent
from auth.errors import InvalidInput
from auth.network import mask_ip
from models import SecurityEvent, SecurityEventType, Session

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_CURSOR_PREFIX = "SecurityEvent:"
# Base64 of the prefix and a 19-digit id is far below this; longer input is not ours.
_MAX_CURSOR_LENGTH = 64
_MAX_EVENT_ID = 2**63 - 1


async def record_event(
    account_id: int,
    kind: SecurityEventType,
    info: ClientInfo,
    *,
    at: datetime,
    session_id: object | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> None:
    """Append an event caused by a request (``info``); call it inside the change's transaction."""
    device = parse_device(info.user_agent)
    await SecurityEvent.create(
        account_id=account_id,
        type=kind,
        occurred_at=at,
        ip_address=mask_ip(info.ip),
        user_agent=sanitize_user_agent(info.user_agent),
        browser=device.browser,
        os=device.os,
        location=info.location,
        session_id=session_id,
        using_db=using_db,
    )


async def record_session_event(
    session: Session, kind: SecurityEventType, *, at: datetime, using_db: BaseDBAsyncClient | None = None
) -> None:
    """Append an event about a session, described by the session's own IP, device and location."""
    await SecurityEvent.create(
        account_id=session.account_id,
        type=kind,
        occurred_at=at,
        ip_address=mask_ip(session.ip_address),
        user_agent=sanitize_user_agent(session.user_agent),
        browser=session.browser,
        os=session.os,
        location=session.location,
        session_id=session.id,
        using_db=using_db,
    )


@dataclass(frozen=True)
class EventNote:
    """An event a change will write in its own transaction; ``session_id`` names the session it is about."""

    kind: SecurityEventType
    info: ClientInfo
    session_id: object | None = None

    async def write(self, account_id: int, *, at: datetime, using_db: BaseDBAsyncClient | None = None) -> None:
        """Append the event for ``account_id``."""
        await record_event(account_id, self.kind, self.info, at=at, session_id=self.session_id, using_db=using_db)


@dataclass(frozen=True)
class EventPage:
    """One page of an account's log, newest first, and whether older events follow."""

    events: list[SecurityEvent]
    has_next_page: bool


def encode_cursor(event_id: int) -> str:
    """The opaque cursor of an event (its position in the log, not a credential)."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{event_id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The event id of a cursor from ``encode_cursor``; ``InvalidInput("after")`` for anything else."""
    invalid = InvalidInput("after", "This is not a cursor from securityEvents.")
    if not isinstance(cursor, str) or not cursor or len(cursor) > _MAX_CURSOR_LENGTH or not cursor.isascii():
        raise invalid
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid from None
    number = text.removeprefix(_CURSOR_PREFIX)
    if number == text or not number.isdigit() or not number.isascii() or len(number) > 19:
        raise invalid
    event_id = int(number)
    # Event ids are 64-bit signed integers in the database; a larger number is no event's cursor.
    if event_id > _MAX_EVENT_ID:
        raise invalid
    return event_id


def check_page_size(first: int) -> int:
    """``first`` when it is between 1 and ``MAX_PAGE_SIZE``; ``InvalidInput("first")`` otherwise."""
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise InvalidInput("first", f"Ask for between 1 and {MAX_PAGE_SIZE} events.")
    return first


async def list_security_events(account_id: int, *, first: int, after: str | None) -> EventPage:
    """The account's events newest first (in insertion order), ``first`` of them after the cursor ``after``."""
    size = check_page_size(first)
    query = SecurityEvent.filter(account_id=account_id)
    if after is not None:
        query = query.filter(id__lt=decode_cursor(after))
    rows = await query.order_by("-id").limit(size + 1)
    return EventPage(rows[:size], len(rows) > size)


async def prune_security_events(*, clock: Clock, retention_days: int) -> int:
    """Delete events older than the retention period (called by the periodic sweep)."""
    return await SecurityEvent.filter(occurred_at__lt=clock.now() - timedelta(days=retention_days)).delete()
