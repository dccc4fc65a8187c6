"""The sockets a process holds, and the check that the credential of each is still live.

The database is the truth for every socket. The event bus makes a revocation reach the sockets at once
(``SessionFeeds``), but a process whose bus link is down, or another process that could not publish, must
not leave a socket open: every ``interval`` seconds this process asks the database, in one indexed query
per 500 distinct credentials, which of the sessions and API keys its sockets hold are still live (not
ended, not revoked, not past their timeouts), and ends the sockets of the others with 4403.

``LiveSocket.end`` is the one place a socket is ended for a reason: it first tells each active operation
why (an ``error`` with ``SESSION_ENDED`` and the reason, so that clients stop instead of reconnecting), then
closes the socket; from the moment it is called nothing else reaches the socket (the transport handler drops
every other message).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from auth.api_keys import open_credentials, session_expiries
from auth.clock import Clock
from auth.ports import SessionEvents
from auth.sessions import SessionPolicy, sweep_expired_sessions
from models import ApiKey, Session, SessionEndReason
from workestra import metrics
from workestra.feeds import SessionFeeds

log = logging.getLogger("workestra.sockets")

SESSION_ENDED = 4403
# Read in chunks like the liveness check; only ended credentials are read, so this is rarely more than one.
_REASON_CHUNK = 500

# Why a socket's credential ended, as its operations are told: a session's recorded end, or for an API key
# REVOKED or EXPIRED. None when it cannot be told (the row is gone, or the database did not answer).
EndReason = SessionEndReason | None


class SocketOperations(Protocol):
    """The operations running on a socket (the transport handler), which are told why the socket ends."""

    def active_operations(self) -> list[str]:
        """The ids of the operations running now."""
        ...

    async def tell_ended(self, operation_ids: Sequence[str], why: EndReason) -> None:
        """Send each of these operations the ``SESSION_ENDED`` error naming ``why``."""
        ...


K = TypeVar("K")


class Closable(Protocol):
    """The side of a WebSocket this module needs."""

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class LiveSocket:
    """One open socket of this process and the credential (session or API key) it was opened with."""

    __slots__ = ("account_id", "credential_id", "ended", "ends_at", "explain", "is_api_key", "operations", "websocket")

    def __init__(
        self,
        websocket: Closable,
        account_id: int,
        credential_id: str,
        *,
        is_api_key: bool,
        ends_at: datetime | None,
        operations: SocketOperations | None = None,
    ) -> None:
        self.websocket = websocket
        self.account_id = account_id
        self.credential_id = credential_id
        self.is_api_key = is_api_key
        # When the credential times out unless its activity advances (None: an API key without expiry).
        self.ends_at = ends_at
        self.operations = operations
        # How to learn why the credential ended when the caller does not say (set by ``LiveSockets.add``).
        self.explain: Callable[[LiveSocket], Awaitable[EndReason]] | None = None
        self.ended = False

    async def end(self, code: int = SESSION_ENDED, reason: str = "Session ended", *, why: EndReason = None) -> None:
        """End the socket with ``code``: each active operation is first told ``why`` (looked up when not
        given); from this moment on nothing else is sent on it."""
        if self.ended:
            return
        self.ended = True
        if self.operations is not None:
            # Taken before any wait: an operation that ends meanwhile (its feed saw the end) is still told.
            told = self.operations.active_operations()
            if why is None and self.explain is not None:
                why = await self.explain(self)
            # The client may already be gone; the close below ends the socket either way.
            with contextlib.suppress(Exception):
                await self.operations.tell_ended(told, why)
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
        # Why an ended credential ended, read once however many sockets (and their feeds) end for it.
        self._endings: dict[str, asyncio.Future[EndReason]] = {}
        self._failing = False

    @property
    def held_credentials(self) -> int:
        """Distinct sessions and API keys this process's sockets hold."""
        return len(self._by_credential)

    def add(self, socket: LiveSocket) -> None:
        """Hold ``socket`` until :meth:`discard`; its account's endings are then watched on the bus too."""
        socket.explain = self._explain
        self._by_credential.setdefault(socket.credential_id, set()).add(socket)
        account = self._by_account.setdefault(socket.account_id, set())
        account.add(socket)
        if socket.account_id not in self._watchers:
            self._watchers[socket.account_id] = asyncio.create_task(
                self._watch_account(socket.account_id), name=f"socket-closer-{socket.account_id}"
            )

    def discard(self, socket: LiveSocket) -> None:
        """Forget a socket that has gone."""
        if not _remove(self._by_credential, socket.credential_id, socket):
            self._endings.pop(socket.credential_id, None)
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
        held = self._by_credential if sockets is None else _grouped(sockets)
        # Copies: a socket that goes while the database answers must not empty a group being judged.
        groups = [(credential, set(group)) for credential, group in held.items() if group]
        if not groups:
            return 0
        sessions: list[str] = []
        keys: list[str] = []
        for credential, group in groups:
            (keys if _any(group).is_api_key else sessions).append(credential)
        still_open = await open_credentials(sessions, keys)
        now = self._clock.now()
        closed = [group for credential, group in groups if credential not in still_open]
        expired: list[set[LiveSocket]] = []
        due: dict[str, set[LiveSocket]] = {}
        for credential, group in groups:
            if credential not in still_open or not _timed_out(group, now):
                continue
            if _any(group).is_api_key:
                expired.append(group)
            else:
                due[credential] = group
        if due:
            expired.extend(await self._still_due(due, now))
        ended = await self._end_all(closed, await self._reasons(closed))
        ended += await self._end_all(expired, dict.fromkeys(_credentials(expired), SessionEndReason.EXPIRED))
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

    async def _still_due(self, due: dict[str, set[LiveSocket]], now: datetime) -> list[set[LiveSocket]]:
        """The groups of sessions that are timed out as of their latest activity; the others learn their new expiry."""
        expiries = await session_expiries(due, policy=self._policy)
        expired = []
        for credential, group in due.items():
            ends_at = expiries.get(credential)
            if ends_at is None or now >= ends_at:
                expired.append(group)
            else:
                for socket in group:
                    socket.ends_at = ends_at
        return expired

    async def _end_all(self, groups: Iterable[set[LiveSocket]], reasons: dict[str, EndReason]) -> list[LiveSocket]:
        """End every socket of ``groups`` not ended yet, each told its credential's reason; returns them."""
        ended = [socket for group in groups for socket in group if not socket.ended]
        for socket in ended:
            await socket.end(why=reasons.get(socket.credential_id))
        return ended

    async def _explain(self, socket: LiveSocket) -> EndReason:
        """Why the socket's credential ended, read once for all the sockets that hold it."""
        reading = self._endings.get(socket.credential_id)
        if reading is None:
            reading = self._endings[socket.credential_id] = asyncio.ensure_future(self._reason_of(socket))
        return await asyncio.shield(reading)

    async def _reason_of(self, socket: LiveSocket) -> EndReason:
        return (await self._reasons([{socket}])).get(socket.credential_id)

    async def _reasons(self, groups: Collection[set[LiveSocket]]) -> dict[str, EndReason]:
        """Why each of these ended credentials ended, from the database (sessions record it, keys tell it).

        Empty when the database does not answer: the sockets are ended all the same, their operations told
        that the session ended without why.
        """
        try:
            return await self._read_reasons(groups)
        except Exception:
            log.warning("could not read why credentials ended", exc_info=True)
            return {}

    async def _read_reasons(self, groups: Collection[set[LiveSocket]]) -> dict[str, EndReason]:
        reasons: dict[str, EndReason] = {}
        sessions = [_any(g).credential_id for g in groups if not _any(g).is_api_key]
        keys = [_any(g).credential_id for g in groups if _any(g).is_api_key]
        for chunk in _chunks(sessions):
            rows = await Session.filter(id__in=chunk).values_list("id", "end_reason")
            # A session that ended without a recorded end is one past its idle timeout, not swept yet.
            reasons.update((str(i), SessionEndReason(r) if r else SessionEndReason.EXPIRED) for i, r in rows)
        for chunk in _chunks(keys):
            rows = await ApiKey.filter(id__in=chunk).values_list("id", "revoked_at")
            reasons.update(
                (str(i), SessionEndReason.REVOKED if revoked else SessionEndReason.EXPIRED) for i, revoked in rows
            )
        return reasons

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
                    # The bus says only which credentials ended; why is read from the database (_explain).
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


def _credentials(groups: Iterable[set[LiveSocket]]) -> list[str]:
    return [_any(group).credential_id for group in groups]


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[start : start + _REASON_CHUNK] for start in range(0, len(ids), _REASON_CHUNK)]


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
