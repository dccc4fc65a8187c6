"""The WebSocket side of the GraphQL view: graphql-transport-ws with caps on message rate and sockets per account."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)

if TYPE_CHECKING:
    pass

POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013


class SocketRefused(Exception):
    """Raised by the view's ``on_ws_connect`` to close the socket with ``code`` instead of acknowledging it."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


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
    """graphql-transport-ws with a cap on how fast a socket may send (past it the socket is closed with
    1008), with ``SocketRefused`` from ``on_ws_connect`` closing the socket with its own code, and with
    nothing but the close sent on a socket whose credential has ended."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except SocketRefused as refused:
            await self.websocket.close(code=refused.code, reason=refused.reason)

    async def handle_message(self, message: Message) -> None:
        bucket = self.context.message_bucket
        if bucket is not None and not bucket.take():
            await self.websocket.close(code=POLICY_VIOLATION, reason="Too many messages")
            return
        await super().handle_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        socket = self.context.live_socket
        if socket is not None and not await self.context.services.sockets.still_live(socket):
            # An operation on a socket whose credential ended is answered by the close, not by an error.
            await socket.end()
            return
        await super().handle_subscribe(message)

    async def send_message(self, message: Message) -> None:
        socket = self.context.live_socket
        if socket is not None and socket.ended:
            # The close is under way (or done): a `next` now would carry data the credential may no longer see.
            return
        await super().send_message(message)
