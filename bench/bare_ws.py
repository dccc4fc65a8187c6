"""B2 baseline: the cheapest fan-out Starlette can do, with the client protocol B2 speaks to the real app.

A WebSocket endpoint at ``/graphql`` speaking just enough graphql-transport-ws for the benchmark client:
``connection_init`` → ``connection_ack``; ``subscribe`` → the captured payload once (as the real app sends
the current list). ``POST /trigger`` answers at once and, in a task, sends every subscribed socket the
same payload (a ``next`` message captured from the real app, read from ``BARE_WS_PAYLOAD_FILE``) through
one ``asyncio.gather``. No GraphQL, no database, no per-socket serialisation.

Run (uvicorn factory):  BARE_WS_PAYLOAD_FILE=/tmp/next.json \\
    python -m uvicorn bench.bare_ws:create_app --factory --loop asyncio
"""

from __future__ import annotations

import asyncio
import json
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

PROTOCOL = "graphql-transport-ws"


def create_app() -> Starlette:
    with open(os.environ["BARE_WS_PAYLOAD_FILE"], encoding="utf-8") as f:
        payload = f.read()
    subscribed: set[WebSocket] = set()
    fanouts: set[asyncio.Task[None]] = set()

    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept(subprotocol=PROTOCOL)
        try:
            while True:
                message = json.loads(await websocket.receive_text())
                kind = message.get("type")
                if kind == "connection_init":
                    await websocket.send_text('{"type":"connection_ack"}')
                elif kind == "subscribe":
                    subscribed.add(websocket)
                    await websocket.send_text(payload)
                elif kind == "ping":
                    await websocket.send_text('{"type":"pong"}')
                elif kind == "complete":
                    subscribed.discard(websocket)
        except WebSocketDisconnect:
            pass
        finally:
            subscribed.discard(websocket)

    async def fanout() -> None:
        await asyncio.gather(*(ws.send_text(payload) for ws in list(subscribed)), return_exceptions=True)

    async def trigger(request: Request) -> Response:
        await request.body()
        task = asyncio.create_task(fanout())
        fanouts.add(task)
        task.add_done_callback(fanouts.discard)
        return JSONResponse({"data": {"sockets": len(subscribed)}})

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "sockets": len(subscribed)})

    return Starlette(
        routes=[
            WebSocketRoute("/graphql", endpoint),
            Route("/trigger", trigger, methods=["POST"]),
            Route("/healthz", healthz),
        ]
    )
