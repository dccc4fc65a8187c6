"""The security audit log: write events inside the transaction of the change they report, list and prune them.

An event records who acted (masked IP, sanitised User-Agent with its parsed device, approximate
location) and which session it is about, never a password, code, token or secret. Events that have
no account (a failed sign-in for an unknown email) are not written: every event has an owner.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from auth.batches import delete_oldest
from auth.client_info import ClientInfo
from auth.clock import Clock
from auth.devices import parse_device, sanitize_user_agent
from auth.errors import InvalidInput
from auth.network import mask_ip
from models import SecurityEvent, SecurityEventType, Session

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Not the event's global id (a position is not an object), and distinct from it so neither passes for the other.
_CURSOR_PREFIX = "SecurityEventCursor:"
# Base64 of the prefix and a 36-character UUID is 76 characters; longer input is not ours.
_MAX_CURSOR_LENGTH = 80


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
    await SecurityEvent.create(**_session_event_fields(session, kind, at), using_db=using_db)


def session_event(session: Session, kind: SecurityEventType, *, at: datetime) -> SecurityEvent:
    """The event ``record_session_event`` appends, unsaved: for many, saved together with ``bulk_create``."""
    return SecurityEvent(**_session_event_fields(session, kind, at))


def _session_event_fields(session: Session, kind: SecurityEventType, at: datetime) -> dict[str, Any]:
    return {
        "account_id": session.account_id,
        "type": kind,
        "occurred_at": at,
        "ip_address": mask_ip(session.ip_address),
        "user_agent": sanitize_user_agent(session.user_agent),
        "browser": session.browser,
        "os": session.os,
        "location": session.location,
        "session_id": session.id,
    }


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
    """One page of an account's log, newest first, and whether older (next) or newer (previous) events follow."""

    events: list[SecurityEvent]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(public_id: uuid.UUID) -> str:
    """The opaque cursor of an event: its random public key, so a cursor reveals no count or order."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{public_id}".encode()).decode()


def decode_cursor(cursor: str, field: str = "after") -> uuid.UUID:
    """The event key of a cursor from ``encode_cursor``; ``InvalidInput(field)`` for anything else."""
    invalid = InvalidInput(field, "This is not a cursor from securityEvents.")
    if not isinstance(cursor, str) or not cursor or len(cursor) > _MAX_CURSOR_LENGTH or not cursor.isascii():
        raise invalid
    try:
        key = uuid.UUID(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix(_CURSOR_PREFIX))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid from None
    # Only the exact text encode_cursor writes: base64 and UUID parsing forgive variants.
    if encode_cursor(key) != cursor:
        raise invalid
    return key


def check_page_size(size: int, field: str = "first") -> int:
    """``size`` when it is between 1 and ``MAX_PAGE_SIZE``; ``InvalidInput(field)`` otherwise."""
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidInput(field, f"Ask for between 1 and {MAX_PAGE_SIZE} events.")
    return size


async def _position(account_id: int, cursor: str, field: str) -> int:
    """Where the account's event named by ``cursor`` stands in its log; another account's cursor is no cursor."""
    key = decode_cursor(cursor, field)
    found = await SecurityEvent.filter(account_id=account_id, public_id=key).only("id").first()
    if found is None:
        raise InvalidInput(field, "This cursor names no event of this log (it may have been pruned).")
    return int(found.id)


async def list_security_events(
    account_id: int, *, first: int | None, after: str | None, last: int | None = None, before: str | None = None
) -> EventPage:
    """The account's events newest first: ``first`` of them after ``after``, or the ``last`` ones before ``before``.

    The page is the events strictly between the two cursors; a cursor is validated against this account's log.
    """
    if first is not None and last is not None:
        raise InvalidInput("last", "Ask for first or last, not both.")
    query = SecurityEvent.filter(account_id=account_id)
    if after is not None:
        query = query.filter(id__lt=await _position(account_id, after, "after"))
    if before is not None:
        query = query.filter(id__gt=await _position(account_id, before, "before"))
    if last is None:
        size = check_page_size(DEFAULT_PAGE_SIZE if first is None else first)
        rows = await query.order_by("-id").limit(size + 1)
        # The validated `after` cursor is itself an event before this page, hence hasPreviousPage.
        return EventPage(rows[:size], has_next_page=len(rows) > size, has_previous_page=after is not None)
    size = check_page_size(last, "last")
    rows = await query.order_by("id").limit(size + 1)
    return EventPage(rows[:size][::-1], has_next_page=before is not None, has_previous_page=len(rows) > size)


async def prune_security_events(*, clock: Clock, retention_days: int) -> int:
    """Delete events older than the retention period (called by the periodic sweep)."""
    cutoff = clock.now() - timedelta(days=retention_days)
    return await delete_oldest(SecurityEvent.filter(occurred_at__lt=cutoff), order_by="occurred_at")
