"""Live session lists: one bus subscription and one database read per account, event and process.

Every socket watching an account shares that account's feed. When an event arrives, the feed reads the
account's live sessions once and hands the same snapshot to each watcher's one-slot mailbox (the newest
snapshot replaces an unread older one, so a slow socket costs no memory and never blocks the others).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from models import Session
from workestra import metrics
from workestra.events import BusReset, EventBus

log = logging.getLogger("workestra.feeds")


def account_topic(account_id: int) -> str:
    """The bus topic carrying an account's session changes."""
    return f"account:{account_id}"


class BusSessionEvents:
    """Announces session changes on the event bus (ids only; receivers reload from the database)."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus

    async def sessions_changed(self, account_id: int, *, ended: Sequence[str] = ()) -> None:
        try:
            await self._bus.publish(account_topic(account_id), json.dumps({"ended": list(ended)}))
        except Exception:
            metrics.EVENTS_FAILED.inc()
            raise
        metrics.EVENTS_PUBLISHED.inc()


@dataclass(frozen=True)
class Snapshot:
    """An account's live sessions after a change, and which sessions that change ended.

    ``ended`` is None when events may have been lost (the bus reconnected): watchers must re-check.
    """

    sessions: list[Session]
    ended: frozenset[str] | None
    # Per-snapshot cache shared by every watcher (e.g. the API views of the rows, built once).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


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

    def __init__(self, bus: EventBus, load: Callable[[int], Awaitable[list[Session]]]) -> None:
        self._bus = bus
        self._load = load
        self._feeds: dict[int, _AccountFeed] = {}

    @property
    def watched_accounts(self) -> int:
        """How many accounts have a feed on this process (for metrics and leak tests)."""
        return len(self._feeds)

    @contextlib.asynccontextmanager
    async def watch(self, account_id: int, *, initial_list: bool = True) -> AsyncIterator[AsyncIterator[Snapshot]]:
        """Snapshots of the account's sessions: the current one first, then one after every change.

        With ``initial_list=False`` the first snapshot carries no sessions (for watchers that only
        care about endings), which saves a database read per socket.
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
            _offer(queue, Snapshot(await self._load(account_id) if initial_list else [], None))
            yield queue
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
                snapshot = Snapshot(sessions, ended)
                for queue in list(feed.watchers):
                    _offer(queue, snapshot)

    async def close(self) -> None:
        """Stop every feed (application shutdown)."""
        tasks = [feed.task for feed in self._feeds.values() if feed.task is not None]
        self._feeds.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _ended_ids(message: str | BusReset) -> frozenset[str] | None:
    if isinstance(message, BusReset):
        return None
    try:
        ended = json.loads(message).get("ended", [])
        return frozenset(str(item) for item in ended)
    except (ValueError, AttributeError, TypeError):
        return None


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
