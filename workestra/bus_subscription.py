"""A local subscriber's view of the event bus: its bounded queue, and the reset marker it may receive."""

from __future__ import annotations

import asyncio
import contextlib
import types
from collections.abc import Callable, Mapping
from typing import Final

__all__ = ["BusReset", "Message", "Subscription", "SubscriptionContext"]

# What a subscriber receives: the JSON object that was published (decoded once, by the bus).
Message = Mapping[str, object]


class BusReset:
    """Marker delivered to a subscriber when events for it may have been lost.

    A subscriber that receives one must reload its state from the database.
    ``reason`` is ``"overflow"`` (the subscriber fell behind and its queue was
    dropped), ``"reconnect"`` (the bus lost its backend and re-subscribed) or ``"remote"`` (a process
    announced that it had to drop announcements in bulk; see ``EventBus.publish_reset``).
    """

    __slots__ = ("reason",)

    def __init__(self, reason: str = "reset") -> None:
        """Create a reset marker; ``reason`` is informational only."""
        self.reason = reason

    def __repr__(self) -> str:
        """Show the reason, which is what matters when debugging a resync."""
        return f"BusReset(reason={self.reason!r})"


class _Closed:
    """End-of-stream marker put into a subscriber queue when it is closed."""

    __slots__ = ()


_CLOSED: Final = _Closed()

_QueueItem = Message | BusReset | _Closed


class Subscription:
    """Async iterator over the messages of one topic for one local subscriber.

    Yields decoded messages, or :class:`BusReset` when the subscriber must
    reload from the database.  Iteration stops when the subscription's
    ``async with`` block exits or the bus is disconnected.
    """

    def __init__(self, topic: str, queue_size: int) -> None:
        """Create an unregistered subscription; use ``EventBus.subscribe``."""
        self.topic = topic
        self._queue: asyncio.Queue[_QueueItem] = asyncio.Queue(maxsize=queue_size)
        self._closed = False

    def __aiter__(self) -> Subscription:
        """Return the subscription itself; it is its own iterator."""
        return self

    async def __anext__(self) -> Message | BusReset:
        """Wait for the next message or :class:`BusReset`; stop when closed."""
        item = await self._queue.get()
        if isinstance(item, _Closed):
            # Re-arm so every later __anext__ (possibly from another task) stops too;
            # there is room because we just took an item out.
            self._queue.put_nowait(item)
            raise StopAsyncIteration
        return item

    def offer(self, item: Message | BusReset) -> bool:
        """Enqueue without ever blocking the listener; return False on overflow."""
        if self._closed:
            return True
        try:
            self._queue.put_nowait(item)
            return True
        except asyncio.QueueFull:
            # The subscriber will reload from the DB anyway, so the backlog is
            # worthless; dropping it keeps memory bounded and the listener fast.
            self._drain()
            self._queue.put_nowait(BusReset("overflow"))
            return False

    def close(self) -> None:
        """Mark closed and wake any reader with end-of-stream."""
        if self._closed:
            return
        self._closed = True
        if self._queue.full():
            self._drain()
        self._queue.put_nowait(_CLOSED)

    def _drain(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except asyncio.QueueEmpty:
                return


class SubscriptionContext(contextlib.AbstractAsyncContextManager[Subscription]):
    """``async with`` wrapper that registers a subscription and always unregisters it."""

    def __init__(
        self, topic: str, register: Callable[[str], Subscription], unregister: Callable[[Subscription], None]
    ) -> None:
        """Wrap the bus's ``register``/``unregister`` for one topic; nothing happens until entered."""
        self._topic = topic
        self._register = register
        self._unregister = unregister
        self._subscription: Subscription | None = None

    async def __aenter__(self) -> Subscription:
        """Register the subscription, without awaiting anything first."""
        if self._subscription is not None:
            raise RuntimeError("a subscription context cannot be entered twice")
        # Deliberately no await before registration: a message published right
        # after two concurrent __aenter__ calls must reach both subscribers.
        self._subscription = self._register(self._topic)
        return self._subscription

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        """Unregister, whatever ended the block."""
        # Synchronous on purpose: unregistering must also happen when the task is
        # being cancelled, and an await here could be interrupted.
        if self._subscription is not None:
            self._unregister(self._subscription)
        return None
