"""Behavioural tests for workestra.events, against memory:// and a private redis-server.

The Redis tests start their own redis-server on a free port (never the shared
one on 6379).  Without the binary they skip, unless REQUIRE_SERVICES=1, in
which case they fail.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
import pytest_asyncio
import redis

from tests.support.redis_server import RedisServer, RedisServerError
from tests.support.server import free_port
from workestra import redis_pubsub
from workestra.events import BusReset, EventBus, EventBusUnavailable, Message, Subscription
from workestra.feeds import SessionAnnouncer, account_topic

pytestmark = pytest.mark.asyncio

# Upper bound for anything that should happen "soon"; tests normally finish far quicker.
WAIT = 10.0


# -- private redis-server ------------------------------------------------------


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        _unavailable("redis-server is not on PATH; Redis event bus tests need it")
        raise AssertionError("unreachable")
    server = RedisServer(binary, free_port(), tmp_path_factory.mktemp("redis"))
    try:
        server.start()
    except RedisServerError as exc:
        server.stop()
        _unavailable(str(exc))
    try:
        yield server
    finally:
        server.thaw()
        server.stop()


@pytest.fixture
def live_redis(redis_server: RedisServer) -> Iterator[RedisServer]:
    """The private server, guaranteed up again after a test that broke it."""
    redis_server.start()
    try:
        yield redis_server
    finally:
        redis_server.thaw()
        redis_server.start()


# -- bus fixtures and helpers ----------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def bus_url(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return "memory://"
    server: RedisServer = request.getfixturevalue("live_redis")
    return server.url


def _make_bus(url: str, **kwargs: object) -> EventBus:
    # A unique channel per test keeps tests independent on the shared private server.
    options: dict[str, object] = {
        "channel": f"test-{uuid.uuid4().hex}",
        "queue_size": 8,
        "reconnect_delay": 0.05,
        "max_reconnect_delay": 0.5,
    }
    options.update(kwargs)
    return EventBus(url, **options)  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def bus(bus_url: str) -> AsyncIterator[EventBus]:
    event_bus = _make_bus(bus_url)
    await event_bus.connect()
    try:
        yield event_bus
    finally:
        await event_bus.disconnect()


def note(text: str) -> Message:
    """A message carrying one string, so a test can tell messages apart."""
    return {"note": text}


async def next_item(sub: Subscription, timeout: float = WAIT) -> Message | BusReset:
    return await asyncio.wait_for(sub.__anext__(), timeout)


async def wait_until(predicate: Callable[[], bool | Awaitable[bool]], what: str, timeout: float = WAIT) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = predicate()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


@pytest.fixture
def fast_keepalive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrink the pub/sub keepalive so a silent connection is noticed in under a second."""
    monkeypatch.setattr(redis_pubsub, "_PUBSUB_POLL_INTERVAL", 0.1)
    monkeypatch.setattr(redis_pubsub, "_KEEPALIVE_IDLE", 0.3)
    monkeypatch.setattr(redis_pubsub, "_KEEPALIVE_TIMEOUT", 0.5)


# -- behaviour on every backend ----------------------------------------------------


async def test_publish_is_received_by_topic_subscriber(bus: EventBus) -> None:
    async with bus.subscribe("account:42") as sub:
        await bus.publish("account:42", note("session:1"))
        await bus.publish("account:42", note("session:2"))
        assert await next_item(sub) == note("session:1")
        assert await next_item(sub) == note("session:2")


async def test_no_cross_topic_leakage(bus: EventBus) -> None:
    async with bus.subscribe("account:1") as one, bus.subscribe("account:2") as two:
        await bus.publish("account:2", note("for-two"))
        await bus.publish("account:1", note("for-one"))
        await bus.publish("account:3", note("for-nobody"))
        await bus.publish("account:1", note("marker"))
        # One channel preserves order, so had "for-two" leaked it would come first.
        assert await next_item(one) == note("for-one")
        assert await next_item(one) == note("marker")
        assert await next_item(two) == note("for-two")
        await bus.publish("account:2", note("marker"))
        assert await next_item(two) == note("marker")


async def test_two_concurrent_first_subscribers_both_receive(bus: EventBus) -> None:
    topic = "account:7"
    ready = [asyncio.Event(), asyncio.Event()]

    async def consumer(index: int) -> Message | BusReset:
        async with bus.subscribe(topic) as sub:
            ready[index].set()
            return await next_item(sub)

    tasks = [asyncio.create_task(consumer(i)) for i in range(2)]
    await asyncio.wait_for(asyncio.gather(*(event.wait() for event in ready)), WAIT)
    assert bus.subscriber_count(topic) == 2
    await bus.publish(topic, note("hello"))
    assert await asyncio.wait_for(asyncio.gather(*tasks), WAIT) == [note("hello"), note("hello")]
    assert bus.subscriber_count(topic) == 0


