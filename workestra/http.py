"""HTTP hardening in front of the GraphQL view: request ids, security headers, CSRF and Origin checks, the
body size limit, a deadline. Every refusal is a GraphQL error body with a code and the request id.

A pure ASGI middleware, inside CORS, so that a listed origin can read its refusals too. WebSocket connections
only get a request id and a client IP for their log lines (their Origin is checked at the handshake by the
GraphQL view, and their frames are limited by uvicorn).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auth.network import IPNetwork, client_ip, mask_ip
from workestra.logs import current_client_ip, current_request_id
from workestra.negotiation import GRAPHQL_RESPONSE_JSON, JSON, response_media_type

log = logging.getLogger("workestra.http")


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Browsers send these on cross-site requests; a same-site frontend never does.
_CROSS_SITE = {"cross-site"}


class BodyTooLarge(Exception):
    """A request body went past the limit while it was being read."""


def media_type_header(media_type: str) -> str:
    """The Content-Type of a GraphQL response sent as ``media_type`` (always UTF-8)."""
    return f"{media_type}; charset=utf-8" if media_type == GRAPHQL_RESPONSE_JSON else media_type


def normalize_origin(origin: str) -> str | None:
    """``scheme://host[:port]`` in lower case with default ports dropped, or None for non-origins."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is not None and port != {"http": 80, "https": 443}[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


class InFlightRequests:
    """The HTTP requests being served, so that a stopping process can answer the ones its grace cut short."""

    def __init__(self) -> None:
        self._answers: set[Callable[[], Awaitable[None]]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def add(self, answer: Callable[[], Awaitable[None]]) -> None:
        """Track a request by the coroutine function that answers it "retry elsewhere"."""
        self._answers.add(answer)
        self._idle.clear()

    def discard(self, answer: Callable[[], Awaitable[None]]) -> None:
        """Forget a request that ended."""
        self._answers.discard(answer)
        if not self._answers:
            self._idle.set()

    async def answer_all(self, *, wind_down: float) -> int:
        """Answer every request still running with a retryable 503 (the shutdown grace is over); returns how many.

        Then waits up to ``wind_down`` seconds for them to end: cancelled, they are giving back what they
        hold (attempt claims), which needs the database still open.
        """
        answers = list(self._answers)
        for answer in answers:
            await answer()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wind_down):
                await self._idle.wait()
        return len(answers)


