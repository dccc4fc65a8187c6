"""The hash pool: argon2 runs in worker threads, at most ``slots`` at once, shared fairly between keys."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from auth.fair_share import FairShare, Key, Ticket
from auth.network import ip_limit_key
from auth.throttle import attempt_key

T = TypeVar("T")

# IPv6 clients get whole /64s from their provider, so one bucket per /64, as the per-IP limits count them.
_IPV6_BUCKET_PREFIX = 64


@dataclass(frozen=True)
class HashCharge:
    """Who a hash is charged to: the account or email being checked, and the client's IP bucket."""

    account: str
    ip: str

    @property
    def keys(self) -> tuple[Key, ...]:
        """The fair-share keys of this charge, one per dimension."""
        return (("account", self.account), ("ip", self.ip))


def hash_charge(email: str, ip: str | None) -> HashCharge:
    """The charge of a hash for ``email`` (as typed: it is normalised) requested from ``ip``.

    An unknown email is charged exactly as a known one, so the pool's order reveals nothing either.
    """
    return HashCharge(account=attempt_key(email), ip=ip_bucket(ip))


def ip_bucket(ip: str | None) -> str:
    """An IPv4 address alone, an IPv6 address by its /64; "unknown" when the IP is missing or unreadable."""
    return ip_limit_key(ip, _IPV6_BUCKET_PREFIX) or "unknown"


class HashPool:
    """Runs blocking hash functions in threads, at most ``slots`` at once, shared fairly between charges.

    A slot is freed when its thread is done, not when the request stops waiting for it: a request
    cancelled by its deadline cannot let more argon2 runs (and their memory) overlap than ``slots``.
    A request cancelled while it waits gives its place back at once.

    With ``niceness`` (Linux), the threads run that much below the event loop's priority, and so do the
    threads argon2 starts from them: while hashes use every core, the loop still runs as soon as it has
    work, so a flood of hashes delays no request by more than the request's own work.

    A thread that finishes a hash takes the next granted one itself, without a round trip through the
    event loop: under a flood the loop is busy, and a slot that waited for it to hand the next hash over
    would idle for as long as the loop's turn lasts.
    """

    def __init__(self, slots: int, *, on_wait: Callable[[float], None] | None = None, niceness: int = 0) -> None:
        self._share = FairShare(slots)
        # Told how long each hash waited for its slot, in seconds (a metric).
        self._on_wait = on_wait
        self._threads = concurrent.futures.ThreadPoolExecutor(
            max_workers=slots, thread_name_prefix="hash-pool", initializer=_lower_priority, initargs=(niceness,)
        )
        # The share and the jobs are changed by the loop (submit, withdraw) and by the threads (finish, take).
        self._lock = threading.Lock()
        self._jobs: dict[Ticket, _Job] = {}

    @property
    def running(self) -> int:
        """Hashes holding a slot (their thread runs, or is about to)."""
        with self._lock:
            return self._share.running

    @property
    def waiting(self) -> int:
        """Hashes waiting for a slot."""
        with self._lock:
            return self._share.waiting

    async def run(self, charge: HashCharge, function: Callable[..., T], *args: object) -> T:
        """``function(*args)`` in a worker thread once ``charge`` gets a slot under the fair share."""
        loop = asyncio.get_running_loop()
        job = _Job(function, args, loop, loop.create_future(), time.monotonic())
        with self._lock:
            ticket = self._share.submit(charge.keys)
            self._jobs[ticket] = job
            granted = ticket.granted
        if granted:
            self._start(ticket)
        try:
            return cast(T, await job.result)
        except asyncio.CancelledError:
            with self._lock:
                # Still waiting: its place goes back. Granted: its thread runs to the end and frees the slot.
                withdrawn = [] if ticket.granted else self._withdraw(ticket)
            for other in withdrawn:
                self._start(other)
            raise

    def _withdraw(self, ticket: Ticket) -> list[Ticket]:
        self._jobs.pop(ticket, None)
        return self._share.finish(ticket)

    def _start(self, ticket: Ticket) -> None:
        self._threads.submit(self._work, ticket)

    def _work(self, ticket: Ticket | None) -> None:
        """In a worker thread: run the granted job, then each one granted by the slot it frees."""
        while ticket is not None:
            with self._lock:
                job = self._jobs.pop(ticket)
            started = time.monotonic()
            try:
                outcome: tuple[object, BaseException | None] = (job.function(*job.args), None)
            except BaseException as exc:  # handed to the waiting request, whatever it is
                outcome = (None, exc)
            with self._lock:
                granted = self._share.finish(ticket)
            # The slot is free before the result is told, so whoever reads the pool after the result sees it free.
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits for the result
                job.loop.call_soon_threadsafe(self._settle, job, outcome, started - job.queued_at)
            # A finished hash frees one slot, so at most one ticket is granted; any other gets a thread.
            ticket = granted[0] if granted else None
            for other in granted[1:]:
                self._start(other)

    def _settle(self, job: _Job, outcome: tuple[object, BaseException | None], waited: float) -> None:
        if self._on_wait is not None:
            self._on_wait(waited)
        if job.result.done():  # the request was cancelled
            return
        value, error = outcome
        if error is None:
            job.result.set_result(value)
        else:
            job.result.set_exception(error)


@dataclass(eq=False)
class _Job:
    """A hash asked for: what to run, and where its result goes."""

    function: Callable[..., object]
    args: tuple[object, ...]
    loop: asyncio.AbstractEventLoop
    result: asyncio.Future[object]
    queued_at: float


def _lower_priority(niceness: int) -> None:
    """Lower the calling thread's scheduling priority by ``niceness`` (Linux: nice values are per thread)."""
    if niceness > 0 and sys.platform == "linux":
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + niceness)
