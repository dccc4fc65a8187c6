"""The WebSocket side of the GraphQL view: graphql-transport-ws with caps on message rate, sockets per account
and operations per account."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)

from models import SessionEndReason
from schema.errors import SessionEnded, TooManySubscriptions
from workestra.app_context import AppContext
from workestra.socket_session import SocketSession

log = logging.getLogger("workestra.ws")

POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013


class SocketRefused(Exception):
    """Raised by the view's ``on_ws_connect`` to close the socket with ``code`` instead of acknowledging it."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class TransportWSHandler(BaseGraphQLTransportWSHandler[AppContext, None]):
    """graphql-transport-ws with a cap on how fast a socket may send (past it the socket is closed with
    1008), a cap on the operations one account runs on this process (past it the operation gets an
    ``error`` message with ``TOO_MANY_SUBSCRIPTIONS``), with ``SocketRefused`` from ``on_ws_connect``
    closing the socket with its own code, and, on a socket whose credential has ended, a ``SESSION_ENDED``
    error for each operation and the close, nothing else."""

    # The operation being admitted while its socket's credential is checked: told too if the check ends it.
    _arriving: str | None = None

    @property
    def socket(self) -> SocketSession:
        """The state of the socket this handler serves."""
        socket = self.context.socket
        if socket is None:
            raise TypeError("The transport handler serves WebSocket contexts only.")
        return socket

    async def handle(self) -> None:
        self.socket.operations = self
        await super().handle()

    def active_operations(self) -> list[str]:
        """The operations running on this socket, and the one being admitted."""
        arriving = [self._arriving] if self._arriving is not None else []
        return list(dict.fromkeys([*self.operations, *arriving]))

    async def tell_ended(self, operation_ids: Sequence[str], why: SessionEndReason | None) -> None:
        """Send each operation the ``SESSION_ENDED`` error, past the filter of ``send_message``."""
        error = SessionEnded(why.value if why is not None else None).formatted
        for operation_id in operation_ids:
            await self.websocket.send_json({"id": operation_id, "type": "error", "payload": [error]})

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
        if not self.socket.bucket.take():
            await self.websocket.close(code=POLICY_VIOLATION, reason="Too many messages")
            return
        await super().handle_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        socket = self.socket.live
        if socket is not None:
            self._arriving = message["id"]
            try:
                live = await self.context.services.sockets.still_live(socket)
            finally:
                self._arriving = None
            if not live:
                # An operation on a socket whose credential ended is answered by SESSION_ENDED and the close.
                await socket.end()
                return
        account_id = self.socket.account_id
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
        socket = self.socket.live
        if socket is not None and socket.ended:
            # The close is under way (or done): a `next` now would carry data the credential may no longer see.
            return
        await super().send_message(message)
