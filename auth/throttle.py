"""Brute-force counting in the database: claim the right to evaluate, then record the outcome.

Every password or code check goes through ``AttemptGuard``:

1. ``claim`` takes, with one conditional update, the exclusive right to evaluate an attempt for an
   email key; it is refused (``TooManyAttempts`` / ``AccountLocked``, nothing evaluated) while a delay
   or lock runs or another evaluation is in flight. Then one failure row is reserved for the IP.
2. The caller checks the secret, then calls ``failed`` or ``succeeded`` (or ``release`` when the check
   neither failed nor completed a sign-in). Only the holder of the claim can write the outcome.

Conditional updates hold on SQLite and PostgreSQL and across processes, so concurrent requests,
several processes and aliased mutations in one request evaluate no more attempts than the rules allow.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from auth.clock import Clock
from auth.emails import normalize_email
from auth.errors import AccountLocked, IpLimitReached, TooManyAttempts
from auth.lockout import LockoutPolicy
from auth.network import ip_limit_key
from models import AttemptCounter, IpFailure, IpSignUp
from models.throttle import IpEvent

# How long a claim survives a crashed evaluation; a real one takes well under a second.
EVALUATION_HOLD_SECONDS = 30

OnLock = Callable[[object], Awaitable[None]]


def attempt_key(email: str) -> str:
    """The counter key of an email as typed: its normalised form, hashed (no raw input is stored)."""
    normalized = normalize_email(email)
    material = normalized if normalized is not None else "raw:" + email[:1024]
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Attempt:
    """The right to evaluate one attempt, held until its outcome is recorded."""

    key: str
    claim: str
    previous_failures: int
    ip_reservation: int | None
    done: bool = False


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


class AttemptGuard:
    """Claims and records attempts under a ``LockoutPolicy``."""

    def __init__(self, policy: LockoutPolicy, *, clock: Clock, on_lockout: Callable[[], None] | None = None) -> None:
        self.policy = policy
        self.clock = clock
        # Told of every lock that a failure writes (a metric); never of refused attempts.
        self.on_lockout = on_lockout
        # Claims this process won and has not closed yet, by claim token (released at shutdown).
        self._held: dict[str, Attempt] = {}

    async def claim(self, key: str, ip: str | None) -> Attempt:
        """The right to evaluate one attempt, or ``TooManyAttempts`` / ``AccountLocked`` (nothing evaluated)."""
        now = self.clock.now()
        token = secrets.token_hex(16)
        for _ in range(2):
            won = await AttemptCounter.filter(
                Q(evaluating_until=None) | Q(evaluating_until__lte=now),
                Q(retry_at=None) | Q(retry_at__lte=now),
                Q(locked_until=None) | Q(locked_until__lte=now),
                key=key,
            ).update(evaluating_until=now + timedelta(seconds=EVALUATION_HOLD_SECONDS), claim=token)
            if won:
                row = await AttemptCounter.get(key=key)
                attempt = Attempt(key, token, self._chained_failures(row, now), None)
                self._held[token] = attempt
                try:
                    attempt.ip_reservation = await self._reserve_ip(ip, now)
                except BaseException:
                    await self.release(attempt)
                    raise
                return attempt
            row = await AttemptCounter.get_or_none(key=key)
            if row is None:
                try:
                    await AttemptCounter.create(key=key)
                except IntegrityError:
                    pass  # created concurrently; claim it on the next round
                continue
            if row.locked_until is not None and row.locked_until > now:
                raise AccountLocked(_seconds_until(row.locked_until, now))
            if row.retry_at is not None and row.retry_at > now:
                raise TooManyAttempts(_seconds_until(row.retry_at, now))
            break
        # Another evaluation for this email is in flight right now.
        raise TooManyAttempts(1)

    async def failed(
        self, attempt: Attempt, *, on_failure: OnLock | None = None, on_lock: OnLock | None = None
    ) -> bool:
        """Record a failure; returns True when it locks.

        ``on_failure`` (for every recorded failure) and then ``on_lock`` (for the failure that locks)
        run in the transaction that records it.
        """
        now = self.clock.now()
        failures = attempt.previous_failures + 1
        verdict = self.policy.after_failure(failures)
        attempt.done = True
        self._held.pop(attempt.claim, None)
        async with in_transaction() as connection:
            recorded = (
                await AttemptCounter.filter(key=attempt.key, claim=attempt.claim)
                .using_db(connection)
                .update(
                    failures=failures,
                    last_failure_at=now,
                    retry_at=now + timedelta(seconds=verdict.delay_seconds) if verdict.delay_seconds else None,
                    locked_until=now + timedelta(seconds=verdict.lock_seconds) if verdict.locks else None,
                    evaluating_until=None,
                    claim=None,
                )
            )
            if recorded and on_failure is not None:
                await on_failure(connection)
            # Exactly one failure writes a given lock, so exactly one lock mail is queued.
            if recorded and verdict.locks and on_lock is not None:
                await on_lock(connection)
        if recorded and verdict.locks and self.on_lockout is not None:
            self.on_lockout()
        return bool(recorded) and verdict.locks

    async def succeeded(self, attempt: Attempt) -> None:
        """The secret was right: the run of failures is over, and the IP reservation is returned."""
        attempt.done = True
        self._held.pop(attempt.claim, None)
        await AttemptCounter.filter(key=attempt.key, claim=attempt.claim).update(
            failures=0, last_failure_at=None, retry_at=None, locked_until=None, evaluating_until=None, claim=None
        )
        await self._drop_ip_reservation(attempt)

    async def release(self, attempt: Attempt) -> None:
        """Give the claim back without counting anything (e.g. a right password while 2FA is pending)."""
        if attempt.done:
            return
        attempt.done = True
        self._held.pop(attempt.claim, None)
        await AttemptCounter.filter(key=attempt.key, claim=attempt.claim).update(evaluating_until=None, claim=None)
        await self._drop_ip_reservation(attempt)

    async def release_held(self) -> int:
        """Give back every claim this process still holds (it is stopping); returns how many.

        An attempt still evaluating here will not finish in time, and its email must not wait for the
        claim to expire on the processes that stay. Its outcome, if it comes, is no longer recorded.
        """
        held = list(self._held.values())
        for attempt in held:
            await self.release(attempt)
        return len(held)

    async def unlock(self, key: str) -> bool:
        """Clear failures, delay and lock of a key (operator command); True when there was something to clear."""
        return bool(
            await AttemptCounter.filter(key=key).update(
                failures=0, last_failure_at=None, retry_at=None, locked_until=None, evaluating_until=None, claim=None
            )
        )

    async def prune(self) -> int:
        """Forget IP failures older than the window and counters that no longer matter (periodic sweep)."""
        now = self.clock.now()
        cutoff = now - timedelta(seconds=self.policy.ip_window_seconds)
        pruned = await IpFailure.filter(occurred_at__lte=cutoff).delete()
        # A counter whose failures no longer chain, with no lock or evaluation running, is the same
        # as no counter: drop it, so guessing at many addresses cannot grow the table forever.
        stale = now - timedelta(seconds=self.policy.chain_window_seconds)
        pruned += await AttemptCounter.filter(
            Q(last_failure_at=None) | Q(last_failure_at__lt=stale),
            Q(locked_until=None) | Q(locked_until__lte=now),
            Q(evaluating_until=None) | Q(evaluating_until__lte=now),
        ).delete()
        return pruned

    def _chained_failures(self, row: AttemptCounter, now: datetime) -> int:
        if row.locked_until is not None and row.locked_until <= now:
            return 0  # the end of a lock resets the count
        if row.last_failure_at is None:
            return 0
        if now - row.last_failure_at > timedelta(seconds=self.policy.chain_window_seconds):
            return 0
        return row.failures

    async def _reserve_ip(self, ip: str | None, now: datetime) -> int | None:
        return await reserve_ip_slot(
            IpFailure,
            ip,
            now,
            limit=self.policy.ip_failure_limit,
            window_seconds=self.policy.ip_window_seconds,
            ipv6_prefix=self.policy.ipv6_limit_prefix,
        )

    async def _drop_ip_reservation(self, attempt: Attempt) -> None:
        if attempt.ip_reservation is not None:
            await IpFailure.filter(id=attempt.ip_reservation).delete()


async def reserve_ip_slot(
    model: type[IpEvent], ip: str | None, now: datetime, *, limit: int, window_seconds: int, ipv6_prefix: int = 64
) -> int | None:
    """Take one of the ``limit`` slots an IP has per sliding window, or raise ``IpLimitReached``.

    An IPv6 address counts by its ``/ipv6_prefix`` network (``ip_limit_key``). Insert first, then rank
    the row among the IP's rows in the window: concurrent requests and processes cannot all see room
    for themselves (on PostgreSQL a burst may pass by the requests still in flight).
    Returns the row id, so a caller may give the slot back; None when the IP is unknown.
    """
    ip = ip_limit_key(ip, ipv6_prefix)
    if ip is None:
        return None
    window_start = now - timedelta(seconds=window_seconds)
    reservation = await model.create(ip=ip, occurred_at=now)
    rank = await model.filter(ip=ip, occurred_at__gt=window_start, id__lte=reservation.id).count()
    if rank <= limit:
        return reservation.id
    await model.filter(id=reservation.id).delete()
    oldest = await model.filter(ip=ip, occurred_at__gt=window_start).order_by("occurred_at").first()
    expires = (oldest.occurred_at if oldest else now) + timedelta(seconds=window_seconds)
    raise IpLimitReached(_seconds_until(expires, now))


@dataclass(frozen=True)
class SignUpLimit:
    """At most ``limit`` sign-up attempts per IP in a sliding window of ``window_seconds``.

    Each attempt that would create an account costs a password hash; without this, one client could
    queue hashes faster than they are computed and starve every sign-in of the process.
    """

    limit: int
    window_seconds: int
    clock: Clock
    ipv6_prefix: int = 64

    async def reserve(self, ip: str | None) -> None:
        """Count one sign-up attempt from ``ip``, or refuse it with ``TooManyAttempts``."""
        await reserve_ip_slot(
            IpSignUp,
            ip,
            self.clock.now(),
            limit=self.limit,
            window_seconds=self.window_seconds,
            ipv6_prefix=self.ipv6_prefix,
        )

    async def prune(self) -> int:
        """Forget attempts older than the window (periodic sweep)."""
        cutoff = self.clock.now() - timedelta(seconds=self.window_seconds)
        return await IpSignUp.filter(occurred_at__lte=cutoff).delete()
