"""The server's WebSocket protocol (workestra/ws_protocol.py): uvicorn's websockets-sansio protocol that lets
the handshake go once a socket is accepted and queues received messages in a list with one waiter.

A real uvicorn (in this test's loop, on a free port) serves a small ASGI app with it; a ``websockets``
client talks to it like any client."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import socket
import weakref
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from workestra.ws_protocol import LeanWebSocketProtocol, ReceiveQueue, WritableFlag


async def echo_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Accepts with the offered subprotocol and the request's path echoed in a header, then answers every
    text message with what it received; ``close`` closes with 4403."""
    assert scope["type"] == "websocket"
    assert (await receive())["type"] == "websocket.connect"
    await send(
        {
            "type": "websocket.accept",
            "subprotocol": scope["subprotocols"][0] if scope["subprotocols"] else None,
            "headers": [(b"x-path", scope["path"].encode())],
        }
    )
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        if text == "close":
            await send({"type": "websocket.close", "code": 4403, "reason": "Session ended"})
            return
        await send({"type": "websocket.send", "text": json.dumps({"echo": text})})


class Served:
    def __init__(self, server: uvicorn.Server, port: int) -> None:
        self.server = server
        self.url = f"ws://127.0.0.1:{port}/graphql"

    def protocols(self) -> list[LeanWebSocketProtocol]:
        return [c for c in self.server.server_state.connections if isinstance(c, LeanWebSocketProtocol)]


def _field(event: Mapping[str, Any], name: str) -> Any:
    return event[name]


def _text(event: Mapping[str, Any]) -> Any:
    return _field(event, "text")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def serving() -> AsyncIterator[Served]:
    port = _free_port()
    config = uvicorn.Config(
        echo_app, host="127.0.0.1", port=port, ws=LeanWebSocketProtocol, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.01)
        yield Served(server, port)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def test_a_socket_is_served_and_holds_no_handshake_once_accepted() -> None:
    async with serving() as served, connect(served.url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "graphql-transport-ws"
        assert ws.response is not None and ws.response.headers["x-path"] == "/graphql"
        for text in ("one", "two", "three"):
            await ws.send(text)
        assert [json.loads(await ws.recv())["echo"] for _ in range(3)] == ["one", "two", "three"]
        (protocol,) = served.protocols()
        assert protocol.handshake_complete
        assert not hasattr(protocol, "request") and not hasattr(protocol, "response")
        gc.collect()
        # websockets' parser still holds the server's request object, but not its headers.
        served_requests = [o for o in gc.get_objects() if isinstance(o, Request) and o is not ws.request]
        assert len(served_requests) == 1 and not list(served_requests[0].headers.raw_items())
        assert not [o for o in gc.get_objects() if isinstance(o, Response) and o is not ws.response]


async def test_the_close_code_and_reason_reach_the_client() -> None:
    async with serving() as served, connect(served.url) as ws:
        await ws.send("close")
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == 4403 and ws.close_reason == "Session ended"


async def test_a_client_that_goes_away_ends_the_application_with_a_disconnect() -> None:
    async with serving() as served:
        async with connect(served.url) as ws:
            await ws.send("hello")
            await ws.recv()
            (protocol,) = served.protocols()
            held = weakref.ref(protocol)
        del protocol
        async with asyncio.timeout(5):
            while served.protocols():
                await asyncio.sleep(0.01)
        gc.collect()
        assert held() is None


async def test_the_receive_queue_hands_items_in_order_to_readers_in_order() -> None:
    queue = ReceiveQueue()
    first = asyncio.ensure_future(queue.get())
    second = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    assert queue.empty()
    queue.put_nowait({"type": "websocket.receive", "text": "a"})
    queue.put_nowait({"type": "websocket.receive", "text": "b"})
    assert queue.qsize() == 2
    assert _text(await first) == "a"
    assert _text(await second) == "b"
    assert queue.empty()
    queue.put_nowait({"type": "websocket.disconnect", "code": 1000})
    assert _field(await queue.get(), "type") == "websocket.disconnect"


async def test_a_cancelled_reader_takes_nothing_and_the_next_reader_gets_the_item() -> None:
    queue = ReceiveQueue()
    cancelled = asyncio.ensure_future(queue.get())
    waiting = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    # Woken by the item, then cancelled before it runs: the item stays for the other reader.
    queue.put_nowait({"type": "websocket.receive", "text": "kept"})
    cancelled.cancel()
    assert _text(await asyncio.wait_for(waiting, 5)) == "kept"
    assert cancelled.cancelled()
    # A reader cancelled while nothing had arrived leaves no waiter behind to swallow a wake-up.
    gone = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    gone.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await gone
    queue.put_nowait({"type": "websocket.receive", "text": "next"})
    assert _text(await asyncio.wait_for(queue.get(), 5)) == "next"


async def test_the_writable_flag_wakes_every_waiting_sender_and_forgets_a_cancelled_one() -> None:
    flag = WritableFlag()
    assert not flag.is_set()
    senders = [asyncio.ensure_future(flag.wait()) for _ in range(3)]
    gone = asyncio.ensure_future(flag.wait())
    await asyncio.sleep(0)
    gone.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await gone
    assert not any(sender.done() for sender in senders)
    flag.set()
    assert await asyncio.wait_for(asyncio.gather(*senders), 5) == [True, True, True]
    assert await flag.wait()
    flag.clear()
    late = asyncio.ensure_future(flag.wait())
    await asyncio.sleep(0)
    assert not late.done()
    flag.set()
    assert await asyncio.wait_for(late, 5)
