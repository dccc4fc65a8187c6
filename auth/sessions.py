"""Sessions: start, authenticate (idle expiry, throttled activity), list, end and sweep."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from auth.audit import EventNote, session_event
from auth.batches import update_returning
from auth.client_info import ClientInfo
from auth.client_input import parse_uuid
from auth.clock import Clock
from auth.devices import parse_device, sanitize_user_agent
from auth.ports import SessionEvents
from auth.tokens import new_token, plausible_token, token_digest
from models import Account, ClientKind, SecurityEvent, SecurityEventType, Session, SessionEndReason

log = logging.getLogger("workestra.sessions")

# A person rarely has more live sessions than this; lists stop here so one account can't cost a page of work.
MAX_LISTED_SESSIONS = 100
# Sessions the sweep reads and ends per batch: building a batch's rows and events holds the event loop for
# a time in proportion, so a batch stays small enough that requests meanwhile keep their latency.
SWEEP_BATCH = 250


@dataclass(frozen=True)
class SessionPolicy:
    """How long sessions live and how often their activity is written."""

    web_idle_timeout: int = 7 * 86400
    mobile_idle_timeout: int = 30 * 86400
    absolute_lifetime: int = 0
    activity_write_interval: int = 60
    # Seconds a sign-in (or reauthenticate) counts as recent authentication for the session.
    reauth_window: int = 15 * 60

    def idle_timeout(self, client: ClientKind | str) -> timedelta:
        """The idle timeout of a client kind."""
        kind = ClientKind(client)
        return timedelta(seconds=self.mobile_idle_timeout if kind is ClientKind.MOBILE else self.web_idle_timeout)

    def expires_at(self, session: Session) -> datetime:
        """When the session ends if it stays idle: last activity plus the idle timeout (capped by the lifetime)."""
        return self.ends_at(session.client, session.last_active_at, session.created_at)

    def ends_at(self, client: ClientKind | str, last_active_at: datetime, created_at: datetime) -> datetime:
        """When a session of this kind, last active and created then, ends if it stays idle."""
        idle_end = last_active_at + self.idle_timeout(client)
        if self.absolute_lifetime:
            return min(idle_end, created_at + timedelta(seconds=self.absolute_lifetime))
        return idle_end

    def reauthentication_expires_at(self, session: Session) -> datetime | None:
        """When the session's recent-authentication window closes (or closed); None when it never opened."""
        if session.authenticated_at is None:
            return None
        return session.authenticated_at + timedelta(seconds=self.reauth_window)

    def live_filter(self, now: datetime) -> Q:
        """A query condition matching sessions that have not ended and are not past their timeouts."""
        condition = Q(ended_at=None) & (
            Q(client=ClientKind.WEB, last_active_at__gt=now - self.idle_timeout(ClientKind.WEB))
            | Q(client=ClientKind.MOBILE, last_active_at__gt=now - self.idle_timeout(ClientKind.MOBILE))
        )
        if self.absolute_lifetime:
            condition &= Q(created_at__gt=now - timedelta(seconds=self.absolute_lifetime))
        return condition


async def start_session(account: Account, client: ClientKind, info: ClientInfo, *, clock: Clock) -> tuple[Session, str]:
    """Create a session for a completed sign-in; returns it with the token (shown once, never stored)."""
    now = clock.now()
    token = new_token()
    device = parse_device(info.user_agent)
    session = await Session.create(
        id=uuid.uuid4(),
        account=account,
        token_hash=token_digest(token),
        client=client,
        user_agent=sanitize_user_agent(info.user_agent),
        browser=device.browser,
        os=device.os,
        ip_address=info.ip,
        location=info.location,
        created_at=now,
        last_active_at=now,
        authenticated_at=now,
    )
    return session, token


async def mark_authenticated(session_id: object, at: datetime, *, using_db: BaseDBAsyncClient | None = None) -> None:
    """Open the session's recent-authentication window from ``at`` (its person proved who they are)."""
    await Session.filter(id=session_id, ended_at=None).using_db(using_db).update(authenticated_at=at)


