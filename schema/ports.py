"""What the GraphQL layer needs of the process it runs in: its services, its session feeds and its sockets.

The schema and its resolvers are given these; the wiring (``workestra``) builds the objects that satisfy
them, structurally, and is checked against them where it makes the context. So the GraphQL layer names no
class of the wiring, and the import graph runs one way: the wiring imports the schema, never the reverse.
Every member is read-only here (a property), so an implementation may keep a narrower type of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable
from contextlib import AbstractAsyncContextManager
from ipaddress import IPv4Network, IPv6Network
from typing import Any, Protocol

from auth.accounts import PasswordCheck
from auth.clock import Clock
from auth.notices import Outbox
from auth.passwords import PasswordHasher, PasswordPolicy
from auth.ports import LocationLookup, SessionEvents
from auth.recovery import Recovery
from auth.secret_box import SecretBox
from auth.sessions import SessionPolicy
from auth.throttle import SignUpLimit
from models import Session


class RequestSettings(Protocol):
    """The settings a request reads: cookie names and flags, proxies to trust, per-account limits."""

    @property
    def production(self) -> bool: ...

    @property
    def session_cookie_name(self) -> str: ...

    @property
    def device_cookie_name(self) -> str: ...

    @property
    def session_absolute_lifetime(self) -> int: ...

    @property
    def trusted_proxies(self) -> tuple[IPv4Network | IPv6Network, ...]: ...

    @property
    def ipv6_limit_prefix(self) -> int: ...

    @property
    def max_api_keys(self) -> int: ...


class CredentialHolder(Protocol):
    """What a session feed needs of the socket a watcher serves: its credential, and how to end it."""

    credential_id: str
    is_api_key: bool
    ended: bool

    async def end(self) -> None: ...


class SessionSnapshot(Protocol):
    """An account's live sessions after a change, with a cache every watcher of the snapshot shares."""

    @property
    def sessions(self) -> list[Session]: ...

    @property
    def memo(self) -> dict[Hashable, Any]: ...


class SessionFeed(Protocol):
    """Snapshots of an account's sessions: the current one first, then one after every change."""

    def watch(
        self, account_id: int, *, holder: CredentialHolder | None = None
    ) -> AbstractAsyncContextManager[AsyncIterator[SessionSnapshot]]: ...


class SocketState(Protocol):
    """One WebSocket as an operation on it sees it: the credential it is bound to, once acknowledged."""

    @property
    def live(self) -> CredentialHolder | None: ...

    def serves(self, credential_id: str) -> bool: ...


class RequestServices(Protocol):
    """The long-lived collaborators a request is served with."""

    @property
    def settings(self) -> RequestSettings: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def hasher(self) -> PasswordHasher: ...

    @property
    def password_policy(self) -> PasswordPolicy: ...

    @property
    def session_policy(self) -> SessionPolicy: ...

    @property
    def locations(self) -> LocationLookup: ...

    @property
    def events(self) -> SessionEvents: ...

    @property
    def feeds(self) -> SessionFeed: ...

    @property
    def sign_up_limit(self) -> SignUpLimit: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def password_check(self) -> PasswordCheck: ...

    @property
    def secret_box(self) -> SecretBox: ...

    @property
    def recovery(self) -> Recovery: ...
