"""Live session lists: one bus subscription and one database read per account, event and process.

Every socket watching an account shares that account's feed. When an event arrives, the feed reads the
account's live sessions once and hands the same snapshot to each watcher's one-slot mailbox (the newest
snapshot replaces an unread older one, so a slow socket costs no memory and never blocks the others).
A watcher bound to a socket gets a snapshot only while the socket's credential is live in it.

The publishing side is :class:`SessionAnnouncer`: changes are announced after they commit, by one task per
process, and an announcement the bus refuses is kept and retried, never dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from auth.sessions import MAX_LISTED_SESSIONS
from models import Session
from schema.ports import CredentialHolder
from workestra import metrics
from workestra.events import BusReset, EventBus, EventBusUnavailable, Message

log = logging.getLogger("workestra.feeds")


def account_topic(account_id: int) -> str:
    """The bus topic carrying an account's session changes."""
    return f"account:{account_id}"


class SessionAnnouncer:
    """Announces session changes on the event bus (ids only; receivers reload from the database).

    Why publish-after-commit with retry, not a transactional outbox or LISTEN/NOTIFY: an announcement only
    says "reload account N" (plus which credentials ended, so sockets close at once). The decisions it
    carries are already in the database, and every process checks its sockets' credentials there every
    second (``workestra.sockets``), so an announcement lost with a crashed process costs list freshness,
    never a revocation. An outbox would add a write to every sign-in and activity update and a relay with
    claims; NOTIFY would tie the bus to PostgreSQL. What must not happen, an announcement dropped because
    Redis blinked, is handled here:

    * callers never wait for the network: a change is queued and one task publishes it at once;
    * when the bus refuses (down, reconnecting, timing out), the announcement stays queued and is retried
      with back-off until the bus takes it;
    * queued announcements of one account merge (the ended ids add up), so memory is bounded by accounts;
      past ``max_pending`` accounts they collapse into one "everything changed" announcement;
    * "last activity advanced" alone goes out at most once per account every ``activity_interval`` seconds;
      a session created or ended is never delayed by that, and carries any activity waiting with it.
    """

    def __init__(
        self,
        bus: EventBus,
        *,
        activity_interval: float,
        max_pending: int = 10_000,
        retry_delay: float = 0.1,
        max_retry_delay: float = 2.0,
    ) -> None:
        self._bus = bus
        self._activity_interval = activity_interval
        self._max_pending = max_pending
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._pending: dict[int, _Pending] = {}
        self._everything = False
        # Loop time of each account's last announcement, for coalescing activity (pruned as it ages).
        self._announced_at: dict[int, float] = {}
        self._wake = asyncio.Event()
        # Set while nothing is queued or being published (see ``flush``).
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def pending(self) -> int:
        """Accounts whose announcement waits for the bus (or for its activity turn)."""
        return len(self._pending) + self._everything

    async def sessions_changed(self, account_id: int, *, ended: Sequence[str] = ()) -> None:
        """Announce at once that the account's sessions changed (created, ended, or ``ended`` these ids)."""
        self._queue(account_id, ended, due=asyncio.get_running_loop().time())

    async def activity_advanced(self, account_id: int) -> None:
        """Announce that a session's last activity advanced; coalesced per account."""
        now = asyncio.get_running_loop().time()
        last = self._announced_at.get(account_id)
        due = now if last is None else max(now, last + self._activity_interval)
        self._queue(account_id, (), due=due)

    async def flush(self, *, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds until every queued announcement is published, coalesced activity
        included; True when none is left (the process is stopping, or a caller needs them out)."""
        for pending in self._pending.values():
            pending.due = 0.0
        self._wake.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._idle.wait()
        return self._idle.is_set()

    def _queue(self, account_id: int, ended: Sequence[str], *, due: float, retried: bool = False) -> None:
        self._idle.clear()
        pending = self._pending.get(account_id)
        if pending is None:
            if len(self._pending) >= self._max_pending:
                # Every process reloads every list it shows: nothing is lost, memory stays bounded.
                self._pending.clear()
                self._everything = True
                log.warning("session announcements collapsed into one reset pending=%d", self._max_pending)
            if self._everything:
                self._wake.set()
                return
            self._pending[account_id] = _Pending(set(ended), due, retried)
        else:
            pending.ended.update(ended)
            pending.due = min(pending.due, due)
            pending.retried = pending.retried or retried
        self._wake.set()

    async def run(self) -> None:
        """Publish queued announcements for the lifetime of the process."""
        loop = asyncio.get_running_loop()
        delay = self._retry_delay
        while True:
            now = loop.time()
            try:
                await self._publish_due(now)
            except Exception as exc:
                if isinstance(exc, EventBusUnavailable):
                    log.warning(
                        "session changes not announced yet, retrying in %.1fs pending=%d (%s)", delay, self.pending, exc
                    )
                else:
                    # Never die: a dead announcer would leave every list on every other process stale.
                    log.exception("session announcer failed; retrying in %.1fs pending=%d", delay, self.pending)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_retry_delay)
                continue
            delay = self._retry_delay
            self._forget_old(now)
            if not self._pending and not self._everything:
                self._idle.set()
            self._wake.clear()
            next_due = min((p.due for p in self._pending.values()), default=None)
            timeout = None if next_due is None else max(0.0, next_due - loop.time())
            if timeout != 0.0:
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that arrives as
                # the event is set, and shutdown then waits for this task forever.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await self._wake.wait()

    async def _publish_due(self, now: float) -> None:
        if self._everything:
            await self._bus.publish_reset()
            self._everything = False
        for account_id in [a for a, p in self._pending.items() if p.due <= now]:
            pending = self._pending.pop(account_id)
            try:
                await self._bus.publish(account_topic(account_id), {"ended": sorted(pending.ended)})
            except Exception:
                metrics.EVENTS_FAILED.inc()
                self._queue(account_id, sorted(pending.ended), due=pending.due, retried=True)
                raise
            metrics.EVENTS_PUBLISHED.inc()
            if pending.retried:
                metrics.EVENTS_RELAYED.inc()
            self._announced_at[account_id] = now

    def _forget_old(self, now: float) -> None:
        if len(self._announced_at) > 1000:
            horizon = now - self._activity_interval
            self._announced_at = {a: t for a, t in self._announced_at.items() if t > horizon}


@dataclass
class _Pending:
    ended: set[str]
    due: float
    # Refused by the bus at least once: published late, counted as relayed.
    retried: bool = False


@dataclass(frozen=True)
class Snapshot:
    """An account's live sessions after a change, and which sessions that change ended.

    ``ended`` is None when events may have been lost (the bus reconnected): watchers must re-check.
    """

    sessions: list[Session]
    ended: frozenset[str] | None
    # Per-snapshot cache shared by every watcher (e.g. the API views of the rows, built once).
    memo: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)


class _Mailbox:
    """A watcher's one-slot inbox, read with ``async for``: the newest snapshot replaces an unread one.

    Handing a snapshot to every subscriber is done once per subscriber per event, so this is the least
    that wakes one reader (an asyncio.Queue does several times the work for a slot of one).
    """

    __slots__ = ("snapshot", "waiter")

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None
        self.waiter: asyncio.Future[None] | None = None

    def __aiter__(self) -> _Mailbox:
        return self

    async def __anext__(self) -> Snapshot:
        while self.snapshot is None:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        snapshot, self.snapshot = self.snapshot, None
        return snapshot


class _AccountFeed:
    def __init__(self) -> None:
        self.watchers: set[_Mailbox] = set()
        self.task: asyncio.Task[None] | None = None


class SessionFeeds:
    """Per-process registry of account feeds."""

    def __init__(
        self,
        bus: EventBus,
        load: Callable[[int], Awaitable[list[Session]]],
        is_live: Callable[[str], Awaitable[bool]],
    ) -> None:
        self._bus = bus
        self._load = load
        self._is_live = is_live
        self._feeds: dict[int, _AccountFeed] = {}

    @contextlib.asynccontextmanager
    async def watch(
        self, account_id: int, *, initial_list: bool = True, holder: CredentialHolder | None = None
    ) -> AsyncIterator[AsyncIterator[Snapshot]]:
        """Snapshots of the account's sessions: the current one first, then one after every change.

        With ``initial_list=False`` the first snapshot carries no sessions (for watchers that only
        care about endings), which saves a database read per socket. With a ``holder`` (the socket the
        snapshots are for), a snapshot in which the holder's credential has ended is never handed out:
        the holder is ended instead, whatever the bus did or did not say.
        """
        queue = _Mailbox()
        # Registered before the first await, so no change between now and the initial read is missed.
        feed = self._feeds.get(account_id)
        if feed is None:
            feed = self._feeds[account_id] = _AccountFeed()
            feed.task = asyncio.create_task(self._run(account_id, feed), name=f"session-feed-{account_id}")
        feed.watchers.add(queue)
        try:
            # The first snapshot says nothing about endings: a watcher must check its session against the database.
            _offer(queue, _read(await self._load(account_id)) if initial_list else Snapshot([], None))
            yield queue if holder is None else self._drain_while_live(queue, holder)
        finally:
            feed.watchers.discard(queue)
            if not feed.watchers and self._feeds.get(account_id) is feed:
                del self._feeds[account_id]
                if feed.task is not None:
                    feed.task.cancel()

    async def _run(self, account_id: int, feed: _AccountFeed) -> None:
        async with self._bus.subscribe(account_topic(account_id)) as subscription:
            async for message in subscription:
                ended = _ended_ids(message)
                try:
                    sessions = await self._load(account_id)
                except Exception:
                    log.exception("session list reload failed account_id=%s", account_id)
                    continue
                snapshot = _read(sessions, ended)
                for queue in list(feed.watchers):
                    _offer(queue, snapshot)

    async def _drain_while_live(self, queue: _Mailbox, holder: CredentialHolder) -> AsyncIterator[Snapshot]:
        async for snapshot in queue:
            live = await self._holder_is_live(snapshot, holder)
            if live is False:
                await holder.end()
                return
            if live:
                yield snapshot
            # An idle socket waits here for the next change: it must not keep this snapshot's rows alive.
            del snapshot

    async def _holder_is_live(self, snapshot: Snapshot, holder: CredentialHolder) -> bool | None:
        """Whether the holder's credential is live in this snapshot (None: unknown, send nothing this time)."""
        credential = holder.credential_id
        if holder.ended or (snapshot.ended is not None and credential in snapshot.ended):
            return False
        listed = snapshot.memo.get("session-ids")
        if listed is None:
            listed = snapshot.memo["session-ids"] = frozenset(str(s.id) for s in snapshot.sessions)
        if credential in listed:
            return True
        if not holder.is_api_key and len(snapshot.sessions) < MAX_LISTED_SESSIONS and snapshot.memo.get("read"):
            # The snapshot holds every live session of the account, read from the database after the change.
            return False
        # An API key (or a session past a full list) is asked about once per snapshot, for every socket of it.
        asked = snapshot.memo.get(("live", credential))
        if asked is None:
            asked = snapshot.memo[("live", credential)] = asyncio.ensure_future(self._is_live(credential))
        try:
            return await asyncio.shield(asked)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("credential check failed; snapshot withheld account feed", exc_info=True)
            return None

    async def close(self) -> None:
        """Stop every feed (application shutdown)."""
        tasks = [feed.task for feed in self._feeds.values() if feed.task is not None]
        self._feeds.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _read(sessions: list[Session], ended: frozenset[str] | None = None) -> Snapshot:
    """A snapshot whose list was read from the database (so it tells which sessions are live)."""
    snapshot = Snapshot(sessions, ended)
    snapshot.memo["read"] = True
    return snapshot


def _ended_ids(message: Message | BusReset) -> frozenset[str] | None:
    """The credential ids an announcement says ended (None: unknown, after a reset or from a stranger)."""
    if isinstance(message, BusReset):
        return None
    ended = message.get("ended", [])
    if not isinstance(ended, list):
        return None
    return frozenset(str(item) for item in ended)


def _offer(queue: _Mailbox, snapshot: Snapshot) -> None:
    stale = queue.snapshot
    if stale is not None:
        if stale.ended is None or snapshot.ended is None:
            snapshot = Snapshot(snapshot.sessions, None, snapshot.memo)
        else:
            # Keep the endings the watcher has not seen yet: its own session may be among them.
            snapshot = Snapshot(snapshot.sessions, stale.ended | snapshot.ended, snapshot.memo)
    queue.snapshot = snapshot
    waiter = queue.waiter
    if waiter is not None and not waiter.done():
        waiter.set_result(None)
