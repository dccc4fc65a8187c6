"""API keys: create (the key shown once), authenticate (expiry, throttled last use), list and revoke.

A key is ``wk_`` followed by 256 random bits (URL-safe base64); only its SHA-256 is stored, with the
first characters kept apart as ``prefix`` so a person can recognise it. A key reads; it changes
nothing (the GraphQL layer refuses every mutation to it).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Collection, Iterator
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from auth.audit import record_event
from auth.client_info import ClientInfo
from auth.client_input import UNSAFE_CHARACTERS, parse_uuid
from auth.clock import Clock
from auth.errors import InvalidInput
from auth.notices import Outbox, api_key_created_notice
from auth.ports import SessionEvents
from auth.sessions import SessionPolicy, announce, session_is_live
from auth.tokens import plausible_token, token_digest
from models import Account, ApiKey, SecurityEventType, Session

KEY_PREFIX = "wk_"
KEY_BYTES = 32
# "wk_" and 8 characters (48 of the 256 bits): enough to tell keys apart, far too little to guess the rest.
SHOWN_PREFIX_LENGTH = len(KEY_PREFIX) + 8
MAX_NAME_LENGTH = 100
# A person has a handful of keys; the list stops here so one account can't cost a page of work.
MAX_LISTED_KEYS = 100


def new_api_key() -> str:
    """A fresh key: the recognisable ``wk_`` prefix and 256 bits from the OS CSPRNG."""
    return KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)


def looks_like_api_key(credential: str | None) -> bool:
    """Whether a presented credential has the shape of an API key (not whether it is valid)."""
    return isinstance(credential, str) and credential.startswith(KEY_PREFIX)


def valid_name(name: str) -> str:
    """The trimmed name: 1 to 100 characters without control characters; ``InvalidInput("name")`` otherwise."""
    trimmed = name.strip() if isinstance(name, str) else ""
    if not trimmed or len(trimmed) > MAX_NAME_LENGTH:
        raise InvalidInput("name", f"Give the key a name of 1 to {MAX_NAME_LENGTH} characters.")
    if UNSAFE_CHARACTERS.search(trimmed):
        raise InvalidInput("name", "The name may not contain control or direction-changing characters.")
    return trimmed


def valid_expiry(expires_at: datetime | None, *, now: datetime) -> datetime | None:
    """The expiry in UTC (a time without zone is taken as UTC); ``InvalidInput("expiresAt")`` unless in the future."""
    if expires_at is None:
        return None
    try:
        moment = expires_at.replace(tzinfo=UTC) if expires_at.tzinfo is None else expires_at.astimezone(UTC)
    except OverflowError:
        # An offset at either end of the calendar (0001-01-01T00:00+01:00) has no UTC time.
        raise InvalidInput("expiresAt", "The expiry must be a time between the years 1 and 9999 in UTC.") from None
    if moment <= now:
        raise InvalidInput("expiresAt", "The expiry must be in the future.")
    return moment


async def create_api_key(
    account_id: int,
    name: str,
    expires_at: datetime | None,
    info: ClientInfo,
    *,
    clock: Clock,
    outbox: Outbox,
    limit: int,
    session_id: object | None = None,
) -> tuple[ApiKey, str]:
    """A new key of the account, audited and mailed to its owner; returns it with the key itself (shown once).

    An account holds at most ``limit`` live keys (not revoked, not expired); two creations racing on
    PostgreSQL may both pass the count.
    """
    now = clock.now()
    trimmed = valid_name(name)
    expiry = valid_expiry(expires_at, now=now)
    await _refuse_past_limit(account_id, limit=limit, now=now)
    secret = new_api_key()
    async with in_transaction() as connection:
        key = await ApiKey.create(
            id=uuid.uuid4(),
            account_id=account_id,
            name=trimmed,
            prefix=secret[:SHOWN_PREFIX_LENGTH],
            key_hash=token_digest(secret),
            created_at=now,
            expires_at=expiry,
            using_db=connection,
        )
        await record_event(
            account_id, SecurityEventType.API_KEY_CREATED, info, at=now, session_id=session_id, using_db=connection
        )
        owner = await Account.get(id=account_id, using_db=connection)
        mail = api_key_created_notice(
            owner.email,
            at=now,
            name=trimmed,
            prefix=key.prefix,
            ip=info.ip,
            user_agent=info.user_agent,
            location=info.location,
        )
        await outbox.enqueue(mail, now=now, using_db=connection)
    outbox.wake()
    return key, secret


async def _refuse_past_limit(account_id: int, *, limit: int, now: datetime) -> None:
    """Refuse a new key while the account holds ``limit`` live keys (not revoked, not expired)."""
    live = ApiKey.filter(Q(expires_at=None) | Q(expires_at__gt=now), account_id=account_id, revoked_at=None)
    if await live.count() >= limit:
        raise InvalidInput("input", f"An account can hold at most {limit} API keys; revoke one first.")


async def authenticate_api_key(credential: str | None, *, clock: Clock, policy: SessionPolicy) -> ApiKey | None:
    """The live key (account loaded) this credential is, or None; notes its use at most once a minute."""
    if not looks_like_api_key(credential) or not plausible_token(credential):
        return None
    key = await ApiKey.filter(key_hash=token_digest(credential), revoked_at=None).select_related("account").first()
    now = clock.now()
    if key is None or (key.expires_at is not None and now >= key.expires_at):
        return None
    interval = timedelta(seconds=policy.activity_write_interval)
    if key.last_used_at is None or now - key.last_used_at >= interval:
        # Conditional, so concurrent requests on any process write the use once per interval.
        if await ApiKey.filter(
            Q(last_used_at=None) | Q(last_used_at__lte=now - interval), id=key.id, revoked_at=None
        ).update(last_used_at=now):
            key.last_used_at = now
    return key


async def list_api_keys(account_id: int) -> list[ApiKey]:
    """The account's keys that are not revoked (expired ones included, so they can be seen), newest first."""
    return (
        await ApiKey.filter(account_id=account_id, revoked_at=None)
        .order_by("-created_at", "-id")
        .limit(MAX_LISTED_KEYS)
    )


