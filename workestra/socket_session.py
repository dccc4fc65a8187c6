"""What one WebSocket holds on this process, and the per-account quotas its sockets and operations count against.

A socket starts with a send budget (``MessageBucket``). Once acknowledged it is bound to the credential it
was opened with (``SocketSession.bind``): it takes a place among its account's sockets, and is held by
``LiveSockets`` so that it is closed within a second of that credential's end. ``SocketSession.release``
gives both back when the socket is gone.
"""

from __future__ import annotations

import collections
import time
from datetime import datetime

from workestra import metrics
from workestra.sockets import Closable, LiveSocket, LiveSockets, SocketOperations


class MessageBucket:
    """A token bucket: ``burst`` messages at once, refilled at ``rate`` per second."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = time.monotonic()

    def take(self) -> bool:
        """Spend one message; False when the budget is spent."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class AccountQuota:
    """Places per account on this process, at most ``limit`` each: for its sockets, or for the operations on them.

    Every subscription costs its account's events work on this process, so one account opening sockets
    up to their own caps (sockets per account × operations per socket) must not make each of its events
    cost seconds of event-loop time.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._held: collections.Counter[int] = collections.Counter()

    def claim(self, account_id: int) -> bool:
        """Take one place for the account; False when it holds ``limit`` already."""
        if self._held[account_id] >= self.limit:
            return False
        self._held[account_id] += 1
        return True

    def release(self, account_id: int) -> None:
        """Give back a place taken by ``claim``."""
        self._held[account_id] -= 1
        if self._held[account_id] <= 0:
            del self._held[account_id]


class SocketSession:
    """One WebSocket's state: its send budget and, once acknowledged, its credential and account."""

    def __init__(
        self, websocket: Closable, *, bucket: MessageBucket, places: AccountQuota, sockets: LiveSockets
    ) -> None:
        self.websocket = websocket
        self.bucket = bucket
        self._places = places
        self._sockets = sockets
        # The acknowledged socket and its credential, checked against the database (workestra.sockets).
        self.live: LiveSocket | None = None
        # The operations to tell when the socket ends (the transport handler, once it runs).
        self.operations: SocketOperations | None = None
        self._released = False

    @property
    def account_id(self) -> int | None:
        """The account whose operations this socket counts against; None before the acknowledgement."""
        return self.live.account_id if self.live is not None else None

    def serves(self, credential_id: str) -> bool:
        """Whether an operation authenticated as ``credential_id`` may run here: once bound, only that credential."""
        return self.live is None or self.live.credential_id == credential_id

    def bind(self, account_id: int, credential_id: str, *, is_api_key: bool, ends_at: datetime | None) -> bool:
        """Bind the socket to its credential; False (and nothing held) when the account has all its sockets."""
        if self.live is not None or self._released:
            raise RuntimeError("A socket is bound once, while it is open.")
        if not self._places.claim(account_id):
            return False
        metrics.SOCKETS.inc()
        self.live = LiveSocket(
            self.websocket,
            account_id,
            credential_id,
            is_api_key=is_api_key,
            ends_at=ends_at,
            operations=self.operations,
        )
        # From here on the socket is closed within a second of its credential's end.
        self._sockets.add(self.live)
        return True

    def release(self) -> None:
        """Give back what the socket holds (it has gone); safe to call more than once."""
        if self._released:
            return
        self._released = True
        if self.live is not None:
            metrics.SOCKETS.dec()
            self._places.release(self.live.account_id)
            self._sockets.discard(self.live)
