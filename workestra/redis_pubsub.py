"""Redis pub/sub backend for the event bus, built on ``redis.asyncio``, whose failures surface to its reader."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Final

import redis.asyncio as aioredis
from broadcaster import BroadcastBackend, Event
from redis.asyncio.client import PubSub
from redis.backoff import NoBackoff
from redis.retry import Retry

__all__ = ["CONNECT_TIMEOUT", "PUBLISH_TIMEOUT", "RedisPubSubBackend"]

# A publish is fire-and-forget for the caller's request; waiting longer than
# this turns a Redis outage into a pile of hung HTTP requests.
PUBLISH_TIMEOUT: Final = 2.0
# Covers backend connect + subscribe confirmation, at startup and on reconnect.
CONNECT_TIMEOUT: Final = 5.0
# Upper bound on how long one pub/sub read blocks, so the keepalive check runs.
_PUBSUB_POLL_INTERVAL: Final = 1.0
# Idle time before the pub/sub connection is probed, and how long the probe may take.
_KEEPALIVE_IDLE: Final = 5.0
_KEEPALIVE_TIMEOUT: Final = 5.0


class RedisPubSubBackend(BroadcastBackend):
    """Redis pub/sub backend whose failures surface in ``next_published()``.

    broadcaster's ``RedisBackend`` reads in a hidden task whose death leaves ``next_published`` waiting
    forever. This one reads in the caller's task, never reconnects on its own (a silent reconnect would
    lose messages unnoticed) and PINGs an idle line so a half-open connection is found within seconds.
    """

    def __init__(self, url: str) -> None:
        # BroadcastBackend.__init__ only raises NotImplementedError, so it is not called.
        self._url = url
        self._publisher: aioredis.Redis | None = None
        self._subscriber: aioredis.Redis | None = None
        self._pubsub: PubSub | None = None
        self._channel: str | None = None
        self._last_traffic = 0.0
        self._ping_sent_at: float | None = None

    async def connect(self) -> None:
        """Create the clients and check that Redis answers."""
        # One retry on the publisher lets a stale pooled connection (left over
        # from a Redis restart) be replaced transparently.
        # Named connections let an operator tell, in CLIENT LIST, which process each one belongs to.
        self._publisher = aioredis.Redis.from_url(
            self._url,
            client_name=f"workestra-publish-{os.getpid()}",
            retry=Retry(NoBackoff(), 1),
            socket_connect_timeout=PUBLISH_TIMEOUT,
            socket_timeout=PUBLISH_TIMEOUT,
            socket_keepalive=True,
        )
        # Zero retries: redis-py would otherwise reconnect and re-subscribe on
        # its own, hiding that messages were lost while the link was down.
        self._subscriber = aioredis.Redis.from_url(
            self._url,
            client_name=f"workestra-listen-{os.getpid()}",
            retry=Retry(NoBackoff(), 0),
            socket_connect_timeout=PUBLISH_TIMEOUT,
            socket_keepalive=True,
        )
        self._pubsub = self._subscriber.pubsub()
        await self._publisher.ping()

    async def disconnect(self) -> None:
        """Close the pub/sub connection and both clients."""
        pubsub, self._pubsub = self._pubsub, None
        subscriber, self._subscriber = self._subscriber, None
        publisher, self._publisher = self._publisher, None
        closers: list[Callable[[], Awaitable[None]]] = [
            resource.aclose for resource in (pubsub, subscriber, publisher) if resource is not None
        ]
        errors: list[Exception] = []
        for close in closers:
            try:
                await close()
            except Exception as exc:  # noqa: BLE001 - close the rest first, report after
                errors.append(exc)
        if errors:
            raise errors[0]

    async def subscribe(self, channel: str) -> None:
        """Subscribe and wait for the server's confirmation.

        Waiting matters: once this returns, anything published is guaranteed
        to reach us, which is what makes the post-reconnect BusReset safe.
        """
        pubsub = self._require_pubsub()
        await pubsub.subscribe(channel)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CONNECT_TIMEOUT
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError("no SUBSCRIBE confirmation from Redis")
            message = await pubsub.get_message(timeout=remaining)
            if message is not None and message["type"] == "subscribe":
                break
        self._channel = channel
        self._last_traffic = loop.time()
        self._ping_sent_at = None

    async def unsubscribe(self, channel: str) -> None:
        """Unsubscribe from ``channel``."""
        await self._require_pubsub().unsubscribe(channel)

    async def publish(self, channel: str, message: str) -> None:
        """Publish ``message`` on ``channel``."""
        if self._publisher is None:
            raise RuntimeError("redis backend is not connected")
        await self._publisher.publish(channel, message)

    async def ping(self) -> None:
        """Raise unless Redis answers PING."""
        if self._publisher is None:
            raise RuntimeError("redis backend is not connected")
        await self._publisher.ping()

    async def next_published(self) -> Event:
        """Return the next message; raise if the connection is lost or silent."""
        pubsub = self._require_pubsub()
        loop = asyncio.get_running_loop()
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=_PUBSUB_POLL_INTERVAL)
            now = loop.time()
            if message is not None:
                self._last_traffic = now
                self._ping_sent_at = None
                if message["type"] == "message":
                    channel = _to_str(message["channel"])
                    if channel == self._channel:
                        return Event(channel=channel, message=_to_str(message["data"]))
                continue
            if self._ping_sent_at is not None:
                if now - self._ping_sent_at > _KEEPALIVE_TIMEOUT:
                    raise TimeoutError("Redis pub/sub connection stopped answering PING")
            elif now - self._last_traffic > _KEEPALIVE_IDLE:
                # A half-open TCP connection never errors on read; a PING whose
                # PONG never comes is how we notice it.
                await pubsub.ping()
                self._ping_sent_at = now

    def _require_pubsub(self) -> PubSub:
        if self._pubsub is None:
            raise RuntimeError("redis backend is not connected")
        return self._pubsub


def _to_str(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