class RequestGuard:
    """Adds a request id and security headers; refuses cross-origin browser requests and non-JSON POSTs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_origins: Iterable[str],
        production: bool,
        request_timeout: float,
        in_flight: InFlightRequests | None = None,
        trusted_proxies: Sequence[IPNetwork] = (),
        graphql_path: str = "/graphql",
        max_body_bytes: int | None = None,
    ) -> None:
        self.app = app
        self.in_flight = in_flight if in_flight is not None else InFlightRequests()
        self.allowed = {o for o in (normalize_origin(origin) for origin in allowed_origins) if o}
        self.production = production
        self.request_timeout = request_timeout
        self.trusted_proxies = tuple(trusted_proxies)
        self.graphql_path = graphql_path
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        supplied = headers.get("x-request-id", "")
        request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        peer = scope.get("client")
        address = client_ip(peer[0] if peer else None, headers.get("x-forwarded-for"), self.trusted_proxies)
        # Every line logged while serving this request or socket (uvicorn's included) names both.
        id_token = current_request_id.set(request_id)
        ip_token = current_client_ip.set(mask_ip(address) or "-")
        try:
            if scope["type"] == "websocket":
                await self.app(scope, receive, send)
            else:
                await self._serve_http(scope, receive, send, headers, request_id)
        finally:
            current_client_ip.reset(ip_token)
            current_request_id.reset(id_token)

    async def _serve_http(self, scope: Scope, receive: Receive, send: Send, headers: Headers, request_id: str) -> None:
        media_type = response_media_type(headers.get("accept")) or JSON
        answer = _Answer(send, request_id, production=self.production, media_type=media_type)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await answer.refuse(scope, *refusal)
            return
        deadline = asyncio.timeout(self.request_timeout)
        self.in_flight.add(answer.restarting)
        try:
            async with deadline:
                await self.app(scope, self._limited(receive), answer.send)
        except TimeoutError:
            if not deadline.expired():
                raise
            # Whatever was in flight is cancelled: transactions roll back, a hash in its thread finishes unseen.
            log.warning("request timed out after=%ss path=%s", self.request_timeout, scope["path"])
            if not answer.started:
                await answer.error(503, "The request took too long; try again.", "REQUEST_TIMEOUT")
        except BodyTooLarge:
            if answer.started:
                raise
            await answer.refuse(scope, 413, "The request body is too large.", "PAYLOAD_TOO_LARGE")
        except asyncio.CancelledError:
            # The server cancels what still runs when its shutdown grace ends: answer it as retryable,
            # so the client repeats it on another process instead of seeing a bare 500.
            await answer.restarting()
            raise
        except Exception:
            if not answer.answered_for_shutdown:
                raise
            # Already answered: what fails now (a database closed under it) concerns no one.
            log.info("request abandoned at shutdown path=%s", scope["path"])
        finally:
            self.in_flight.discard(answer.restarting)

    def _limited(self, receive: Receive) -> Receive:
        """``receive`` that raises BodyTooLarge once the body read so far passes the limit (chunked bodies)."""
        limit = self.max_body_bytes
        if limit is None:
            return receive
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        return limited

    def _refusal(self, scope: Scope, headers: Headers) -> tuple[int, str, str] | None:
        """``(status, message, code)`` when the request is refused before the application sees it."""
        origin = headers.get("origin")
        if origin is not None and not self._origin_allowed(origin, headers):
            return 403, "This origin may not call the API.", "FORBIDDEN_ORIGIN"
        if origin is None and headers.get("sec-fetch-site") in _CROSS_SITE:
            return 403, "Cross-site requests may not call the API.", "FORBIDDEN_ORIGIN"
        if self._declared_too_large(headers):
            return 413, "The request body is too large.", "PAYLOAD_TOO_LARGE"
        if scope["path"] == self.graphql_path and scope["method"] == "POST":
            media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            # Only JSON: forms and text bodies are "simple requests" a foreign page could send with cookies.
            if media_type != "application/json":
                return 415, "Send GraphQL requests as application/json.", "UNSUPPORTED_MEDIA_TYPE"
        return None

    def _declared_too_large(self, headers: Headers) -> bool:
        length = headers.get("content-length", "")
        return self.max_body_bytes is not None and length.isdigit() and int(length) > self.max_body_bytes

    def _origin_allowed(self, origin: str, headers: Headers) -> bool:
        normalized = normalize_origin(origin)
        if normalized is None:
            return False
        if normalized in self.allowed:
            return True
        # Same origin: the browser's Origin names the host it sent the request to.
        return urlsplit(normalized).netloc == headers.get("host", "").lower()


class _Answer:
    """The way out of one HTTP exchange: the headers every response carries, and the retryable 503 that a
    stopping process sends for it (after which nothing else the application sends goes out)."""

    def __init__(self, send: Send, request_id: str, *, production: bool, media_type: str = JSON) -> None:
        self._send = send
        self.request_id = request_id
        self.production = production
        self.media_type = media_type
        self.started = False
        self.answered_for_shutdown = False

    async def send(self, message: Message) -> None:
        """Send an application message, with the security headers on the response start."""
        if self.answered_for_shutdown:
            return
        if message["type"] == "http.response.start":
            self.started = True
            out = MutableHeaders(scope=message)
            out["X-Request-ID"] = self.request_id
            out["X-Content-Type-Options"] = "nosniff"
            out["Referrer-Policy"] = "no-referrer"
            out["X-Frame-Options"] = "DENY"
            out.setdefault("Cache-Control", "no-store")
            if self.production:
                out["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        await self._send(message)

    async def error(self, status: int, message: str, code: str) -> None:
        """Answer with a GraphQL error body."""
        body = json.dumps(error_body(message, code=code, request_id=self.request_id)).encode()
        headers = [
            (b"content-type", media_type_header(self.media_type).encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        if status == 503:
            headers.append((b"retry-after", b"1"))
        await self.send({"type": "http.response.start", "status": status, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})

    async def refuse(self, scope: Scope, status: int, message: str, code: str) -> None:
        """Refuse the request (logged as such)."""
        log.info("request refused status=%d code=%s path=%s", status, code, scope["path"])
        await self.error(status, message, code)

    async def restarting(self) -> None:
        """Answer "the server is restarting" unless a response has begun (see ``InFlightRequests``)."""
        if self.started or self.answered_for_shutdown:
            return
        await self.error(503, "The server is restarting; try again.", "SERVICE_UNAVAILABLE")
        self.answered_for_shutdown = True


def error_body(message: str, *, code: str, request_id: str | None) -> dict[str, object]:
    """A GraphQL error answer: ``{"errors": [{"message", "extensions": {"code", "requestId"}}]}``."""
    return {"errors": [{"message": message, "extensions": {"code": code, "requestId": request_id}}]}
