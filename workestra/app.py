"""The Starlette application: GraphQL over HTTP and WebSocket, health checks, lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import overload

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET
from tortoise.connection import get_connection
from tortoise.contrib.starlette import RegisterTortoise

from auth.clock import Clock
from models.outages import is_database_outage
from schema.context import AnyViewer, ApiKeyViewer, Viewer
from schema.cost import DocumentLimits
from schema.errors import ServiceUnavailable
from schema.root import build_schema
from schema.sharing import encoded_next
from workestra import graphql_http, metrics
from workestra.app_context import AppContext
from workestra.db import ensure_sqlite_directory, tortoise_config
from workestra.http import InFlightRequests, RequestGuard
from workestra.negotiation import response_media_type
from workestra.services import Services
from workestra.settings import Settings
from workestra.socket_session import AccountQuota, MessageBucket, SocketSession
from workestra.web import graphiql_page, page_routes
from workestra.ws import TRY_AGAIN_LATER, SocketRefused, TransportWSHandler

log = logging.getLogger("workestra.app")

# After the shutdown grace, how long cancelled requests get to give back their claims before the database closes.
SHUTDOWN_WIND_DOWN_SECONDS = 2


class GraphQLView(GraphQL[AppContext, None]):
    """Strawberry's ASGI view bound to this process's services."""

    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(self, services: Services) -> None:
        settings = services.settings
        super().__init__(
            build_schema(
                max_depth=settings.max_query_depth,
                max_aliases=settings.max_aliases,
                max_tokens=settings.max_tokens,
                document_limits=DocumentLimits(
                    settings.max_document_length,
                    settings.max_selections,
                    settings.max_directives,
                    settings.max_arguments,
                    settings.max_field_comparisons,
                    settings.parse_cpu_ms_per_second,
                    settings.parse_cpu_burst_ms,
                ),
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
        self._socket_places = AccountQuota(settings.max_sockets_per_account)

    def decode_json(self, data: str | bytes) -> object:
        # Strawberry turns only JSONDecodeError into a 400 (HTTP) or a 4400 close (WebSocket); JSON too
        # deep for the parser, a number past Python's digit limit or bytes that are not UTF-8 would
        # escape as a 500 with a traceback, or an unhandled error on the socket.
        try:
            return json.loads(data)
        except json.JSONDecodeError:
            raise
        except (RecursionError, ValueError):
            raise json.JSONDecodeError("unreadable JSON", "", 0) from None

    def parse_json(self, data: str | bytes) -> object:
        # Strawberry assumes a JSON object (or a batch list) and fails with a 500 on `null` or `"x"`.
        value = super().parse_json(data)
        if not isinstance(value, dict | list):
            raise HTTPException(400, "The request body must be a JSON object.")
        return value

    @overload
    async def run(self, request: Request, context: AppContext = UNSET, root_value: None = UNSET) -> Response: ...

    @overload
    async def run(self, request: WebSocket, context: AppContext = UNSET, root_value: None = UNSET) -> WebSocket: ...

    async def run(
        self, request: Request | WebSocket, context: AppContext = UNSET, root_value: None = UNSET
    ) -> Response | WebSocket:
        if isinstance(request, WebSocket):
            return await self._run_socket(request, context, root_value)
        media_type = response_media_type(request.headers.get("accept"))
        graphql_http.negotiated(request, media_type)
        if media_type is None and not self.should_render_graphql_ide(self.request_adapter_class(request)):
            return graphql_http.not_acceptable(request)
        try:
            response = await super().run(request, context, root_value)
        except HTTPException as exc:
            return graphql_http.refusal(request, exc)
        return graphql_http.with_media_type(request, response)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response_data = await super().process_result(request, result)
        graphql_http.mark_request_error(request, result, response_data)
        return response_data

    async def _run_socket(self, websocket: WebSocket, context: AppContext, root_value: None) -> WebSocket:
        # The context is made here, not by the base view, so that what the socket holds is given back
        # however the connection ends.
        if context is UNSET:
            context = await self.get_context(websocket, websocket)
        try:
            return await super().run(websocket, context, root_value)
        finally:
            if context.socket is not None:
                context.socket.release()

    def create_response(self, response_data: object, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)  # type: ignore[arg-type]
        if _briefly_unavailable(response_data):
            # The request as a whole failed for want of the database: say so at the HTTP level, retryable.
            response.status_code = 503
            response.headers["Retry-After"] = "1"
        return response

    async def render_graphql_ide(self, request: Request) -> Response:
        # Our own build of GraphiQL instead of Strawberry's page, which loads its scripts from a CDN.
        return graphiql_page(Path(self.services.settings.web_dist), request)

    def encode_json(self, data: object) -> str | bytes:
        # A `next` carrying a shared subscription result reuses that result's JSON (schema.sharing).
        return encoded_next(data, super().encode_json) or super().encode_json(data)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> AppContext:
        if not isinstance(request, WebSocket):
            return AppContext(self.services, request, response if isinstance(response, Response) else None)
        settings = self.services.settings
        socket = SocketSession(
            request,
            bucket=MessageBucket(settings.ws_messages_per_second, settings.ws_message_burst),
            places=self._socket_places,
            sockets=self.services.sockets,
        )
        return AppContext(self.services, request, None, socket)

    async def on_ws_connect(self, context: AppContext) -> None:
        # Only the face every viewer shares is needed here (schema.context.Viewer).
        viewer: Viewer = await _socket_viewer(context)
        if context.socket is None:
            raise TypeError("on_ws_connect runs for WebSocket connections only.")
        bound = context.socket.bind(
            viewer.account_id,
            viewer.credential_id,
            is_api_key=isinstance(viewer, ApiKeyViewer),
            ends_at=viewer.ends_at(self.services.session_policy),
        )
        if not bound:
            raise SocketRefused(TRY_AGAIN_LATER, "Too many live connections for this account")


async def _socket_viewer(context: AppContext) -> AnyViewer:
    """The viewer a socket is opened for, or the refusal of the socket."""
    try:
        viewer = await context.viewer()
    except Exception as exc:
        if not is_database_outage(exc):
            raise
        raise SocketRefused(TRY_AGAIN_LATER, "Service briefly unavailable") from None
    if viewer is None:
        raise ConnectionRejectionError({"message": "Sign in to open a live connection."})
    return viewer


def _briefly_unavailable(response_data: object) -> bool:
    """True for a GraphQL response with no data (every root field null) whose every error is SERVICE_UNAVAILABLE."""
    if not isinstance(response_data, dict):
        return False
    data = response_data.get("data")
    if data is not None and not (isinstance(data, dict) and all(value is None for value in data.values())):
        return False
    errors = response_data.get("errors") or []
    return bool(errors) and all(
        (error.get("extensions") or {}).get("code") == ServiceUnavailable.code for error in errors
    )


def create_app(settings: Settings, *, clock: Clock | None = None, freeze_gc_after_start: bool = False) -> Starlette:
    """The application for ``settings``; the database must already be migrated.

    ``freeze_gc_after_start`` suits a long-running server process (not tests that build many apps).
    """
    services = Services.build(settings, clock=clock)
    view = GraphQLView(services)
    in_flight = InFlightRequests()
    app = Starlette(
        middleware=_middleware(settings, in_flight),
        routes=[
            # Every method reaches the view, which answers the ones it does not serve with a GraphQL 405.
            Route("/graphql", view),
            WebSocketRoute("/graphql", view),
            *_probe_routes(services),
            *page_routes(Path(settings.web_dist)),
        ],
        lifespan=_lifespan(services, in_flight, freeze_gc_after_start=freeze_gc_after_start),
    )
    app.state.services = services
    return app


def _middleware(settings: Settings, in_flight: InFlightRequests) -> list[Middleware]:
    """The request guard, behind CORS when browser origins are listed."""
    allowed_origins = settings.browser_origins
    middleware = [
        Middleware(
            RequestGuard,
            allowed_origins=allowed_origins,
            production=settings.production,
            request_timeout=settings.request_timeout,
            in_flight=in_flight,
            trusted_proxies=settings.trusted_proxies,
            # Here rather than Starlette's own limit, which answers in plain text and outside CORS.
            max_body_bytes=settings.max_body_bytes,
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
                # So that browser code can read the id to quote in a bug report.
                expose_headers=["X-Request-ID"],
                max_age=600,
            ),
        )
    return middleware


def _probe_routes(services: Services) -> list[Route]:
    """Liveness, readiness and (for the listed scrapers only) the metrics page."""
    settings = services.settings

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def metrics_page(request: Request) -> Response:
        # Not found, like any unknown path, for everyone but the listed scrapers.
        peer = request.client.host if request.client else None
        if not metrics.scraper_allowed(peer, "x-forwarded-for" in request.headers, settings.metrics_allowed_ips):
            return PlainTextResponse("Not Found", status_code=404)
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    async def readyz(request: Request) -> Response:
        checks = {"database": await _database_ready(), "eventBus": await services.bus.ping()}
        return JSONResponse(
            {"status": "ok" if all(checks.values()) else "unavailable", "checks": checks},
            status_code=200 if all(checks.values()) else 503,
        )

    # Only for METRICS_ALLOWED_IPS; without them the path does not exist on the public API.
    return [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *([Route("/metrics", metrics_page)] if settings.metrics_allowed_ips else []),
    ]


def _lifespan(
    services: Services, in_flight: InFlightRequests, *, freeze_gc_after_start: bool
) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    """Start-up and shutdown: the database, the services' background work, and the end of the shutdown grace."""
    settings = services.settings

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ensure_sqlite_directory(settings.database_url)
        config = tortoise_config(settings.database_url, sqlite_cache_mib=settings.sqlite_cache_mib)
        async with RegisterTortoise(app, config=config):
            # Connect now, before any background task: SQLite connects on first use, and a task cancelled
            # while that connection is being opened (a shutdown right after start) leaves the client unusable.
            if not await _database_ready():
                log.warning("database not reachable at start; requests answer SERVICE_UNAVAILABLE until it is")
            async with services.running():
                if freeze_gc_after_start:
                    _tune_gc()
                try:
                    yield
                finally:
                    # The server runs this once its shutdown grace is over: what still runs will not finish
                    # before the database closes, so its clients are told to retry on another process now.
                    cut_short = await in_flight.answer_all(wind_down=SHUTDOWN_WIND_DOWN_SECONDS)
                    if cut_short:
                        log.warning("shutdown grace over; answered requests in flight count=%d", cut_short)
                    metrics.process_stopped()

    return lifespan


# Allocations between young-generation passes (CPython's default is 700). A fan-out to thousands of sockets
# allocates a few hundred thousand short-lived objects in a burst; at 700, passes ran mid-burst and promoted
# what was still in flight, so full passes over every socket's objects came every few events (a third of
# the loop's time at 2,000 sockets, bench/README.md). At this threshold such objects are gone before a pass
# sees them; a young pass over 50,000 live containers costs a few milliseconds, and such passes are rare.
GC_YOUNG_THRESHOLD = 50_000


def _tune_gc() -> None:
    """Garbage-collector settings for a long-running server process."""
    # Objects alive after start-up live as long as the process: keep them out of the garbage collector's
    # full passes, which otherwise stall fan-outs by hundreds of ms.
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


async def _database_ready() -> bool:
    try:
        await asyncio.wait_for(get_connection("default").execute_query("SELECT 1"), timeout=2)
    except Exception:
        return False
    return True
