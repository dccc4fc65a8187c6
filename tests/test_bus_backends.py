"""What the event bus relies on in broadcaster's private backends (``broadcaster._backends.*``).

``workestra.bus_wire.make_backend`` imports them because broadcaster 0.3.1 exports them nowhere else. These
tests pin the behaviour the bus depends on, so an upgrade that changes it fails here, not in production:
the in-memory backend delivers what is published on a subscribed channel, in order, and nothing else; the
PostgreSQL backend carries a NOTIFY from one connection to another (two processes) and refuses a payload
over PostgreSQL's 8000-byte limit (which the bus reports as unavailable, never as a silent loss).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from broadcaster import BroadcastBackend

from tests.support.databases import PG_ADMIN_URL, REQUIRE_SERVICES, reachable
from workestra import bus_wire
from workestra.events import EventBus, EventBusUnavailable

pytestmark = pytest.mark.asyncio

WAIT = 10.0


def _channel() -> str:
    return f"test_{uuid.uuid4().hex}"


async def _next(backend: BroadcastBackend) -> tuple[str, str]:
    event = await asyncio.wait_for(backend.next_published(), WAIT)
    return event.channel, event.message


@pytest_asyncio.fixture
async def memory() -> AsyncIterator[BroadcastBackend]:
    backend = bus_wire.make_backend("memory://")
    await backend.connect()
    yield backend
    await backend.disconnect()


def _postgres_url() -> str:
    if not reachable("127.0.0.1", 5432) and "127.0.0.1:5432" in PG_ADMIN_URL:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but PostgreSQL is not reachable", pytrace=False)
        pytest.skip("PostgreSQL is not reachable")
    return PG_ADMIN_URL


async def test_memory_delivers_subscribed_channels_in_order_and_nothing_else(memory: BroadcastBackend) -> None:
    assert type(memory).__module__ == "broadcaster._backends.memory"
    ours = _channel()
    await memory.subscribe(ours)
    await memory.publish(_channel(), "for another channel")
    await memory.publish(ours, "first")
    await memory.publish(ours, "second")
    assert await _next(memory) == (ours, "first")
    assert await _next(memory) == (ours, "second")


async def test_memory_stops_delivering_after_unsubscribe(memory: BroadcastBackend) -> None:
    ours, marker = _channel(), _channel()
    await memory.subscribe(ours)
    await memory.subscribe(marker)
    await memory.unsubscribe(ours)
    await memory.publish(ours, "after unsubscribe")
    await memory.publish(marker, "marker")
    assert await _next(memory) == (marker, "marker")


async def test_postgres_notify_reaches_another_connection() -> None:
    url = _postgres_url()
    listener, publisher = bus_wire.make_backend(url), bus_wire.make_backend(url)
    assert type(listener).__module__ == "broadcaster._backends.postgres"
    await listener.connect()
    await publisher.connect()
    try:
        # Mixed case and a dash: LISTEN must quote the channel name as the bus's default names are not.
        channel = f"Test-{uuid.uuid4().hex}"
        await listener.subscribe(channel)
        await publisher.publish(channel, bus_wire.encode("account:1", {"ended": ["a"]}))
        await publisher.publish(_channel(), "for another channel")
        await publisher.publish(channel, "second")
        assert await _next(listener) == (channel, '{"t":"account:1","m":{"ended":["a"]}}')
        assert await _next(listener) == (channel, "second")
    finally:
        await listener.disconnect()
        await publisher.disconnect()


async def test_postgres_refuses_a_payload_over_8000_bytes() -> None:
    backend = bus_wire.make_backend(_postgres_url())
    await backend.connect()
    try:
        with pytest.raises(Exception, match="payload string too long"):
            await backend.publish(_channel(), "x" * 8000)
    finally:
        await backend.disconnect()


async def test_the_bus_over_postgres_round_trips_and_reports_an_oversized_message() -> None:
    url = _postgres_url()
    channel = _channel()
    sending, receiving = EventBus(url, channel=channel), EventBus(url, channel=channel)
    await sending.connect()
    await receiving.connect()
    try:
        async with receiving.subscribe("account:3") as sub:
            await sending.publish("account:3", {"ended": ["s1"]})
            assert await asyncio.wait_for(sub.__anext__(), WAIT) == {"ended": ["s1"]}
            with pytest.raises(EventBusUnavailable):
                await sending.publish("account:3", {"ended": ["x" * 8000]})
    finally:
        await sending.disconnect()
        await receiving.disconnect()
