"""Per-request (and per-socket) GraphQL context: services, credentials and the signed-in viewer.

The viewer is one of two kinds: a session (which may do everything) or an API key (which may read and
subscribe, never change anything). Mutations ask for a session with ``Context.require_session``; API keys
are refused before any mutation resolver runs, so that call never refuses one in practice.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol, TypeAlias

from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.websockets import WebSocket

from auth.api_keys import authenticate_api_key, looks_like_api_key
from auth.client_info import ClientInfo
from auth.network import client_ip
from auth.sessions import SessionPolicy, authenticate
from models import Account, ApiKey, Session
from schema.errors import Forbidden, Unauthenticated
from schema.ports import CredentialHolder, RequestServices, SocketState


class Viewer(Protocol):
    """What every kind of viewer tells: the account, and the credential asking for it."""

    @property
    def account(self) -> Account: ...

    @property
    def account_id(self) -> int: ...

    @property
    def credential_id(self) -> str: ...

    @property
    def current_session_id(self) -> uuid.UUID | None: ...

    def ends_at(self, policy: SessionPolicy) -> datetime | None: ...


@dataclass(frozen=True)
class SessionViewer:
    """A signed-in session asking."""

    session: Session

    @property
    def account(self) -> Account:
        """The signed-in account."""
        return self.session.account

    @property
    def account_id(self) -> int:
        """The signed-in account's id."""
        return self.session.account_id

    @property
    def credential_id(self) -> str:
        """The session's id, which a socket is bound to."""
        return str(self.session.id)

    @property
    def current_session_id(self) -> uuid.UUID:
        """The session listed as ``current`` in the account's sessions: this one."""
        return self.session.id

    def ends_at(self, policy: SessionPolicy) -> datetime:
        """When the session times out unless its activity advances."""
        return policy.expires_at(self.session)


@dataclass(frozen=True)
class ApiKeyViewer:
    """An API key asking: read-only, and not a session."""

    api_key: ApiKey

    @property
    def account(self) -> Account:
        """The key's account."""
        return self.api_key.account

    @property
    def account_id(self) -> int:
        """The key's account's id."""
        return self.api_key.account_id

    @property
    def credential_id(self) -> str:
        """The key's id, which a socket is bound to."""
        return str(self.api_key.id)

    @property
    def current_session_id(self) -> None:
        """A key is no session, so none of the account's sessions is ``current`` for it."""
        return None

    def ends_at(self, policy: SessionPolicy) -> datetime | None:
        """The key's expiry; None for a key that never expires."""
        return self.api_key.expires_at


AnyViewer: TypeAlias = SessionViewer | ApiKeyViewer


def bearer_token(value: object) -> str | None:
    """The token of an ``Authorization: Bearer …`` value, or None for anything else."""
    if not isinstance(value, str):
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class Context:
    """What resolvers see as ``info.context``. Over WebSocket one instance serves the whole connection."""

    def __init__(
        self,
        services: RequestServices,
        request: HTTPConnection,
        response: Response | None,
        socket: SocketState | None = None,
    ) -> None:
        self.services = services
        self.request = request
        self.response = response
        self.connection_params: dict[str, Any] | None = None
        self.is_websocket = isinstance(request, WebSocket)
        # The socket's own state (WebSocket only): its send budget and the credential it is bound to.
        self.socket = socket
        self._viewer: asyncio.Future[AnyViewer | None] | None = None

    @property
    def live_socket(self) -> CredentialHolder | None:
        """The acknowledged socket this operation runs on; None over HTTP and before the acknowledgement."""
        return self.socket.live if self.socket is not None else None

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

    async def viewer(self) -> AnyViewer | None:
        """The signed-in viewer, or None. Checked once per HTTP request; on a socket, on every operation."""
        if self.is_websocket:
            return await self._authenticate()
        if self._viewer is None:
            self._viewer = asyncio.ensure_future(self._authenticate())
        return await asyncio.shield(self._viewer)

    async def require_viewer(self) -> AnyViewer:
        """The signed-in viewer, or a top-level ``UNAUTHENTICATED`` error."""
        viewer = await self.viewer()
        if viewer is None:
            raise Unauthenticated()
        return viewer

    async def require_session(self) -> SessionViewer:
        """The signed-in session, for mutations: ``UNAUTHENTICATED`` without one, ``FORBIDDEN`` for an API key."""
        viewer = await self.require_viewer()
        if not isinstance(viewer, SessionViewer):
            raise Forbidden()
        return viewer

    async def _authenticate(self) -> AnyViewer | None:
        s = self.services
        credential = self.credential()
        viewer: AnyViewer | None = None
        if looks_like_api_key(credential):
            key = await authenticate_api_key(credential, clock=s.clock, policy=s.session_policy)
            viewer = ApiKeyViewer(key) if key is not None else None
        if viewer is None:
            # A session token may start like a key by chance (1 in 2^18): it is still looked up as a session.
            session = await authenticate(credential, clock=s.clock, policy=s.session_policy, events=s.events)
            viewer = SessionViewer(session) if session is not None else None
        if viewer is None or (self.socket is not None and not self.socket.serves(viewer.credential_id)):
            return None
        return viewer

    def forget_viewer(self) -> None:
        """Drop the cached viewer (after this request ended its own session)."""
        self._viewer = None