async def revoke_api_key(
    key_id: str,
    account_id: int,
    info: ClientInfo,
    *,
    clock: Clock,
    events: SessionEvents,
    session_id: object | None = None,
) -> bool:
    """Revoke one of the account's keys at once (audited); False when it is unknown, foreign or already revoked.

    Sockets opened with the key are told through the session events, as if a session with the key's id ended.
    """
    parsed = parse_uuid(key_id)
    if parsed is None:
        return False
    now = clock.now()
    async with in_transaction() as connection:
        revoked = (
            await ApiKey.filter(id=parsed, account_id=account_id, revoked_at=None)
            .using_db(connection)
            .update(revoked_at=now)
        )
        if revoked:
            await record_event(
                account_id, SecurityEventType.API_KEY_REVOKED, info, at=now, session_id=session_id, using_db=connection
            )
    if revoked:
        await announce(events, account_id, [str(parsed)])
    return bool(revoked)


async def revoke_all_api_keys(
    account_id: int,
    info: ClientInfo,
    *,
    now: datetime,
    using_db: BaseDBAsyncClient,
    session_id: uuid.UUID | None = None,
) -> list[str]:
    """Revoke every live key of the account in the caller's transaction, each audited as a revocation.

    Each key is taken by its own conditional update, so a key revoked concurrently is counted (and audited)
    by one caller only. Returns the ids revoked: the caller announces them once its transaction has
    committed (``announce``), so the sockets opened with the keys close.
    """
    # In no order: read by the account's index of live keys, with no sort of them (the planner may pick either).
    live = ApiKey.filter(account_id=account_id, revoked_at=None).using_db(using_db)
    # values_list(flat=True) yields bare values; Tortoise types every values_list row as a tuple.
    candidates: list[uuid.UUID] = await live.values_list("id", flat=True)  # type: ignore[assignment]
    revoked: list[str] = []
    for key_id in candidates:
        if await ApiKey.filter(id=key_id, revoked_at=None).using_db(using_db).update(revoked_at=now):
            revoked.append(str(key_id))
            kind = SecurityEventType.API_KEY_REVOKED
            await record_event(account_id, kind, info, at=now, session_id=session_id, using_db=using_db)
    return revoked


