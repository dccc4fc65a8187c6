"""uvicorn's WebSocket protocol (websockets-sansio), holding less for the life of each socket.

One account may keep thousands of sockets open on a process, so what each one holds for hours counts more
than what it costs to open. For every socket and for as long as it is open, uvicorn keeps:

* the handshake's parsed request and the response it answered with (``websockets`` ``Headers`` and
  ``Request``/``Response`` objects, ≈ 4 KB), read only until the handshake is answered (websockets' frame
  parser keeps the request object too, so what can go is its headers, which the ASGI scope has copied);
* an ``asyncio.Queue`` of the messages the application has not received yet: four deques of 760 bytes
  each, for a queue that holds one or two messages at a time and has a single reader;
* an ``asyncio.Event`` telling whether the transport takes writes: one more deque, for a wait that happens
  only while a client reads too slowly.

``LeanWebSocketProtocol`` lets the handshake objects and headers go once the socket is accepted, queues
received messages in a list, and keeps the writable flag without a deque. Everything else (framing,
pings, back-pressure, the close) is uvicorn's.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.datastructures import Headers
from websockets.http11 import Request

if TYPE_CHECKING:
    # Type names only: the signatures of the uvicorn methods overridden here are written with them
    # (uvicorn is pinned; tests/test_ws_protocol.py runs this protocol in a real uvicorn).
    from uvicorn._types import ASGIReceiveEvent, ASGISendEvent


class _Waiters:
    """Futures of tasks waiting on one object, in arrival order; no list until one waits."""

    __slots__ = ("_waiters",)

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] | None = None

    def _park(self) -> asyncio.Future[None]:
        """A new waiter, registered last."""
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        return waiter

    def _unpark(self, waiter: asyncio.Future[None]) -> bool:
        """Forget a waiter; False when it had already been woken (and so forgotten)."""
        if self._waiters is not None and waiter in self._waiters:
            self._waiters.remove(waiter)
            return True
        return False

    def _wake_one(self) -> None:
        waiters = self._waiters
        while waiters:
            waiter = waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                return

    def _wake_all(self) -> None:
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)


class ReceiveQueue(_Waiters):
    """What uvicorn's protocol needs of its receive queue: ``put_nowait`` from the protocol's callbacks, and
    ``get`` from the application's ``receive``. Readers wait in arrival order; a cancelled reader takes nothing.
    """

    __slots__ = ("_items",)

    def __init__(self) -> None:
        super().__init__()
        self._items: list[ASGIReceiveEvent] = []

    def put_nowait(self, item: ASGIReceiveEvent) -> None:
        self._items.append(item)
        self._wake_one()

    async def get(self) -> ASGIReceiveEvent:
        while not self._items:
            waiter = self._park()
            try:
                await waiter
            except BaseException:
                if not self._unpark(waiter) and self._items:
                    # Woken, then cancelled before it could take the item: the next reader gets it.
                    self._wake_one()
                raise
        item = self._items.pop(0)
        if self._items:
            self._wake_one()
        return item

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)


class WritableFlag(_Waiters):
    """What uvicorn's protocol needs of its ``writable`` event (set while the transport takes writes):
    ``set``, ``clear``, ``is_set`` and ``wait``, with no deque until a sender has to wait."""

    __slots__ = ("_value",)

    def __init__(self) -> None:
        super().__init__()
        self._value = False

    def is_set(self) -> bool:
        return self._value

    def set(self) -> None:
        if not self._value:
            self._value = True
            self._wake_all()

    def clear(self) -> None:
        self._value = False

    async def wait(self) -> bool:
        if self._value:
            return True
        waiter = self._park()
        try:
            await waiter
        finally:
            self._unpark(waiter)
        return True


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets-sansio protocol without the handshake objects past the handshake, and with a
    list-backed receive queue (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = ReceiveQueue()  # type: ignore[assignment]
        self.writable = WritableFlag()  # type: ignore[assignment]
        self.writable.set()

    async def send(self, message: ASGISendEvent) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            # Read only to answer the handshake (uvicorn's handle_connect and the accept above).
            request: Request | None = self.__dict__.pop("request", None)
            self.__dict__.pop("response", None)
            if request is not None:
                # websockets' parser keeps the request as long as the connection; the scope has its headers.
                request.headers = Headers()
