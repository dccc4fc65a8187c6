"""Brute-force counting in the database: claim the right to evaluate, then record the outcome.

Every password or code check goes through ``AttemptGuard``:

1. ``claim`` takes, with one conditional update, the exclusive right to evaluate an attempt for an
   email key; it is refused (``TooManyAttempts`` / ``AccountLocked``, nothing evaluated) while a delay
   or lock runs. An attempt that meets another evaluation in flight waits for it (bounded) when no
   failure is recorded, and is refused with the time that claim has left otherwise. Then one failure
   row is reserved for the IP.
2. The caller checks the secret inside ``async with guard.attempt(key, ip) as attempt:``, then records
   ``attempt.failed(using_db=…)`` (in the transaction that also audits the failure and queues its mail)
   or ``attempt.succeeded()`` (alone, or ``using_db=…`` in the transaction that opens the session, so a
   sign-in commits its outcome and its session at once). An attempt left without an outcome (the check
   neither failed nor completed a sign-in, or raised, which rolls back a success recorded in a
   transaction) is released when the block ends.

A claim is a short lease (``CLAIM_LEASE_SECONDS``) that the holder's process renews while the check
runs (one statement per tick for all its claims), so a holder that dies (killed process, lost
database connection) blocks the email for at most the lease. A failure is recorded on the counter's
current row, under a row lock, even when the lease lapsed meanwhile: a stalled holder can let a second
evaluation start, never an uncounted one.

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
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from auth.batches import delete_oldest
from auth.clock import Clock
from auth.emails import normalize_email
from auth.errors import AccountLocked, IpLimitReached, TooManyAttempts
from auth.lockout import LockoutPolicy, Verdict
from auth.network import ip_limit_key
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
# Claims renewed by one statement (bounded, so the statement's parameters stay few).
_RENEW_BATCH = 500
# A counter with nothing against it (no failures, delay, lock or evaluation in flight): after a success or an unlock.
_CLEARED_COUNTER: MappingProxyType[str, object] = MappingProxyType(
    {
        "failures": 0,
        "last_failure_at": None,
        "retry_at": None,
        "locked_until": None,
        "evaluating_until": None,
        "claim": None,
    }
)


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
    guard: AttemptGuard = field(repr=False)
    # The event loop's time when the claim was won: renewals stop EVALUATION_HOLD_SECONDS later.
    claimed_at: float = 0.0
    done: bool = False
    # A success written in a caller's transaction inside the block: final once the block ends normally.
    success_written: bool = False
    # Set by the failure that wrote a lock: the lockout metric is told once the attempt ends.
    locked: bool = False

    async def failed(self, *, using_db: BaseDBAsyncClient) -> Verdict:
        """Record a failure in the caller's transaction (which audits it and queues its mail); its verdict.

        A failure that met a lock already written by another evaluation imposes nothing new
        (``Verdict()``): attempts during a lock do not extend it, and its mail went out once.
        """
        verdict = await self.guard.record_failure(self, using_db=using_db)
        self.locked = verdict.locks
        return verdict

    async def succeeded(self, *, using_db: BaseDBAsyncClient | None = None) -> None:
        """The secret was right: the run of failures on this counter is over.

        With ``using_db``, written in that transaction, which must end inside the ``attempt`` block: the
        claim stays held until the block ends, and an exception out of it releases the attempt.
        """
        await self.guard.succeeded(self, using_db=using_db)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


class AttemptGuard:
    """Claims and records attempts under a ``LockoutPolicy``."""

    def __init__(self, policy: LockoutPolicy, *, clock: Clock, on_lockout: Callable[[], None] | None = None) -> None:
        self.policy = policy
        self.clock = clock
        # Told of every lock that a failure writes (a metric); never of refused attempts.
        self.on_lockout = on_lockout
        # Claims this process won and has not closed yet, by claim token: renewed together, released at shutdown.
        self._held: dict[str, Attempt] = {}
        self._renewer: asyncio.Task[None] | None = None

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
            lease = now + timedelta(seconds=CLAIM_LEASE_SECONDS)
            won = await AttemptCounter.filter(
                Q(evaluating_until=None) | Q(evaluating_until__lte=now),
                Q(retry_at=None) | Q(retry_at__lte=now),
                Q(locked_until=None) | Q(locked_until__lte=now),
                key=key,
            ).update(evaluating_until=lease, claim=token)
            if won:
                return await self._claimed(key, token, ip, now)
            row = await AttemptCounter.get_or_none(key=key)
            if row is None:
                # No counter: no failure, delay or lock to respect. Creating it claimed is winning the claim;
                # the key is unique, so of concurrent creators exactly one wins and the others look again.
                try:
                    await AttemptCounter.create(key=key, evaluating_until=lease, claim=token)
                except IntegrityError:
                    continue
                return await self._claimed(key, token, ip, now)
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

    async def _claimed(self, key: str, token: str, ip: str | None, now: datetime) -> Attempt:
        """The attempt of a claim just won, once its IP has a slot (the claim is given back if not)."""
        attempt = Attempt(key, token, None, self, claimed_at=asyncio.get_running_loop().time())
        self._hold(attempt)
        try:
            attempt.ip_reservation = await self._reserve_ip(ip, now)
        except BaseException:
            await self.release(attempt)
            raise
        return attempt

    @contextlib.asynccontextmanager
    async def attempt(self, key: str, ip: str | None) -> AsyncIterator[Attempt]:
        """Claim an attempt for the block (see ``claim``); released at its end unless an outcome was recorded."""
        attempt = await self.claim(key, ip)
        try:
            yield attempt
            if attempt.success_written:
                self._let_go(attempt)  # its transaction committed inside the block
        finally:
            if not attempt.done:
                await self.release(attempt)
            elif attempt.locked and self.on_lockout is not None:
                self.on_lockout()

    async def failed(self, attempt: Attempt) -> bool:
        """Record a failure with nothing else in its transaction (an operator's or a test's); True when it locks."""
        async with in_transaction() as connection:
            locks = (await self.record_failure(attempt, using_db=connection)).locks
        if locks and self.on_lockout is not None:
            self.on_lockout()
        return locks

    async def record_failure(self, attempt: Attempt, *, using_db: BaseDBAsyncClient) -> Verdict:
        """Count a failure on the attempt's counter in ``using_db``'s transaction; the verdict it imposes.

        The count is taken from the counter as it is now, under a row lock, so the failure counts even
        if the claim's lease lapsed and another evaluation ran meanwhile. A failure that meets a lock
        already written (by that other evaluation) adds nothing: attempts during a lock do not extend it.
        Exactly one failure writes a given lock (the row lock orders them), so one lock mail is queued.
        """
        self._let_go(attempt)
        now = self.clock.now()
        row = await AttemptCounter.select_for_update().using_db(using_db).get_or_none(key=attempt.key)
        if row is None:
            # Pruned after a lapsed lease; the failure still counts.
            row = await AttemptCounter.create(key=attempt.key, using_db=using_db)
        if row.locked_until is not None and row.locked_until > now:
            return Verdict()
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
        await AttemptCounter.filter(key=attempt.key).using_db(using_db).update(**changes)
        return verdict

    async def succeeded(self, attempt: Attempt, *, using_db: BaseDBAsyncClient | None = None) -> None:
        """The secret was right: the run of failures is over, and the IP reservation is returned.

        In a caller's transaction (``using_db``) the attempt is let go only when its block ends normally
        (``attempt``): until the commit, the claim is still the only thing keeping other evaluations out.
        """
        if using_db is None:
            self._let_go(attempt)
        else:
            attempt.success_written = True
        await AttemptCounter.filter(key=attempt.key, claim=attempt.claim).using_db(using_db).update(**_CLEARED_COUNTER)
        await self._drop_ip_reservation(attempt, using_db=using_db)

    async def release(self, attempt: Attempt) -> None:
        """Give the claim back without counting anything (e.g. a right password while 2FA is pending)."""
        if attempt.done:
            return
        self._let_go(attempt)
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

    async def close(self) -> None:
        """Stop renewing (the process is stopping; ``release_held`` gave the claims back first)."""
        renewer, self._renewer = self._renewer, None
        if renewer is not None:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer

    def _hold(self, attempt: Attempt) -> None:
        self._held[attempt.claim] = attempt
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.create_task(self._renew_held(), name="attempt-claim-renewal")

    def _let_go(self, attempt: Attempt) -> None:
        attempt.done = True
        self._held.pop(attempt.claim, None)

    async def _renew_held(self) -> None:
        """Keep alive the leases of every claim this process holds, each up to ``EVALUATION_HOLD_SECONDS``.

        One task and one conditional update per tick for all of them: a sign-in queued behind a busy hash
        pool costs no write of its own, so a flood does not turn into a flood of renewals.
        """
        loop = asyncio.get_running_loop()
        while self._held:
            await asyncio.sleep(CLAIM_RENEW_SECONDS)
            now = loop.time()
            live = [a for a in self._held.values() if now - a.claimed_at < EVALUATION_HOLD_SECONDS]
            until = self.clock.now() + timedelta(seconds=CLAIM_LEASE_SECONDS)
            for start in range(0, len(live), _RENEW_BATCH):
                batch = live[start : start + _RENEW_BATCH]
                try:
                    # The key is the indexed column; the claim token makes the row still ours.
                    await AttemptCounter.filter(
                        key__in=[a.key for a in batch], claim__in=[a.claim for a in batch]
                    ).update(evaluating_until=until)
                except Exception as exc:  # noqa: BLE001 - the next tick may reach the database again
                    log.warning("attempt claim renewal failed: %s", type(exc).__name__)

    async def unlock(self, key: str) -> bool:
        """Clear failures, delay and lock of a key (operator command); True when there was something to clear."""
        return bool(await AttemptCounter.filter(key=key).update(**_CLEARED_COUNTER))

    async def prune(self) -> int:
        """Forget IP failures older than the window and counters that no longer matter (periodic sweep)."""
        now = self.clock.now()
        cutoff = now - timedelta(seconds=self.policy.ip_window_seconds)
        pruned = await delete_oldest(IpFailure.filter(occurred_at__lte=cutoff), order_by="occurred_at")
        # A counter whose failures no longer chain, with no lock or evaluation running, is the same
        # as no counter: drop it, so guessing at many addresses cannot grow the table forever.
        stale = now - timedelta(seconds=self.policy.chain_window_seconds)
        idle = (Q(locked_until=None) | Q(locked_until__lte=now)) & (
            Q(evaluating_until=None) | Q(evaluating_until__lte=now)
        )
        # Each read is one range of the last_failure_at index; the rest of the rule is checked on the delete.
        for unchained in (Q(last_failure_at=None), Q(last_failure_at__lt=stale)):
            pruned += await delete_oldest(
                AttemptCounter.filter(unchained), order_by="last_failure_at", key="key", recheck=unchained & idle
            )
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

    async def _drop_ip_reservation(self, attempt: Attempt, *, using_db: BaseDBAsyncClient | None = None) -> None:
        if attempt.ip_reservation is not None:
            await IpFailure.filter(id=attempt.ip_reservation).using_db(using_db).delete()


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
        return await delete_oldest(IpSignUp.filter(occurred_at__lte=cutoff), order_by="occurred_at")
