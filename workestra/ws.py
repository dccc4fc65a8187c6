"""The WebSocket side of the GraphQL view: graphql-transport-ws with a cap on how fast a socket may send."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message

if TYPE_CHECKING:
    from workestra.context import Context

POLICY_VIOLATION = 1008


class MessageBucket:
    """A token bucket: ``burst`` messages at once, refilled at ``rate`` per second."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class TransportWSHandler(BaseGraphQLTransportWSHandler["Context", None]):
    """graphql-transport-ws with a cap on how fast a socket may send: past it the socket is closed (1008)."""

    async def handle_message(self, message: Message) -> None:
        bucket = self.context.message_bucket
        if bucket is not None and not bucket.take():
            await self.websocket.close(code=POLICY_VIOLATION, reason="Too many messages")
            return
        await super().handle_message(message)
