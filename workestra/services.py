"""The long-lived collaborators of one process, built once from settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial

from auth.clock import Clock, SystemClock
from auth.location import LocationResolver
from auth.passwords import PasswordHasher, PasswordPolicy
from auth.sessions import SessionPolicy, list_active_sessions, sweep_expired_sessions
from workestra.events import EventBus
from workestra.feeds import BusSessionEvents, SessionFeeds
from workestra.settings import Settings

log = logging.getLogger("workestra.services")


@dataclass
class Services:
    """Everything a request needs besides its own data."""

    settings: Settings
    clock: Clock
    hasher: PasswordHasher
    password_policy: PasswordPolicy
    session_policy: SessionPolicy
    locations: LocationResolver
    bus: EventBus
    events: BusSessionEvents
    feeds: SessionFeeds

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock | None = None) -> Services:
        """Wire the collaborators for ``settings`` (nothing connects until ``running``)."""
        clock = clock or SystemClock()
        session_policy = SessionPolicy(
            web_idle_timeout=settings.web_idle_timeout,
            mobile_idle_timeout=settings.mobile_idle_timeout,
            absolute_lifetime=settings.session_absolute_lifetime,
            activity_write_interval=settings.activity_write_interval,
        )
        bus = EventBus(settings.broadcast_url, channel=settings.broadcast_channel)
        load = partial(list_active_sessions, clock=clock, policy=session_policy)
        return cls(
            settings=settings,
            clock=clock,
            hasher=PasswordHasher(
                time_cost=settings.argon2_time_cost,
                memory_cost=settings.argon2_memory_cost,
                parallelism=settings.argon2_parallelism,
                concurrency=settings.hash_concurrency,
            ),
            password_policy=PasswordPolicy(),
            session_policy=session_policy,
            locations=LocationResolver(settings.geoip_database),
            bus=bus,
            events=BusSessionEvents(bus),
            feeds=SessionFeeds(bus, load),
        )

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Services]:
        """Connect the event bus and run the periodic sweep for the lifetime of the app."""
        await self.bus.connect()
        sweeper = asyncio.create_task(self._sweep_forever(), name="session-sweep")
        try:
            yield self
        finally:
            sweeper.cancel()
            await asyncio.gather(sweeper, return_exceptions=True)
            await self.feeds.close()
            await self.bus.disconnect()

    async def sweep_once(self) -> int:
        """End sessions past their timeouts; returns how many this process ended."""
        return await sweep_expired_sessions(clock=self.clock, policy=self.session_policy, events=self.events)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.settings.session_sweep_interval)
            try:
                ended = await self.sweep_once()
            except Exception:
                log.exception("session sweep failed")
            else:
                if ended:
                    log.info("expired sessions ended", extra={"count": ended})