async def test_subscription_is_registered_before_any_await(bus: EventBus) -> None:
    context = bus.subscribe("account:8")
    entering = context.__aenter__()
    # Drive __aenter__ one step by hand: it must finish without suspending even once.
    with pytest.raises(StopIteration) as finished:
        entering.send(None)
    sub = finished.value.value
    assert isinstance(sub, Subscription)
    assert bus.subscriber_count("account:8") == 1
    await context.__aexit__(None, None, None)
    assert bus.subscriber_count("account:8") == 0


async def test_slow_subscriber_gets_bus_reset_and_others_keep_flowing(
    bus: EventBus, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="workestra.events")
    async with bus.subscribe("account:5") as slow, bus.subscribe("account:5") as fast:
        sent = [f"secret-payload-{i}" for i in range(20)]
        for message in sent:
            await bus.publish("account:5", note(message))
            # Lock-step: the listener must keep serving `fast` while `slow` is full.
            assert await next_item(fast) == note(message)

        backlog = slow._queue.qsize()
        assert backlog <= 8, "slow subscriber's memory must stay bounded"
        first = await next_item(slow)
        assert isinstance(first, BusReset)
        assert first.reason == "overflow"
        rest = [await next_item(slow) for _ in range(backlog - 1)]
        assert rest == [note(m) for m in sent[len(sent) - len(rest) :]], "what survives is the newest tail"

        # Still registered and served after the reset.
        await bus.publish("account:5", note("after"))
        assert await next_item(slow) == note("after")
        assert await next_item(fast) == note("after")

    assert "fell behind" in caplog.text
    assert "secret-payload" not in caplog.text


# Not one of our envelopes: each must be dropped with one log line, and the listener must carry on.
FOREIGN_MESSAGES = [
    "not json secret-payload",
    '"secret-payload"',
    '["account:9", "secret-payload"]',
    '{"t": 1, "m": {"secret": "secret-payload"}}',
    # The format of old, a message encoded as a string inside the envelope: one envelope per message now.
    '{"t": "account:9", "m": "{\\"ended\\": [\\"secret-payload\\"]}"}',
    '{"t": "account:9", "m": {"ended": []}, "x": "secret-payload"}',
    '{"t": "account:9"}',
    '{"reset": "secret-payload"}',
    '{"reset": true, "t": "secret-payload"}',
    # Nested past the decoder's recursion limit.
    '{"t": "account:9", "m": {"a": ' + "[" * 100_000 + '"secret-payload"' + "]" * 100_000 + "}}",
    "\u0000secret-payload",
]


async def test_malformed_or_foreign_messages_are_dropped_with_a_log_line_and_the_listener_survives(
    bus: EventBus, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="workestra.events")
    async with bus.subscribe("account:9") as sub:
        assert bus._backend is not None
        for raw in FOREIGN_MESSAGES:
            # Straight onto the channel, as another publisher sharing it would.
            await bus._backend.publish(bus._channel, raw)
        await bus.publish("account:9", note("ok"))
        assert await next_item(sub) == note("ok")
        assert sub._queue.empty(), "nothing of the foreign messages reached the subscriber"
        assert bus.healthy
    dropped = [r for r in caplog.records if "malformed" in r.getMessage()]
    assert len(dropped) == len(FOREIGN_MESSAGES)
    assert "secret-payload" not in caplog.text


async def test_only_a_json_object_can_be_published(bus: EventBus) -> None:
    with pytest.raises(TypeError):
        await bus.publish("account:9", "a string would be a second encoding")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await bus.publish(9, note("x"))  # type: ignore[arg-type]