async def authenticate(
    token: str | None, *, clock: Clock, policy: SessionPolicy, events: SessionEvents
) -> Session | None:
    """The live session a token belongs to (account loaded), or None; ends it if idle too long."""
    if not plausible_token(token):
        return None
    session = await Session.filter(token_hash=token_digest(token), ended_at=None).select_related("account").first()
    if session is None:
        return None
    now = clock.now()
    if now >= policy.expires_at(session):
        await _end_expired([session], policy, now, events)
        return None
    interval = timedelta(seconds=policy.activity_write_interval)
    if now - session.last_active_at >= interval:
        # Conditional so that concurrent requests (on any process) write the activity once.
        advanced = await Session.filter(id=session.id, ended_at=None, last_active_at__lte=now - interval).update(
            last_active_at=now
        )
        if advanced:
            session.last_active_at = now
            await announce_activity(events, session.account_id)
    return session


async def list_active_sessions(account_id: int, *, clock: Clock, policy: SessionPolicy) -> list[Session]:
    """The account's live sessions, most recently active first."""
    return (
        await Session.filter(policy.live_filter(clock.now()), account_id=account_id)
        .order_by("-last_active_at", "-created_at")
        .limit(MAX_LISTED_SESSIONS)
    )


async def end_session(
    session_id: str,
    account_id: int,
    reason: SessionEndReason,
    *,
    clock: Clock,
    events: SessionEvents,
    note: EventNote | None = None,
) -> bool:
    """End one of the account's sessions; False when it is unknown, foreign or already over."""
    parsed = parse_uuid(session_id)
    if parsed is None:
        return False
    query = Session.filter(id=parsed, account_id=account_id)
    return bool(await _end(query, account_id, reason, clock.now(), events, note=note))


async def end_sessions(
    account_id: int,
    reason: SessionEndReason,
    *,
    clock: Clock,
    events: SessionEvents,
    keep: uuid.UUID | None = None,
    note: EventNote | None = None,
) -> list[str]:
    """End every live session of the account except ``keep``; returns the ids this call ended."""
    query = Session.filter(account_id=account_id)
    if keep is not None:
        query = query.exclude(id=keep)
    return await _end(query, account_id, reason, clock.now(), events, note=note)


async def sign_out(session: Session, info: ClientInfo, *, clock: Clock, events: SessionEvents) -> bool:
    """End the requester's own session (audited as a sign-out)."""
    note = EventNote(SecurityEventType.SIGN_OUT, info, session.id)
    return await end_session(
        str(session.id), session.account_id, SessionEndReason.SIGNED_OUT, clock=clock, events=events, note=note
    )


async def sign_out_replaced_session(
    token: str | None, replacement: Session, info: ClientInfo, *, clock: Clock, events: SessionEvents
) -> bool:
    """End the session a browser held before signing in again (audited as its sign-out).

    The browser's cookie now carries ``replacement``: the earlier session would otherwise stay live, with
    nothing left that holds its token, and listed as a device its owner no longer has. It is ended whichever
    account it belongs to, since it is the same browser. False when the token names no live session.
    """
    if not plausible_token(token):
        return False
    now = clock.now()
    replaced = await (
        Session.filter(token_hash=token_digest(token), ended_at=None)
        .exclude(id=replacement.id)
        .only("id", "account_id")
    ).first()
    if replaced is None:
        return False
    note = EventNote(SecurityEventType.SIGN_OUT, info, replaced.id)
    ended = await _end(
        Session.filter(id=replaced.id), replaced.account_id, SessionEndReason.SIGNED_OUT, now, events, note=note
    )
    return bool(ended)


async def revoke_session(
    session_id: str, account_id: int, info: ClientInfo, *, clock: Clock, events: SessionEvents
) -> bool:
    """End one session of the account, named by id; False when it is unknown, foreign or already over."""
    parsed = parse_uuid(session_id)
    if parsed is None:
        return False
    note = EventNote(SecurityEventType.SESSION_REVOKED, info, parsed)
    return await end_session(str(parsed), account_id, SessionEndReason.REVOKED, clock=clock, events=events, note=note)