async def revoke_and_announce_api_keys(
    account_id: int, info: ClientInfo, *, clock: Clock, events: SessionEvents, session_id: uuid.UUID | None = None
) -> list[str]:
    """``revoke_all_api_keys`` in a transaction of its own, then announced (``changePassword``,
    ``signOutEverywhere``); returns the ids revoked."""
    async with in_transaction() as connection:
        revoked = await revoke_all_api_keys(
            account_id, info, now=clock.now(), using_db=connection, session_id=session_id
        )
    if revoked:
        await announce(events, account_id, revoked)
    return revoked


async def announce_expired_api_keys(*, clock: Clock, events: SessionEvents, window_seconds: int) -> int:
    """Announce keys that expired within the last ``window_seconds``, so their sockets close (periodic sweep).

    Nothing ends a key at its expiry but the clock; this tells socket watchers the way a revocation
    does. A key announced by two sweeps (or two processes) is harmless: its sockets are already gone.
    """
    now = clock.now()
    expired = await ApiKey.filter(
        revoked_at=None, expires_at__lte=now, expires_at__gt=now - timedelta(seconds=window_seconds)
    ).values_list("id", "account_id")
    by_account: dict[int, list[str]] = {}
    for key_id, account_id in expired:
        by_account.setdefault(account_id, []).append(str(key_id))
    for account_id, ids in by_account.items():
        await announce(events, account_id, ids)
    return len(expired)


async def api_key_is_live(key_id: str, *, clock: Clock) -> bool:
    """Whether the key still authenticates (not revoked, not expired)."""
    if (parsed := parse_uuid(key_id)) is None:
        return False
    return await ApiKey.filter(Q(expires_at=None) | Q(expires_at__gt=clock.now()), id=parsed, revoked_at=None).exists()


async def credential_is_live(credential_id: str, *, clock: Clock, policy: SessionPolicy) -> bool:
    """Whether the session or API key with this id still authenticates (what a socket watcher checks)."""
    return await session_is_live(credential_id, clock=clock, policy=policy) or await api_key_is_live(
        credential_id, clock=clock
    )


# Ids per liveness query: well under SQLite's and asyncpg's bound-parameter limits, and one index probe each.
LIVENESS_CHUNK = 500


async def open_credentials(session_ids: Collection[str], key_ids: Collection[str]) -> set[str]:
    """Which of these sessions are not ended and API keys not revoked (timeouts aside): one query per 500 ids.

    This runs every half second over every credential a process's sockets hold, so it is plain SQL on the
    primary key: through the query builder a check of 10,000 ids cost 220-260 ms of CPU against 17 ms, and
    with ``ended_at IS NULL`` (or the timeouts) in the condition PostgreSQL and SQLite chose the
    (ended_at, last_active_at) index and took 3 to 50 times longer (bench B2, liveness).
    """
    connection = get_connection("default")
    postgres = connection.capabilities.dialect == "postgres"
    still_open: set[str] = set()
    for table, ended_column, ids in (
        (Session._meta.db_table, "ended_at", session_ids),
        (ApiKey._meta.db_table, "revoked_at", key_ids),
    ):
        for chunk in _chunks(ids):
            marks = ",".join(f"${n}" for n in range(1, len(chunk) + 1)) if postgres else ",".join("?" * len(chunk))
            sql = f'SELECT "id", "{ended_column}" FROM "{table}" WHERE "id" IN ({marks})'  # noqa: S608 (no input)
            _, rows = await connection.execute_query(sql, chunk)
            still_open.update(str(row[0]) for row in rows if row[1] is None)
    return still_open


async def session_expiries(session_ids: Collection[str], *, policy: SessionPolicy) -> dict[str, datetime]:
    """When each of these sessions, if not ended, times out as of its last recorded activity."""
    expiries: dict[str, datetime] = {}
    for chunk in _chunks(session_ids):
        rows = await Session.filter(id__in=chunk, ended_at=None).values_list(
            "id", "client", "last_active_at", "created_at"
        )
        expiries.update((str(i), policy.ends_at(client, active, created)) for i, client, active, created in rows)
    return expiries


def _chunks(ids: Collection[str]) -> Iterator[list[str]]:
    listed = list(ids)
    for start in range(0, len(listed), LIVENESS_CHUNK):
        yield listed[start : start + LIVENESS_CHUNK]
