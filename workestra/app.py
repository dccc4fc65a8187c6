"""The Starlette application: GraphQL over HTTP and WebSocket, health checks, lifespan."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET
from tortoise.connection import get_connection
from tortoise.contrib.starlette import RegisterTortoise

from auth.api_keys import credential_is_live
from auth.clock import Clock
from schema.root import build_schema
from schema.sharing import encoded_next
from workestra.context import Context
from workestra.db import ensure_sqlite_directory, tortoise_config
from workestra.http import RequestGuard
from workestra.services import Services
from workestra.settings import Settings
from workestra.web import graphiql_page, page_routes
from workestra.ws import TRY_AGAIN_LATER, MessageBucket, SocketRefused, TransportWSHandler

log = logging.getLogger("workestra.app")

SESSION_ENDED = 4403
_WATCHER_KEY = "workestra.session_watcher"
_COUNTED_KEY = "workestra.counted_account"


class GraphQLView(GraphQL):
    """Strawberry's ASGI view bound to this process's services."""

    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(self, services: Services) -> None:
        settings = services.settings
        super().__init__(
            build_schema(
                max_depth=settings.max_query_depth,
                max_aliases=settings.max_aliases,
                max_tokens=settings.max_tokens,
                production=settings.production,
            ),
            graphql_ide=None if settings.production else "graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=settings.connection_init_timeout),
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
            allowed_origins=settings.browser_origins,
        )
        self.services = services
        # Live sockets per account on this process (MAX_SOCKETS_PER_ACCOUNT).
        self._sockets: collections.Counter[int] = collections.Counter()

    def parse_json(self, data: str | bytes) -> object:
        # Strawberry assumes a JSON object (or a batch list) and fails with a 500 on `null` or `"x"`.
        value = super().parse_json(data)
        if not isinstance(value, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return value

    async def run(
        self, request: Request | WebSocket, context: object = UNSET, root_value: object = UNSET
    ) -> Response | WebSocket:
        try:
            return await super().run(request, context, root_value)
        except HTTPException as exc:
            # A mutation sent with GET: the method is what is wrong, so say 405, not 400.
            refused = exc.__cause__
            if (
                isinstance(refused, InvalidOperationTypeError)
                and refused.operation_type is OperationType.MUTATION
                and request.scope.get("method") == "GET"
            ):
                return PlainTextResponse(
                    f"{exc.reason[:1].upper()}{exc.reason[1:]}; use POST.", status_code=405, headers={"Allow": "POST"}
                )
            raise

    async def render_graphql_ide(self, request: Request) -> Response:
        # Our own build of GraphiQL instead of Strawberry's page, which loads its scripts from a CDN.
        return graphiql_page(Path(self.services.settings.web_dist), request)

    def encode_json(self, data: object) -> str | bytes:
        # A `next` carrying a shared subscription result reuses that result's JSON (schema.sharing).
        return encoded_next(data, super().encode_json) or super().encode_json(data)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        context = Context(self.services, request, response if isinstance(response, Response) else None)
        if isinstance(request, WebSocket):
            settings = self.services.settings
            context.message_bucket = MessageBucket(settings.ws_messages_per_second, settings.ws_message_burst)
        return context

    async def on_ws_connect(self, context: Context) -> None:
        viewer = await context.viewer()
        if viewer is None:
            raise ConnectionRejectionError({"message": "Sign in to open a live connection."})
        if self._sockets[viewer.account_id] >= self.services.settings.max_sockets_per_account:
            raise SocketRefused(TRY_AGAIN_LATER, "Too many live connections for this account")
        self._sockets[viewer.account_id] += 1
        websocket = context.request
        websocket.scope[_COUNTED_KEY] = viewer.account_id
        context.socket_session_id = viewer.credential_id
        websocket.scope[_WATCHER_KEY] = asyncio.create_task(
            _close_when_session_ends(websocket, self.services, viewer.account_id, context.socket_session_id)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            account_id = scope.get(_COUNTED_KEY)
            if account_id is not None:
                self._sockets[account_id] -= 1
                if self._sockets[account_id] <= 0:
                    del self._sockets[account_id]
            watcher = scope.get(_WATCHER_KEY)
            if watcher is not None:
                watcher.cancel()


async def _close_when_session_ends(websocket: WebSocket, services: Services, account_id: int, session_id: str) -> None:
    """Close the socket with 4403 as soon as its session (or API key) ends, on whichever process announced it."""
    try:
        async with services.feeds.watch(account_id, initial_list=False) as snapshots:
            async for snapshot in snapshots:
                if snapshot.ended is None:
                    alive = await credential_is_live(session_id, clock=services.clock, policy=services.session_policy)
                else:
                    alive = session_id not in snapshot.ended
                if not alive:
                    await websocket.close(SESSION_ENDED, "Session ended")
                    return
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("session watcher failed; closing the socket so the client reconnects")
        with contextlib.suppress(Exception):
            await websocket.close(1011, "Try again")


def create_app(settings: Settings, *, clock: Clock | None = None, freeze_gc_after_start: bool = False) -> Starlette:
    """The application for ``settings``; the database must already be migrated.

    ``freeze_gc_after_start`` suits a long-running server process (not tests that build many apps).
    """
    services = Services.build(settings, clock=clock)
    view = GraphQLView(services)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        checks = {"database": await _database_ready(), "eventBus": await services.bus.ping()}
        return JSONResponse(
            {"status": "ok" if all(checks.values()) else "unavailable", "checks": checks},
            status_code=200 if all(checks.values()) else 503,
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ensure_sqlite_directory(settings.database_url)
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            async with services.running():
                if freeze_gc_after_start:
                    # Objects alive after start-up live as long as the process: keep them out of the
                    # garbage collector's full passes, which otherwise stall fan-outs by hundreds of ms.
                    gc.collect()
                    gc.freeze()
                yield

    allowed_origins = settings.browser_origins
    middleware = [
        Middleware(
            RequestGuard,
            allowed_origins=allowed_origins,
            production=settings.production,
            request_timeout=settings.request_timeout,
        )
    ]
    if allowed_origins:
        # Outermost, so preflights from listed origins are answered; never "*" with credentials.
        middleware.insert(
            0,
            Middleware(
                CORSMiddleware,
                allow_origins=list(allowed_origins),
                allow_credentials=True,
                allow_methods=["GET", "POST"],
                allow_headers=["content-type", "authorization", "x-request-id"],
                max_age=600,
            ),
        )
    app = Starlette(
        middleware=middleware,
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", view),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *page_routes(Path(settings.web_dist)),
        ],
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
    )
    app.state.services = services
    return app


async def _database_ready() -> bool:
    try:
        await asyncio.wait_for(get_connection("default").execute_query("SELECT 1"), timeout=2)
    except Exception:
        return False
    return True
