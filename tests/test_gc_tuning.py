"""The server process's garbage-collector settings: start-up objects frozen, young passes rare enough that a
fan-out's in-flight objects are gone before a pass sees them (bench/README.md, B2)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from asgi_lifespan import LifespanManager

from auth.clock import FrozenClock
from workestra.app import GC_YOUNG_THRESHOLD, create_app
from workestra.settings import Settings


@pytest.fixture
def restored_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


async def test_a_server_process_freezes_start_up_and_raises_the_young_threshold(
    settings: Settings, clock: FrozenClock, restored_gc: None
) -> None:
    gc.unfreeze()
    default_young = gc.get_threshold()[0]
    assert default_young < GC_YOUNG_THRESHOLD
    async with LifespanManager(create_app(settings, clock=clock, freeze_gc_after_start=True)):
        assert gc.get_threshold()[0] == GC_YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0


async def test_apps_built_for_tests_leave_the_collector_alone(
    settings: Settings, clock: FrozenClock, restored_gc: None
) -> None:
    before = gc.get_threshold()
    async with LifespanManager(create_app(settings, clock=clock)):
        assert gc.get_threshold() == before
