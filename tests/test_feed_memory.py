"""What an idle subscriber keeps between changes: the snapshot it was handed (the account's rows) is let go
while it waits for the next one, so thousands of sockets of one account do not each hold their own first read."""

from __future__ import annotations

import asyncio
import gc
import uuid
import weakref
from collections.abc import AsyncIterator

import pytest_asyncio

from workestra.events import EventBus
from workestra.feeds import SessionFeeds, account_topic


class Row:
    """Stands for a session row: only its id is read (``Snapshot`` ids) and whether it is still alive."""

    def __init__(self, session_id: str) -> None:
        self.id = session_id


class Holder:
    def __init__(self, credential_id: str) -> None:
        self.credential_id = credential_id
        self.is_api_key = False
        self.ended = False

    async def end(self) -> None:
        self.ended = True


@pytest_asyncio.fixture
async def bus() -> AsyncIterator[EventBus]:
    event_bus = EventBus("memory://", channel=f"test-{uuid.uuid4().hex}")
    await event_bus.connect()
    try:
        yield event_bus
    finally:
        await event_bus.disconnect()


async def test_a_waiting_subscriber_does_not_keep_the_rows_it_was_handed(bus: EventBus) -> None:
    mine = str(uuid.uuid4())
    handed: list[weakref.ref[Row]] = []

    async def load(account_id: int) -> list[Row]:
        rows = [Row(mine), Row(str(uuid.uuid4()))]
        handed.extend(weakref.ref(row) for row in rows)
        return rows  # type: ignore[return-value]

    async def is_live(credential: str) -> bool:
        return True

    feeds = SessionFeeds(bus, load, is_live)
    async with feeds.watch(7, holder=Holder(mine)) as snapshots:
        first = await anext(snapshots)
        assert [row.id for row in first.sessions][0] == mine
        del first
        waiting = asyncio.ensure_future(anext(snapshots))
        await asyncio.sleep(0.05)
        gc.collect()
        assert len(handed) == 2 and all(ref() is None for ref in handed)
        await bus.publish(account_topic(7), {"ended": []})
        second = await asyncio.wait_for(waiting, 5)
        assert [row.id for row in second.sessions][0] == mine
    await feeds.close()