async def revoke_other_sessions(
    session: Session, info: ClientInfo, *, clock: Clock, events: SessionEvents
) -> list[str]:
    """End every session of the account but the requester's; audited once when any ended."""
    note = EventNote(SecurityEventType.OTHER_SESSIONS_REVOKED, info, session.id)
    return await end_sessions(
        session.account_id, SessionEndReason.REVOKED, clock=clock, events=events, keep=session.id, note=note
    )


async def sign_out_everywhere(session: Session, info: ClientInfo, *, clock: Clock, events: SessionEvents) -> list[str]:
    """End every session of the account, the requester's too; audited once."""
    note = EventNote(SecurityEventType.SIGNED_OUT_EVERYWHERE, info, session.id)
    return await end_sessions(session.account_id, SessionEndReason.SIGNED_OUT, clock=clock, events=events, note=note)


async def sweep_expired_sessions(
    *, clock: Clock, policy: SessionPolicy, events: SessionEvents, among: Sequence[uuid.UUID] | None = None
) -> int:
    """End sessions past their timeouts even when nobody uses them; safe to run on many processes at once.

    With ``among``, only those sessions are looked at (a socket check that found them no longer live).
    Otherwise each client kind's idle sessions are taken oldest first, ``SWEEP_BATCH`` ids at a time,
    each read a range of the live-sessions index of that kind, yielding to other tasks between batches.
    Each batch is ended in one short transaction (see ``_end_expired``).
    """
    now = clock.now()
    if among is not None:
        ids = list(among)
        total = 0
        for start in range(0, len(ids), SWEEP_BATCH):
            named = _still_expired(Session.filter(id__in=ids[start : start + SWEEP_BATCH]), policy, now)
            total += await _end_expired(await named.only(*_DESCRIBED_BY), policy, now, events)
        return total
    total = 0
    for query in _expired_batches(policy, now):
        while True:
            batch = await query.limit(SWEEP_BATCH).only(*_DESCRIBED_BY)
            ended = await _end_expired(batch, policy, now, events)
            total += ended
            await asyncio.sleep(0)
            # A batch that ended nothing was ended by another sweep meanwhile: the next read sees past it.
            if len(batch) < SWEEP_BATCH or not ended:
                break
    return total


def _expired_batches(policy: SessionPolicy, now: datetime) -> list[QuerySet[Session]]:
    """The reads of the sweep: idle sessions per client kind, then (with a lifetime) those too old, oldest first."""
    reads = [
        Session.filter(ended_at=None, client=kind, last_active_at__lte=now - policy.idle_timeout(kind)).order_by(
            "last_active_at"
        )
        for kind in ClientKind
    ]
    if policy.absolute_lifetime:
        too_old = now - timedelta(seconds=policy.absolute_lifetime)
        reads.append(Session.filter(ended_at=None, created_at__lte=too_old).order_by("created_at"))
    return reads


# What the audit event of an expired session is made of: the session's own IP, device and location.
_DESCRIBED_BY = ("id", "account_id", "ip_address", "user_agent", "browser", "os", "location")
# Audit events built between two turns of the event loop (each costs tens of microseconds of CPU).
_EVENTS_PER_TURN = 100


def _still_expired(query: QuerySet[Session], policy: SessionPolicy, now: datetime) -> QuerySet[Session]:
    """The sessions of ``query`` that have not ended and are past their timeouts."""
    # Not ended is told by end_reason, which every ending sets with ended_at: a condition on ended_at would let
    # the planner answer a large batch by scanning a partial index (WHERE ended_at IS NULL) of every live
    # session rather than looking the batch up by primary key.
    return query.filter(end_reason=None).exclude(policy.live_filter(now))


