"""Brute-force counting in the database: claim the right to evaluate, then record the outcome.

Every password or code check goes through ``AttemptGuard``:

1. ``claim`` takes, with one conditional update, the exclusive right to evaluate an attempt for an
   email key; it is refused (``TooManyAttempts`` / ``AccountLocked``, nothing evaluated) while a delay
   or lock runs. An attempt that meets another evaluation in flight waits for it (bounded) when no
   failure is recorded, and is refused with the time that claim has left otherwise. Then one failure
   row is reserved for the IP.
2. The caller checks the secret, then calls ``failed`` or ``succeeded`` (or ``release`` when the check
   neither failed nor completed a sign-in).

A claim is a short lease (``CLAIM_LEASE_SECONDS``) that a task of the holder renews while the check
runs, so a holder that dies (killed process, lost database connection) blocks the email for at most
the lease. A failure is recorded on the counter's current row, under a row lock, even when the lease
lapsed meanwhile: a stalled holder can let a second evaluation start, never an uncounted one.

Conditional updates hold on SQLite and PostgreSQL and across processes, so concurrent requests,
several processes and aliased mutations in one request evaluate no more attempts than the rules allow.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from auth.clock import Clock
from auth.emails import normalize_email
from auth.errors import AccountLocked, TooManyAttempts
from auth.lockout import LockoutPolicy
from models import AttemptCounter, IpFailure, IpSignUp
from models.throttle import IpEvent

log = logging.getLogger("workestra.throttle")

# How long a claim survives its holder: renewed every CLAIM_RENEW_SECONDS while the check runs.
CLAIM_LEASE_SECONDS = 2
CLAIM_RENEW_SECONDS = 0.5
# The longest one evaluation holds its claim, renewals included (a check queued behind a hash flood).
EVALUATION_HOLD_SECONDS = 30
# How long an attempt waits for another evaluation of its email when no failure is recorded: two
# devices signing in at once both succeed instead of one being refused for nothing.
CLAIM_WAIT_SECONDS = 5
_CLAIM_POLL_FIRST = 0.01
_CLAIM_POLL_MAX = 0.2

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
    ip_reservation: int | None
    done: bool = False
    renewal: asyncio.Task[None] | None = None
    stop_renewing: asyncio.Event = field(default_factory=asyncio.Event)

    async def end_lease(self) -> None:
        """Stop renewing the claim, letting an in-flight renewal finish (cancelling a query mid-way
        could leave a pooled connection busy)."""
        self.done = True
        self.stop_renewing.set()
        if self.renewal is not None:
            # wait() neither raises the task's outcome nor cancels it with us.
            await asyncio.wait({self.renewal})


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


class AttemptGuard:
    """Claims and records attempts under a ``LockoutPolicy``."""

    def __init__(self, policy: LockoutPolicy, *, clock: Clock) -> None:
        self.policy = policy
        self.clock = clock

    async def claim(self, key: str, ip: str | None) -> Attempt:
        """The right to evaluate one attempt, or ``TooManyAttempts`` / ``AccountLocked`` (nothing evaluated).

        Meeting another evaluation of the same email in flight, it waits up to ``CLAIM_WAIT_SECONDS``
        when no failure is recorded (a second device of the same person), and answers the time that
        claim has left at once otherwise (a guess racing a guess is not worth waiting for).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLAIM_WAIT_SECONDS
        pause = _CLAIM_POLL_FIRST
        while True:
            now = self.clock.now()
            token = secrets.token_hex(16)
            won = await AttemptCounter.filter(
                Q(evaluating_until=None) | Q(evaluating_until__lte=now),
                Q(retry_at=None) | Q(retry_at__lte=now),
                Q(locked_until=None) | Q(locked_until__lte=now),
                key=key,
            ).update(evaluating_until=now + timedelta(seconds=CLAIM_LEASE_SECONDS), claim=token)
            if won:
                attempt = Attempt(key, token, None)
                attempt.renewal = asyncio.create_task(self._renew(attempt), name="attempt-claim-renewal")
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
            held_until = row.evaluating_until
            if held_until is not None and held_until > now:
                if self._chained_failures(row, now) or loop.time() >= deadline:
                    raise TooManyAttempts(_seconds_until(held_until, now))
                await asyncio.sleep(pause)
                pause = min(pause * 2, _CLAIM_POLL_MAX)
            elif loop.time() >= deadline:
                # The row kept changing under us (an evaluation ending as we looked): say so honestly.
                raise TooManyAttempts(1)

    async def failed(
        self, attempt: Attempt, *, on_failure: OnLock | None = None, on_lock: OnLock | None = None
    ) -> bool:
        """Record a failure; returns True when it locks.

        The count is taken from the counter as it is now, under a row lock, so the failure counts even
        if the claim's lease lapsed and another evaluation ran meanwhile. A failure that meets a lock
        already written (by that other evaluation) adds nothing: attempts during a lock do not extend it.
        ``on_failure`` (for every recorded failure) and then ``on_lock`` (for the failure that locks)
        run in the transaction that records it.
        """
        await attempt.end_lease()
        now = self.clock.now()
        async with in_transaction() as connection:
            row = await AttemptCounter.select_for_update().using_db(connection).get_or_none(key=attempt.key)
            if row is None:
                # Pruned after a lapsed lease; the failure still counts.
                row = await AttemptCounter.create(key=attempt.key, using_db=connection)
            if row.locked_until is not None and row.locked_until > now:
                if on_failure is not None:
                    await on_failure(connection)
                return False
            failures = self._chained_failures(row, now) + 1
            verdict = self.policy.after_failure(failures)
            changes: dict[str, object] = {
                "failures": failures,
                "last_failure_at": now,
                "retry_at": now + timedelta(seconds=verdict.delay_seconds) if verdict.delay_seconds else None,
                "locked_until": now + timedelta(seconds=verdict.lock_seconds) if verdict.locks else None,
            }
            if row.claim == attempt.claim:
                changes.update(evaluating_until=None, claim=None)
            await AttemptCounter.filter(key=attempt.key).using_db(connection).update(**changes)
            if on_failure is not None:
                await on_failure(connection)
            # Exactly one failure writes a given lock (the row lock orders them), so one lock mail is queued.
            if verdict.locks and on_lock is not None:
                await on_lock(connection)
        return verdict.locks

    async def succeeded(self, attempt: Attempt) -> None:
        """The secret was right: the run of failures is over, and the IP reservation is returned."""
        await attempt.end_lease()
        await AttemptCounter.filter(key=attempt.key, claim=attempt.claim).update(
            failures=0, last_failure_at=None, retry_at=None, locked_until=None, evaluating_until=None, claim=None
        )
        await self._drop_ip_reservation(attempt)

    async def release(self, attempt: Attempt) -> None:
        """Give the claim back without counting anything (e.g. a right password while 2FA is pending)."""
        if attempt.done:
            return
        await attempt.end_lease()
        await AttemptCounter.filter(key=attempt.key, claim=attempt.claim).update(evaluating_until=None, claim=None)
        await self._drop_ip_reservation(attempt)

    async def _renew(self, attempt: Attempt) -> None:
        """Keep the claim's lease alive while its holder is checking, up to ``EVALUATION_HOLD_SECONDS``."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + EVALUATION_HOLD_SECONDS
        while loop.time() < give_up:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(CLAIM_RENEW_SECONDS):
                    await attempt.stop_renewing.wait()
            if attempt.stop_renewing.is_set():
                return
            try:
                renewed = await AttemptCounter.filter(key=attempt.key, claim=attempt.claim).update(
                    evaluating_until=self.clock.now() + timedelta(seconds=CLAIM_LEASE_SECONDS)
                )
            except Exception as exc:  # noqa: BLE001 - the next renewal may reach the database again
                log.warning("attempt claim renewal failed: %s", type(exc).__name__)
                continue
            if not renewed:
                return  # the claim is no longer ours: its outcome was written, or another took it over

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
            IpFailure, ip, now, limit=self.policy.ip_failure_limit, window_seconds=self.policy.ip_window_seconds
        )

    async def _drop_ip_reservation(self, attempt: Attempt) -> None:
        if attempt.ip_reservation is not None:
            await IpFailure.filter(id=attempt.ip_reservation).delete()


async def reserve_ip_slot(
    model: type[IpEvent], ip: str | None, now: datetime, *, limit: int, window_seconds: int
) -> int | None:
    """Take one of the ``limit`` slots an IP has per sliding window, or raise ``TooManyAttempts``.

    Insert first, then rank the row among the IP's rows in the window: concurrent requests and processes
    cannot all see room for themselves (on PostgreSQL a burst may pass by the requests still in flight).
    Returns the row id, so a caller may give the slot back; None when the IP is unknown.
    """
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
    raise TooManyAttempts(_seconds_until(expires, now))


@dataclass(frozen=True)
class SignUpLimit:
    """At most ``limit`` sign-up attempts per IP in a sliding window of ``window_seconds``.

    Each attempt that would create an account costs a password hash; without this, one client could
    queue hashes faster than they are computed and starve every sign-in of the process.
    """

    limit: int
    window_seconds: int
    clock: Clock

    async def reserve(self, ip: str | None) -> None:
        """Count one sign-up attempt from ``ip``, or refuse it with ``TooManyAttempts``."""
        await reserve_ip_slot(IpSignUp, ip, self.clock.now(), limit=self.limit, window_seconds=self.window_seconds)

    async def prune(self) -> int:
        """Forget attempts older than the window (periodic sweep)."""
        cutoff = self.clock.now() - timedelta(seconds=self.window_seconds)
        return await IpSignUp.filter(occurred_at__lte=cutoff).delete()
