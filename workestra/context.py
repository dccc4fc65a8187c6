"""Per-request (and per-socket) GraphQL context: services, credentials and the signed-in viewer."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.websockets import WebSocket

from auth.api_keys import authenticate_api_key, looks_like_api_key
from auth.client_info import ClientInfo
from auth.network import client_ip
from auth.sessions import authenticate
from models import Account, ApiKey, Session
from schema.errors import Forbidden, Unauthenticated

if TYPE_CHECKING:
    from workestra.services import Services
    from workestra.sockets import LiveSocket
    from workestra.ws import MessageBucket


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a live session, or an API key (read-only), and its account. Exactly one is set."""

    session: Session | None = None
    api_key: ApiKey | None = None

    @property
    def credential(self) -> Session | ApiKey:
        """The session or API key asking."""
        if self.session is not None:
            return self.session
        if self.api_key is None:
            raise ValueError("A viewer is a session or an API key.")
        return self.api_key

    def require_session(self) -> Session:
        """The asking session, for mutations; API keys are refused before any mutation resolver runs."""
        if self.session is None:
            raise Forbidden()
        return self.session

    @property
    def account(self) -> Account:
        """The signed-in account."""
        return self.credential.account

    @property
    def account_id(self) -> int:
        """The signed-in account's id."""
        return self.credential.account_id

    @property
    def is_api_key(self) -> bool:
        """True when an API key is asking: it may read and subscribe, never change anything."""
        return self.session is None

    @property
    def session_id(self) -> uuid.UUID | None:
        """The id of the asking session (None for an API key, which is not a session)."""
        return self.session.id if self.session is not None else None

    @property
    def credential_id(self) -> str:
        """The id of the session or API key asking, which a socket is bound to."""
        return str(self.credential.id)


def bearer_token(value: object) -> str | None:
    """The token of an ``Authorization: Bearer …`` value, or None for anything else."""
    if not isinstance(value, str):
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class Context:
    """What resolvers see as ``info.context``. Over WebSocket one instance serves the whole connection."""

    def __init__(self, services: Services, request: HTTPConnection, response: Response | None) -> None:
        self.services = services
        self.request = request
        self.response = response
        self.connection_params: dict[str, Any] | None = None
        self.is_websocket = isinstance(request, WebSocket)
        self._viewer: asyncio.Future[Viewer | None] | None = None
        # The id of the session or API key a socket was opened with; every operation on it must match.
        self.socket_session_id: str | None = None
        # The account a socket was opened for, whose operations it counts against (MAX_SUBSCRIPTIONS_PER_ACCOUNT).
        self.socket_account_id: int | None = None
        # How fast this socket may still send (WebSocket only; see workestra.ws).
        self.message_bucket: MessageBucket | None = None
        # The acknowledged socket and its credential, checked against the database (workestra.sockets).
        self.live_socket: LiveSocket | None = None

    @cached_property
    def request_id(self) -> str:
        """The id under which this request (or socket) is logged; also returned in masked errors."""
        state = self.request.scope.get("state") or {}
        return state.get("request_id") or uuid.uuid4().hex

    @cached_property
    def client_info(self) -> ClientInfo:
        """The requester's IP (through trusted proxies only), User-Agent and approximate place."""
        peer = self.request.client.host if self.request.client else None
        forwarded_for = self.request.headers.getlist("x-forwarded-for")
        ip = client_ip(peer, forwarded_for, self.services.settings.trusted_proxies)
        return ClientInfo(
            ip=ip, user_agent=self.request.headers.get("user-agent"), location=self.services.locations.lookup(ip)
        )

    def credential(self) -> str | None:
        """The token presented: a Bearer header (HTTP) or init payload (WebSocket), else the session cookie."""
        if self.is_websocket:
            params = self.connection_params if isinstance(self.connection_params, dict) else {}
            token = bearer_token(params.get("authorization") or params.get("Authorization"))
        else:
            token = bearer_token(self.request.headers.get("authorization"))
        return token or self.request.cookies.get(self.services.settings.session_cookie_name) or None

    async def viewer(self) -> Viewer | None:
        """The signed-in viewer, or None. Checked once per HTTP request; on a socket, on every operation."""
        if self.is_websocket:
            return await self._authenticate()
        if self._viewer is None:
            self._viewer = asyncio.ensure_future(self._authenticate())
        return await asyncio.shield(self._viewer)

    async def require_viewer(self) -> Viewer:
        """The signed-in viewer, or a top-level ``UNAUTHENTICATED`` error."""
        viewer = await self.viewer()
        if viewer is None:
            raise Unauthenticated()
        return viewer

    async def _authenticate(self) -> Viewer | None:
        s = self.services
        credential = self.credential()
        viewer: Viewer | None = None
        if looks_like_api_key(credential):
            key = await authenticate_api_key(credential, clock=s.clock, policy=s.session_policy)
            viewer = Viewer(api_key=key) if key is not None else None
        if viewer is None:
            # A session token may start like a key by chance (1 in 2^18): it is still looked up as a session.
            session = await authenticate(credential, clock=s.clock, policy=s.session_policy, events=s.events)
            viewer = Viewer(session=session) if session is not None else None
        if viewer is None:
            return None
        if self.socket_session_id is not None and viewer.credential_id != self.socket_session_id:
            return None
        return viewer

    def forget_viewer(self) -> None:
        """Drop the cached viewer (after this request ended its own session)."""
        self._viewer = None