async def test_listener_failure_is_supervised_and_subscribers_get_bus_reset(
    bus: EventBus, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="workestra.events")
    original = bus._dispatch
    calls = 0

    def dispatch_failing_once(raw: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError(f"listener blew up on {raw}")
        original(raw)

    monkeypatch.setattr(bus, "_dispatch", dispatch_failing_once)
    async with bus.subscribe("account:11") as sub:
        await bus.publish("account:11", note("secret-payload"))
        item = await next_item(sub)
        assert isinstance(item, BusReset)
        assert item.reason == "reconnect"
        assert bus.healthy
        await bus.publish("account:11", note("after"))
        assert await next_item(sub) == note("after")
    assert "listener failed" in caplog.text
    assert "secret-payload" not in caplog.text


async def test_ping_and_healthy_follow_connection_state(bus_url: str) -> None:
    event_bus = _make_bus(bus_url)
    assert not event_bus.healthy
    assert await event_bus.ping() is False
    await event_bus.connect()
    try:
        assert event_bus.healthy
        assert await event_bus.ping() is True
    finally:
        await event_bus.disconnect()
    assert not event_bus.healthy
    assert await event_bus.ping() is False


async def test_disconnect_is_idempotent_and_ends_subscriptions(bus_url: str) -> None:
    event_bus = _make_bus(bus_url)
    await event_bus.disconnect()  # never connected: still fine
    await event_bus.connect()
    received: list[str | BusReset] = []
    entered = asyncio.Event()

    async def consumer() -> None:
        async with event_bus.subscribe("account:12") as sub:
            entered.set()
            async for item in sub:
                received.append(item)

    task = asyncio.create_task(consumer())
    await asyncio.wait_for(entered.wait(), WAIT)
    await event_bus.disconnect()
    await asyncio.wait_for(task, WAIT)  # iteration ended instead of hanging
    await event_bus.disconnect()
    assert received == []
    assert event_bus.subscriber_count() == 0
    with pytest.raises(EventBusUnavailable):
        await event_bus.publish("account:12", note("x"))
    with pytest.raises(EventBusUnavailable):
        async with event_bus.subscribe("account:12"):
            pass


async def test_subscriber_exit_unregisters(bus: EventBus) -> None:
    async with bus.subscribe("account:13") as sub:
        assert bus.subscriber_count("account:13") == 1
    assert bus.subscriber_count() == 0
    # A subscription used after its block ends stops instead of hanging.
    assert [item async for item in sub] == []

    with pytest.raises(ValueError):
        async with bus.subscribe("account:13"):
            raise ValueError("boom")
    assert bus.subscriber_count() == 0


async def test_cancelled_subscriber_unregisters_and_stays_cancelled(bus: EventBus) -> None:
    entered = asyncio.Event()

    async def consumer() -> None:
        async with bus.subscribe("account:14") as sub:
            entered.set()
            async for _ in sub:
                pass

    task = asyncio.create_task(consumer())
    await asyncio.wait_for(entered.wait(), WAIT)
    assert bus.subscriber_count("account:14") == 1
    task.cancel()
    await asyncio.wait({task}, timeout=WAIT)
    assert task.cancelled(), "CancelledError must propagate, not be swallowed"
    assert bus.subscriber_count() == 0
    # The listener is unaffected and still delivers to others.
    async with bus.subscribe("account:14") as other:
        await bus.publish("account:14", note("still-alive"))
        assert await next_item(other) == note("still-alive")


# -- Redis-specific failure modes ---------------------------------------------------


async def test_redis_restart_mid_subscription(live_redis: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="workestra.events")
    loop = asyncio.get_running_loop()
    event_bus = _make_bus(live_redis.url)
    await event_bus.connect()
    try:
        async with event_bus.subscribe("account:21") as sub:
            await event_bus.publish("account:21", note("before"))
            assert await next_item(sub) == note("before")

            live_redis.stop()
            # Published before the listener has even noticed: the publish path
            # itself must fail fast.
            started = loop.time()
            with pytest.raises(EventBusUnavailable):
                await event_bus.publish("account:21", note("lost-1"))
            assert loop.time() - started < 3.0

            await wait_until(lambda: not event_bus.healthy, "listener to notice the crash")
            assert await event_bus.ping() is False
            started = loop.time()
            with pytest.raises(EventBusUnavailable):
                await event_bus.publish("account:21", note("lost-2"))
            assert loop.time() - started < 3.0

            await asyncio.to_thread(live_redis.start)
            item = await next_item(sub)
            assert isinstance(item, BusReset), item
            assert item.reason == "reconnect"
            assert event_bus.healthy
            await event_bus.publish("account:21", note("after"))
            assert await next_item(sub) == note("after")
            await wait_until(event_bus.ping, "ping() to recover")
    finally:
        await event_bus.disconnect()
    assert "listener failed" in caplog.text
    assert "reconnected" in caplog.text
    assert "lost-" not in caplog.text and "before" not in caplog.text


async def test_publish_and_ping_time_out_when_redis_stops_answering(
    live_redis: RedisServer,
) -> None:
    loop = asyncio.get_running_loop()
    event_bus = _make_bus(live_redis.url)
    await event_bus.connect()
    try:
        live_redis.freeze()
        # The default keepalive has not fired yet, so this exercises the publish
        # timeout itself rather than a connection the listener already closed.
        started = loop.time()
        with pytest.raises(EventBusUnavailable) as raised:
            await event_bus.publish("account:22", note("lost"))
        elapsed = loop.time() - started
        assert 1.0 < elapsed < 4.0, elapsed
        assert "timed out" in str(raised.value)
        started = loop.time()
        assert await event_bus.ping() is False
        assert loop.time() - started < 2.0
    finally:
        live_redis.thaw()
        await event_bus.disconnect()


async def test_silent_redis_is_detected_by_keepalive_and_recovers(
    live_redis: RedisServer, fast_keepalive: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="workestra.events")
    event_bus = _make_bus(live_redis.url)
    await event_bus.connect()
    try:
        async with event_bus.subscribe("account:22") as sub:
            live_redis.freeze()
            await wait_until(lambda: not event_bus.healthy, "keepalive to flag the silent link")
            assert await event_bus.ping() is False
            live_redis.thaw()
            item = await next_item(sub)
            assert isinstance(item, BusReset), item
            await event_bus.publish("account:22", note("after"))
            assert await next_item(sub) == note("after")
    finally:
        live_redis.thaw()
        await event_bus.disconnect()
    assert "stopped answering PING" in caplog.text


async def test_disconnect_with_dead_redis_does_not_raise(live_redis: RedisServer) -> None:
    event_bus = _make_bus(live_redis.url)
    await event_bus.connect()
    live_redis.stop()
    await event_bus.disconnect()
    await event_bus.disconnect()
    assert not event_bus.healthy


async def test_connect_to_unreachable_redis_fails_fast() -> None:
    event_bus = _make_bus(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(EventBusUnavailable):
        await asyncio.wait_for(event_bus.connect(), WAIT)
    assert not event_bus.healthy
    await event_bus.disconnect()


async def test_wire_format_is_json_envelope_on_one_channel(live_redis: RedisServer) -> None:
    event_bus = _make_bus(live_redis.url)
    await event_bus.connect()
    raw = redis.asyncio.Redis.from_url(live_redis.url)
    pubsub = raw.pubsub(ignore_subscribe_messages=True)
    try:
        await pubsub.subscribe(event_bus._channel)
        await event_bus.publish("account:23", note("session:9"))
        message = None
        deadline = loop_time() + WAIT
        while message is None and loop_time() < deadline:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
        assert message is not None
        # One envelope, the message a JSON object inside it (not a second encoding in a string).
        assert message["data"] == b'{"t":"account:23","m":{"note":"session:9"}}'
    finally:
        await pubsub.aclose()
        await raw.aclose()
        await event_bus.disconnect()


def loop_time() -> float:
    return asyncio.get_running_loop().time()


async def test_rejects_unknown_scheme_and_bad_options() -> None:
    with pytest.raises(ValueError):
        EventBus("kafka://localhost")
    with pytest.raises(ValueError):
        EventBus("memory://", queue_size=0)
    with pytest.raises(ValueError):
        EventBus("memory://", reconnect_delay=2.0, max_reconnect_delay=1.0)


# -- the announcer: after commit, retried, merged, never dropped ---------------------------------------


async def test_an_announcement_the_bus_refuses_is_retried_until_it_is_taken(bus_url: str) -> None:
    bus = _make_bus(bus_url)
    announcer = SessionAnnouncer(bus, activity_interval=5, retry_delay=0.05, max_retry_delay=0.1)
    runner = asyncio.create_task(announcer.run())
    try:
        # Not connected yet: the publish is refused, and the announcement must wait rather than vanish.
        await announcer.sessions_changed(7, ended=["s1"])
        await asyncio.sleep(0.3)
        assert announcer.pending == 1
        await bus.connect()
        async with bus.subscribe(account_topic(7)) as sub:
            assert await next_item(sub) == {"ended": ["s1"]}
        assert announcer.pending == 0
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await bus.disconnect()


async def test_past_the_pending_cap_announcements_become_one_reset_for_every_process(live_redis: RedisServer) -> None:
    # Two buses on one channel stand for two processes (memory:// cannot cross processes).
    channel = f"test-{uuid.uuid4().hex}"
    publishing, listening = _make_bus(live_redis.url, channel=channel), _make_bus(live_redis.url, channel=channel)
    await listening.connect()
    announcer = SessionAnnouncer(publishing, activity_interval=5, max_pending=2, retry_delay=0.05)
    runner = asyncio.create_task(announcer.run())
    try:
        async with listening.subscribe(account_topic(1)) as sub:
            for account in (1, 2, 3):
                await announcer.sessions_changed(account)
            await asyncio.sleep(0.2)
            await publishing.connect()
            item = await next_item(sub)
            assert isinstance(item, BusReset) and item.reason == "remote"
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await publishing.disconnect()
        await listening.disconnect()
