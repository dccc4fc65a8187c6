"""Process-wide event bus: one backend subscription, in-process fan-out by topic.

Each process subscribes once to one broadcaster channel (default ``"workestra"``). Every message on it is
one JSON envelope naming its topic (the format is in :mod:`workestra.bus_wire`, the only place that
encodes or decodes it); the listener routes it to the local subscribers of that topic, which receive the
published JSON object. The only topics in use are ``account:<account id>`` (``account:42``). Messages
carry ids only; receivers reload state from the database.

broadcaster's ``Broadcast`` is not used: its listener can die silently and leave subscribers waiting
(#144), concurrent first subscribes race, and its queues are unbounded. The bus drives a
``BroadcastBackend`` from one supervised task instead; a failed listener is logged, the backend rebuilt
with back-off, and every subscriber handed a :class:`BusReset` once the new subscription is confirmed.

Backends: ``memory://`` (one process), ``redis://``/``rediss://``
(:class:`workestra.redis_pubsub.RedisPubSubBackend`, whose failures surface in ``next_published``), and
``postgres://`` (broadcaster's, as-is: no reconnect guarantee, payloads up to 8000 bytes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Final

from broadcaster import BroadcastBackend

from workestra import bus_wire, metrics
from workestra.bus_subscription import BusReset, Message, Subscription, SubscriptionContext
from workestra.bus_wire import describe_failure
from workestra.redis_pubsub import CONNECT_TIMEOUT as _CONNECT_TIMEOUT
from workestra.redis_pubsub import PUBLISH_TIMEOUT as _PUBLISH_TIMEOUT
from workestra.redis_pubsub import RedisPubSubBackend

__all__ = ["BusReset", "EventBus", "EventBusUnavailable", "Message", "Subscription"]

logger = logging.getLogger("workestra.events")

_CLOSE_TIMEOUT: Final = 2.0
# /readyz must answer quickly even when Redis is black-holed.
_PING_TIMEOUT: Final = 1.0


class EventBusUnavailable(Exception):
    """Raised when the event bus cannot accept work (not connected, backend down, timed out)."""


class EventBus:
    """Process-wide publish/subscribe bus with one supervised backend listener.

    Create one per process, ``await connect()`` at startup and
    ``await disconnect()`` at shutdown.  See the module docstring for the
    delivery guarantees per backend.
    """

    def __init__(
        self,
        url: str,
        *,
        channel: str = "workestra",
        queue_size: int = 64,
        reconnect_delay: float = 0.5,
        max_reconnect_delay: float = 5.0,
    ) -> None:
        """Configure the bus; nothing is connected until :meth:`connect`.

        ``queue_size`` bounds each local subscriber's backlog; the reconnect
        delays bound the exponential backoff used after a backend failure.
        """
        scheme = bus_wire.scheme_of(url)
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        if reconnect_delay <= 0 or max_reconnect_delay < reconnect_delay:
            raise ValueError("need 0 < reconnect_delay <= max_reconnect_delay")
        self._url = url
        self._scheme = scheme
        self._channel = channel
        self._queue_size = queue_size
        self._reconnect_delay = reconnect_delay
        self._max_reconnect_delay = max_reconnect_delay
        self._subscribers: dict[str, set[Subscription]] = {}
        self._backend: BroadcastBackend | None = None
        self._listener: asyncio.Task[None] | None = None
        self._connected = False
        self._listener_alive = False

    @property
    def healthy(self) -> bool:
        """True while connected and the listener is receiving (not reconnecting)."""
        return self._connected and self._listener_alive and self._listener is not None and not self._listener.done()

    def subscriber_count(self, topic: str | None = None) -> int:
        """Number of local subscribers on ``topic``, or on all topics when None."""
        if topic is not None:
            return len(self._subscribers.get(topic, ()))
        return sum(len(subs) for subs in self._subscribers.values())

    async def connect(self) -> None:
        """Connect the backend, subscribe the channel and start the listener.

        Fails fast with :class:`EventBusUnavailable` when the backend is
        unreachable at startup; reconnection only applies once running.
        Calling it on a connected bus does nothing.
        """
        if self._connected:
            return
        try:
            backend = await self._open_backend()
        except Exception as exc:
            reason = describe_failure(exc)
            raise EventBusUnavailable(f"could not connect the event bus ({self._scheme}://): {reason}") from exc
        self._backend = backend
        self._connected = True
        self._listener_alive = True
        self._listener = asyncio.create_task(self._supervise(backend), name="workestra.events.listener")
        logger.info("event bus connected (%s://, channel %s)", self._scheme, self._channel)

    async def disconnect(self) -> None:
        """Stop the listener, close the backend and end all subscriptions.

        Idempotent, and never raises because the backend is already dead.
        """
        self._connected = False
        self._listener_alive = False
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            # asyncio.wait does not re-raise the listener's CancelledError, but
            # does propagate a cancellation aimed at *this* task.
            await asyncio.wait({listener})
            failure = None if listener.cancelled() else listener.exception()
            if failure is not None:
                logger.warning("event bus listener ended with %s", describe_failure(failure))
        backend, self._backend = self._backend, None
        if backend is not None:
            await self._close_backend(backend)
        subscribers, self._subscribers = self._subscribers, {}
        for subs in subscribers.values():
            for sub in subs:
                sub.close()
        if listener is not None or backend is not None:
            logger.info("event bus disconnected")

    async def publish(self, topic: str, message: Message) -> None:
        """Publish ``message`` (a JSON object of ids, never secrets) to subscribers of ``topic``.

        Raises :class:`EventBusUnavailable` when not connected, while the
        listener is reconnecting, or when the backend fails or does not answer
        within a couple of seconds.  Callers may log and carry on: subscribers
        receive a :class:`BusReset` after a reconnect and reload from the DB.
        """
        if not isinstance(topic, str) or not isinstance(message, dict):
            # Receivers drop envelopes of any other shape, so fail loudly at the source instead.
            raise TypeError("topic must be a str and message a dict")
        await self._publish_wire(bus_wire.encode(topic, message))

    async def publish_reset(self) -> None:
        """Tell every subscriber on every process to reload from the database (events were lost in bulk).

        Raises :class:`EventBusUnavailable` like :meth:`publish`.
        """
        await self._publish_wire(bus_wire.encode_reset())

    async def _publish_wire(self, payload: str) -> None:
        backend = self._backend
        if not self._connected or backend is None:
            raise EventBusUnavailable("event bus is not connected")
        try:
            await asyncio.wait_for(backend.publish(self._channel, payload), _PUBLISH_TIMEOUT)
        except TimeoutError as exc:
            raise EventBusUnavailable("event bus publish timed out") from exc
        except Exception as exc:
            raise EventBusUnavailable(f"event bus publish failed: {describe_failure(exc)}") from exc

    def subscribe(self, topic: str) -> contextlib.AbstractAsyncContextManager[Subscription]:
        """Return an ``async with`` context yielding a :class:`Subscription` to ``topic``.

        Entering raises :class:`EventBusUnavailable` if the bus is not
        connected; leaving (normally, by error or by cancellation) unregisters.
        """
        return SubscriptionContext(topic, self._register, self._unregister)

    async def ping(self) -> bool:
        """Readiness check: True when connected, listening and the backend answers."""
        backend = self._backend
        if not self.healthy or backend is None:
            return False
        if not isinstance(backend, RedisPubSubBackend):
            return True
        try:
            await asyncio.wait_for(backend.ping(), _PING_TIMEOUT)
        except Exception:  # noqa: BLE001 - any failure just means "not ready"
            return False
        return True

    # -- internals -----------------------------------------------------------

    def _register(self, topic: str) -> Subscription:
        if not self._connected:
            raise EventBusUnavailable("event bus is not connected")
        subscription = Subscription(topic, self._queue_size)
        self._subscribers.setdefault(topic, set()).add(subscription)
        return subscription

    def _unregister(self, subscription: Subscription) -> None:
        subs = self._subscribers.get(subscription.topic)
        if subs is not None:
            subs.discard(subscription)
            if not subs:
                del self._subscribers[subscription.topic]
        subscription.close()

    def _dispatch(self, raw: str) -> None:
        envelope = bus_wire.decode(raw)
        if envelope is None:
            # Only the size: the text may be anyone's payload.
            logger.warning("dropping malformed event bus message (%d bytes)", len(raw))
        elif isinstance(envelope, bus_wire.Reset):
            self._reset_all("remote")
        else:
            for sub in tuple(self._subscribers.get(envelope.topic, ())):
                if not sub.offer(envelope.message):
                    logger.info("subscriber on %s fell behind; its backlog was replaced by BusReset", envelope.topic)

    def _reset_all(self, reason: str = "reconnect") -> None:
        for subs in self._subscribers.values():
            for sub in tuple(subs):
                sub.offer(BusReset(reason))

    async def _open_backend(self) -> BroadcastBackend:
        backend = bus_wire.make_backend(self._url)
        try:
            await asyncio.wait_for(self._connect_and_subscribe(backend), _CONNECT_TIMEOUT)
        except BaseException:
            await self._close_backend(backend)
            raise
        return backend

    async def _connect_and_subscribe(self, backend: BroadcastBackend) -> None:
        await backend.connect()
        await backend.subscribe(self._channel)

    @staticmethod
    async def _close_backend(backend: BroadcastBackend) -> None:
        """Close a backend best-effort; a dead one must not break shutdown or reconnect."""
        try:
            await asyncio.wait_for(backend.disconnect(), _CLOSE_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - best effort by design
            logger.debug("ignoring error while closing event bus backend: %s", describe_failure(exc))

    async def _pump(self, backend: BroadcastBackend) -> None:
        while True:
            event = await backend.next_published()
            if event.channel == self._channel:
                self._dispatch(event.message)

    async def _supervise(self, backend: BroadcastBackend) -> None:
        """Run the listener forever, replacing the backend whenever it fails."""
        while True:
            try:
                await self._pump(backend)
            except Exception as exc:
                # Never die silently: that is exactly broadcaster's bug #144.
                self._listener_alive = False
                self._backend = None
                logger.warning("event bus listener failed (%s); reconnecting", describe_failure(exc))
            await self._close_backend(backend)
            backend = await self._reconnect()
            metrics.BUS_RECONNECTS.inc()
            self._backend = backend
            self._listener_alive = True
            # Only now, with the new subscription confirmed, is a reload safe:
            # anything that changes after the subscriber reloads will arrive.
            self._reset_all()

    async def _reconnect(self) -> BroadcastBackend:
        delay = self._reconnect_delay
        attempt = 0
        while True:
            await asyncio.sleep(delay)
            attempt += 1
            try:
                backend = await self._open_backend()
            except Exception as exc:
                delay = min(delay * 2, self._max_reconnect_delay)
                logger.warning(
                    "event bus reconnect attempt %d failed (%s); retrying in %.2fs",
                    attempt,
                    describe_failure(exc),
                    delay,
                )
                continue
            logger.warning("event bus reconnected after %d attempt(s)", attempt)
            return backend
