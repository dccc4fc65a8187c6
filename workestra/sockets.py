"""The sockets a process holds, and the check that the credential of each is still live.

The database is the truth for every socket. The event bus makes a revocation reach the sockets at once
(``SessionFeeds``), but a process whose bus link is down, or another process that could not publish, must
not leave a socket open: every ``interval`` seconds this process asks the database, in one indexed query
per 500 distinct credentials, which of the sessions and API keys its sockets hold are still live (not
ended, not revoked, not past their timeouts), and ends the sockets of the others with 4403.

``LiveSocket.end`` is the one place a socket is ended for a reason: once it is called, nothing but the
close reaches the socket (the transport handler drops every other message).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Protocol, TypeVar

from auth.api_keys import open_credentials, session_expiries
from auth.clock import Clock
from auth.ports import SessionEvents
from auth.sessions import SessionPolicy, sweep_expired_sessions
from workestra import metrics
from workestra.feeds import SessionFeeds

log = logging.getLogger("workestra.sockets")

SESSION_ENDED = 4403


K = TypeVar("K")


class Closable(Protocol):
    """The side of a WebSocket this module needs."""

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class LiveSocket:
    """One open socket of this process and the credential (session or API key) it was opened with."""

    __slots__ = ("account_id", "credential_id", "ended", "ends_at", "is_api_key", "websocket")

    def __init__(
        self,
        websocket: Closable,
        account_id: int,
        credential_id: str,
        *,
        is_api_key: bool,
        ends_at: datetime | None,
    ) -> None:
        self.websocket = websocket
        self.account_id = account_id
        self.credential_id = credential_id
        self.is_api_key = is_api_key
        # When the credential times out unless its activity advances (None: an API key without expiry).
        self.ends_at = ends_at
        self.ended = False

    async def end(self, code: int = SESSION_ENDED, reason: str = "Session ended") -> None:
        """End the socket with ``code``; from this moment on nothing but the close is sent on it.

        Every end of a socket for a reason comes through here, so this is where each active operation
        would first be told why (an ``error`` with a code) before the close.
        """
        if self.ended:
            return
        self.ended = True
        # The client may already be gone; the socket is over either way.
        with contextlib.suppress(Exception):
            await self.websocket.close(code, reason)


class LiveSockets:
    """Every socket of this process by credential and account; closes each within ``interval`` s of its end."""

    def __init__(
        self,
        feeds: SessionFeeds,
        *,
        clock: Clock,
        policy: SessionPolicy,
        events: SessionEvents,
        interval: float,
    ) -> None:
        self._feeds = feeds
        self._clock = clock
        self._policy = policy
        self._events = events
        self.interval = interval
        self._by_credential: dict[str, set[LiveSocket]] = {}
        self._by_account: dict[int, set[LiveSocket]] = {}
        self._watchers: dict[int, asyncio.Task[None]] = {}
        self._failing = False

    @property
    def held_credentials(self) -> int:
        """Distinct sessions and API keys this process's sockets hold."""
        return len(self._by_credential)

    def add(self, socket: LiveSocket) -> None:
        """Hold ``socket`` until :meth:`discard`; its account's endings are then watched on the bus too."""
        self._by_credential.setdefault(socket.credential_id, set()).add(socket)
        account = self._by_account.setdefault(socket.account_id, set())
        account.add(socket)
        if socket.account_id not in self._watchers:
            self._watchers[socket.account_id] = asyncio.create_task(
                self._watch_account(socket.account_id), name=f"socket-closer-{socket.account_id}"
            )

    def discard(self, socket: LiveSocket) -> None:
        """Forget a socket that has gone."""
        _remove(self._by_credential, socket.credential_id, socket)
        if not _remove(self._by_account, socket.account_id, socket):
            watcher = self._watchers.pop(socket.account_id, None)
            if watcher is not None:
                watcher.cancel()

    async def still_live(self, socket: LiveSocket) -> bool:
        """Ask the database whether the socket's credential still authenticates; end the socket if not.

        When the database cannot answer, the socket is not ended for it: the operation that asked then
        authenticates on its own and fails with its own error.
        """
        if not socket.ended:
            try:
                await self.check([socket])
            except Exception:
                log.warning("socket credential check failed", exc_info=True)
        return not socket.ended

    async def check(self, sockets: Collection[LiveSocket] | None = None) -> int:
        """End the sockets (all held ones by default) whose credential has ended; returns how many were ended.

        One primary-key query per 500 credentials tells which are ended or revoked; timeouts are judged
        from what each socket knows of its credential, and only a session that seems timed out is read
        again (its activity may have advanced on another process).
        """
        groups = list((self._by_credential if sockets is None else _grouped(sockets)).items())
        if not groups:
            return 0
        sessions: list[str] = []
        keys: list[str] = []
        for credential, group in groups:
            (keys if _any(group).is_api_key else sessions).append(credential)
        still_open = await open_credentials(sessions, keys)
        now = self._clock.now()
        ended: list[LiveSocket] = []
        due: dict[str, set[LiveSocket]] = {}
        for credential, group in groups:
            if credential not in still_open:
                ended.extend(socket for socket in group if not socket.ended)
            elif _timed_out(group, now):
                if _any(group).is_api_key:
                    ended.extend(socket for socket in group if not socket.ended)
                else:
                    due[credential] = group
        if due:
            expiries = await session_expiries(due, policy=self._policy)
            for credential, group in due.items():
                ends_at = expiries.get(credential)
                if ends_at is None or now >= ends_at:
                    ended.extend(socket for socket in group if not socket.ended)
                else:
                    for socket in group:
                        socket.ends_at = ends_at
        for socket in ended:
            await socket.end()
        ended_sessions = {s.credential_id for s in ended if not s.is_api_key}
        if ended_sessions:
            # Sessions past their idle timeout have no end recorded yet: record and announce it now, so
            # the lists on every process drop them, instead of waiting for the periodic sweep.
            await sweep_expired_sessions(
                clock=self._clock,
                policy=self._policy,
                events=self._events,
                among=[uuid.UUID(i) for i in ended_sessions],
            )
        return len(ended)

    async def run(self) -> None:
        """Check every held credential every ``interval`` seconds, for the lifetime of the process."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                with metrics.LIVENESS_CHECK_SECONDS.time():
                    await self.check()
            except Exception:
                # Without the database nothing can be revoked either; keep the sockets and say so once.
                if not self._failing:
                    log.warning("socket credential check failed; retrying", exc_info=True)
                self._failing = True
            else:
                if self._failing:
                    log.warning("socket credential check works again")
                self._failing = False

    async def close(self) -> None:
        """Stop watching the bus (application shutdown)."""
        watchers = list(self._watchers.values())
        self._watchers.clear()
        for watcher in watchers:
            watcher.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)

    async def _watch_account(self, account_id: int) -> None:
        """Close the account's sockets as soon as the bus says their credential ended (the fast path)."""
        try:
            async with self._feeds.watch(account_id, initial_list=False) as snapshots:
                async for snapshot in snapshots:
                    sockets = list(self._by_account.get(account_id, ()))
                    if snapshot.ended is None:
                        # Events may have been lost (or this is the first look): ask the database.
                        await self.check(sockets)
                        continue
                    for socket in sockets:
                        if socket.credential_id in snapshot.ended:
                            await socket.end()
        except asyncio.CancelledError:
            raise
        except Exception:
            # The periodic check still covers these sockets; only the fast path is lost until they reconnect.
            log.exception("socket closer failed account_id=%s", account_id)


def _grouped(sockets: Collection[LiveSocket]) -> dict[str, set[LiveSocket]]:
    groups: dict[str, set[LiveSocket]] = {}
    for socket in sockets:
        groups.setdefault(socket.credential_id, set()).add(socket)
    return groups


def _any(group: Collection[LiveSocket]) -> LiveSocket:
    return next(iter(group))


def _timed_out(group: Collection[LiveSocket], now: datetime) -> bool:
    # Sockets of one credential learn the same expiry; the first one stands for all.
    ends_at = _any(group).ends_at
    return ends_at is not None and now >= ends_at


def _remove(index: dict[K, set[LiveSocket]], key: K, socket: LiveSocket) -> bool:
    """Remove ``socket`` from ``index[key]``; returns whether any socket is left under ``key``."""
    group = index.get(key)
    if group is None:
        return False
    group.discard(socket)
    if not group:
        del index[key]
        return False
    return True
