"""The WebSocket side of the GraphQL view: graphql-transport-ws with caps on message rate, sockets per account
and operations per account."""

from __future__ import annotations

import collections
import logging
import time

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)

from schema.errors import TooManySubscriptions
from workestra.context import Context

log = logging.getLogger("workestra.ws")

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


class AccountSubscriptions:
    """Operations in flight on each account's sockets in this process, at most ``limit`` per account.

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


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with a cap on how fast a socket may send (past it the socket is closed with
    1008), a cap on the operations one account runs on this process (past it the operation gets an
    ``error`` message with ``TOO_MANY_SUBSCRIPTIONS``), with ``SocketRefused`` from ``on_ws_connect``
    closing the socket with its own code, and with nothing but the close sent on a socket whose
    credential has ended."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except SocketRefused as refused:
            await self.websocket.close(code=refused.code, reason=refused.reason)

    async def handle_invalid_message(self, error_message: str) -> None:
        # One line per refused socket; strawberry's text may quote what the client sent, so it stays out.
        log.info("socket closed code=4400 reason=invalid-message")
        await super().handle_invalid_message(error_message)

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
        account_id = self.context.socket_account_id
        cap = self.max_subscriptions_per_connection
        admitted_by_socket = (
            self.connection_acknowledged
            and message["id"] not in self.operations
            and (cap is None or len(self.operations) < cap)
        )
        if account_id is None or not admitted_by_socket:
            # Strawberry refuses it (or, before the ack, there is no account yet to count against).
            await super().handle_subscribe(message)
            return
        places = self.context.services.subscriptions
        if not places.claim(account_id):
            error = TooManySubscriptions()
            await self.send_message({"id": message["id"], "type": "error", "payload": [error.formatted]})
            return
        try:
            await super().handle_subscribe(message)
        finally:
            operation = self.operations.get(message["id"])
            if operation is not None and operation.task is not None:
                # However the operation ends (complete, error, the socket closing), its task ends.
                operation.task.add_done_callback(lambda _task: places.release(account_id))
            else:
                places.release(account_id)

    async def send_message(self, message: Message) -> None:
        socket = self.context.live_socket
        if socket is not None and socket.ended:
            # The close is under way (or done): a `next` now would carry data the credential may no longer see.
            return
        await super().send_message(message)