async def _end_expired(
    candidates: Sequence[Session], policy: SessionPolicy, now: datetime, events: SessionEvents
) -> int:
    """End the candidates still live and past their timeouts, as expired; returns how many this call ended.

    One short transaction: one conditional UPDATE of them all, which re-checks that each has not ended and is
    still past its timeouts (a session used, revoked or ended by another process since it was read is left
    alone) and returns exactly the rows it ended, then the audit events of those in one insert; so concurrent
    sweeps, or a sweep racing a revocation, end and audit each session once. The events are built before the
    transaction, which then holds the database for the two statements only. Announced per account after commit.
    """
    audit: dict[str, SecurityEvent] = {}
    for built, session in enumerate(candidates, 1):
        audit[str(session.id)] = session_event(session, SecurityEventType.SESSION_EXPIRED, at=now)
        if built % _EVENTS_PER_TURN == 0:
            await asyncio.sleep(0)
    if not audit:
        return 0
    # Where the database locks rows (PostgreSQL), the statement takes those another transaction holds no lock
    # on and leaves the rest: it never waits on a row, so it cannot deadlock with a revocation, which locks its
    # rows in id order while this statement visits them in table order. A session left is ended by whoever
    # holds it, or by the next batch. SQLite has no row locks (its writers take turns) and gets no such clause.
    claimed = _still_expired(Session.filter(id__in=list(audit)), policy, now).select_for_update(skip_locked=True)
    async with in_transaction() as connection:
        rows = await update_returning(
            Session.filter(id__in=Subquery(claimed.only("id"))),
            ("id",),
            connection,
            ended_at=now,
            end_reason=SessionEndReason.EXPIRED,
        )
        ended = [audit[str(row["id"])] for row in rows]
        if ended:
            await SecurityEvent.bulk_create(ended, using_db=connection)
    by_account: dict[int, list[str]] = {}
    for event in ended:
        by_account.setdefault(event.account_id, []).append(str(event.session_id))
    for account_id, ids in by_account.items():
        await announce(events, account_id, ids)
    return len(ended)


async def _end(
    query: QuerySet[Session],
    account_id: int,
    reason: SessionEndReason,
    now: datetime,
    events: SessionEvents,
    *,
    note: EventNote | None = None,
) -> list[str]:
    # Read the candidates, then end each with a conditional update: only the caller whose update
    # matched reports it, so concurrent revocations on several processes never double count.
    # The endings and their audit event commit together; rows are taken in id order so that two
    # transactions ending overlapping sets on PostgreSQL lock them in the same order.
    # Sorted here rather than by the database: a sort there is a temporary B-tree over the account's rows.
    candidates = sorted(await query.filter(ended_at=None), key=lambda session: session.id)
    ended: list[Session] = []
    async with in_transaction() as connection:
        for session in candidates:
            if (
                await Session.filter(id=session.id, ended_at=None)
                .using_db(connection)
                .update(ended_at=now, end_reason=reason)
            ):
                ended.append(session)
        if ended and note is not None:
            await note.write(account_id, at=now, using_db=connection)
    ended_ids = [str(session.id) for session in ended]
    if ended_ids:
        await announce(events, account_id, ended_ids)
    return ended_ids


async def announce(events: SessionEvents, account_id: int, ended: Sequence[str] = ()) -> None:
    """Tell subscribers that the account's sessions changed; a bus failure is logged, never raised."""
    try:
        await events.sessions_changed(account_id, ended=ended)
    except Exception:
        # The database is the truth; subscribers resync when the bus comes back.
        log.warning("session change not announced account_id=%s", account_id, exc_info=True)


async def announce_activity(events: SessionEvents, account_id: int) -> None:
    """Tell subscribers that a session's last activity advanced (coalesced per account by the announcer)."""
    try:
        await events.activity_advanced(account_id)
    except Exception:
        log.warning("session activity not announced account_id=%s", account_id, exc_info=True)


async def session_is_live(session_id: str, *, clock: Clock, policy: SessionPolicy) -> bool:
    """Whether the session still authenticates (not ended, not past its timeouts)."""
    if (parsed := parse_uuid(session_id)) is None:
        return False
    return await Session.filter(policy.live_filter(clock.now()), id=parsed).exists()
