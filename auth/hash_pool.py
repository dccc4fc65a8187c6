"""The hash pool: argon2 runs in worker threads, at most ``slots`` at once, shared fairly between keys."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

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
    """

    def __init__(self, slots: int, *, on_wait: Callable[[float], None] | None = None) -> None:
        self._share = FairShare(slots)
        # Told how long each hash waited for its slot, in seconds (a metric).
        self._on_wait = on_wait
        self._threads = concurrent.futures.ThreadPoolExecutor(max_workers=slots, thread_name_prefix="hash-pool")
        self._wakers: dict[Ticket, asyncio.Event] = {}

    @property
    def running(self) -> int:
        """Hashes holding a slot (their thread runs, or is about to)."""
        return self._share.running

    @property
    def waiting(self) -> int:
        """Hashes waiting for a slot."""
        return self._share.waiting

    async def run(self, charge: HashCharge, function: Callable[..., T], *args: object) -> T:
        """``function(*args)`` in a worker thread once ``charge`` gets a slot under the fair share."""
        ticket = self._share.submit(charge.keys)
        loop = asyncio.get_running_loop()
        queued_at = loop.time()
        try:
            if not ticket.granted:
                waker = self._wakers[ticket] = asyncio.Event()
                await waker.wait()
            if self._on_wait is not None:
                self._on_wait(loop.time() - queued_at)
            thread = loop.run_in_executor(self._threads, function, *args)
        except BaseException:
            self._finish(ticket)
            raise
        finally:
            self._wakers.pop(ticket, None)
        thread.add_done_callback(functools.partial(self._thread_done, ticket))
        # Shielded: cancelling the request must not cancel the future whose completion frees the slot.
        return await asyncio.shield(thread)

    def _thread_done(self, ticket: Ticket, thread: asyncio.Future[object]) -> None:
        if not thread.cancelled():
            thread.exception()  # retrieved here, so an abandoned run's error is not reported as lost
        self._finish(ticket)

    def _finish(self, ticket: Ticket) -> None:
        for granted in self._share.finish(ticket):
            self._wakers[granted].set()
