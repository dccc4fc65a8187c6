"""The long-lived collaborators of one process, built once from settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, partial

from tortoise.backends.base.client import BaseDBAsyncClient

from auth.accounts import PasswordCheck
from auth.api_keys import announce_expired_api_keys, credential_is_live
from auth.audit import prune_security_events
from auth.challenges import prune_challenges
from auth.clock import Clock, SystemClock
from auth.devices import parse_device
from auth.location import LocationResolver
from auth.lockout import LockoutPolicy
from auth.notices import Mail
from auth.passwords import PasswordHasher, PasswordPolicy
from auth.recovery import Recovery, RecoveryPolicy, prune_reset_links
from auth.recovery_limits import prune_reset_requests
from auth.secret_box import SecretBox
from auth.sessions import SessionPolicy, list_active_sessions, sweep_expired_sessions
from auth.throttle import AttemptGuard, SignUpLimit
from auth.two_factor import prune_pending_setups
from models.outbox import OutboxMessage
from workestra import mail as outbox_table
from workestra import metrics
from workestra.events import EventBus
from workestra.feeds import SessionAnnouncer, SessionFeeds
from workestra.lease import JobLease
from workestra.mail import SMTP_TIMEOUT_SECONDS, MailSender
from workestra.secret_key import resolve_secret_key
from workestra.settings import Settings
from workestra.socket_session import AccountQuota
from workestra.sockets import LiveSockets

log = logging.getLogger("workestra.services")

# The sweep's lease lasts this many sweep intervals: a process that stops sweeping is replaced after it.
SWEEP_LEASE_INTERVALS = 3


class MailOutbox:
    """Queues mails in the outbox table (inside the caller's transaction) and nudges the sender."""

    def __init__(self, sender: MailSender) -> None:
        self.sender = sender

    async def enqueue(self, mail: Mail, *, now: datetime, using_db: BaseDBAsyncClient | None = None) -> None:
        await outbox_table.enqueue(mail, now=now, using_db=using_db)

    def wake(self) -> None:
        self.sender.wake()


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
    events: SessionAnnouncer
    feeds: SessionFeeds
    sockets: LiveSockets
    guard: AttemptGuard
    sign_up_limit: SignUpLimit
    outbox: MailOutbox
    password_check: PasswordCheck
    secret_box: SecretBox
    subscriptions: AccountQuota

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock | None = None) -> Services:
        """Wire the collaborators for ``settings`` (nothing connects until ``running``)."""
        clock = clock or SystemClock()
        session_policy = _session_policy(settings)
        bus = EventBus(settings.broadcast_url, channel=settings.broadcast_channel)
        load = partial(list_active_sessions, clock=clock, policy=session_policy)
        hasher = _password_hasher(settings)
        password_policy = PasswordPolicy()
        guard = _attempt_guard(settings, clock)
        outbox = MailOutbox(
            MailSender(
                smtp_url=settings.smtp_url,
                mail_from=settings.mail_from,
                clock=clock,
                retry_for_seconds=settings.mail_retry_for,
            )
        )
        events = SessionAnnouncer(bus, activity_interval=settings.activity_announce_interval)
        feeds = SessionFeeds(bus, load, partial(credential_is_live, clock=clock, policy=session_policy))
        return cls(
            settings=settings,
            clock=clock,
            hasher=hasher,
            password_policy=password_policy,
            session_policy=session_policy,
            locations=LocationResolver(settings.geoip_database),
            bus=bus,
            events=events,
            feeds=feeds,
            sockets=LiveSockets(
                feeds,
                clock=clock,
                policy=session_policy,
                events=events,
                interval=settings.socket_check_interval_ms / 1000,
            ),
            guard=guard,
            sign_up_limit=SignUpLimit(
                settings.signup_ip_limit, settings.signup_ip_window, clock, ipv6_prefix=settings.ipv6_limit_prefix
            ),
            outbox=outbox,
            password_check=PasswordCheck(hasher, password_policy, guard, outbox, clock),
            secret_box=SecretBox.from_secret_key(resolve_secret_key(settings)),
            subscriptions=AccountQuota(settings.max_subscriptions_per_account),
        )

    @cached_property
    def recovery(self) -> Recovery:
        """The collaborators of account recovery (reset links by mail)."""
        return Recovery(_recovery_policy(self.settings), self.password_check, self.secret_box, self.events)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Services]:
        """Connect the event bus; run the announcer, the socket check and the periodic sweep for the app's life."""
        # Pay one-off costs before the first request rather than inside it: the timing-equaliser
        # hash, and the User-Agent rules (~140 ms to load, on the event loop otherwise).
        await self.hasher.prepare()
        await asyncio.to_thread(parse_device, "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
        await self.bus.connect()
        # One process sweeps at a time; the lease outlasts a few intervals, so a crashed holder is replaced soon.
        lease = JobLease("sweep", SWEEP_LEASE_INTERVALS * self.settings.session_sweep_interval, self.clock)
        tasks = [
            asyncio.create_task(self._sweep_forever(lease), name="session-sweep"),
            asyncio.create_task(self.events.run(), name="session-announcer"),
            asyncio.create_task(self.sockets.run(), name="socket-check"),
            asyncio.create_task(self._refresh_metrics_forever(), name="metrics-refresh"),
        ]
        mailer = asyncio.create_task(self.outbox.sender.run(), name="mail-sender")
        try:
            yield self
        finally:
            # Changes committed just before the stop still reach the other processes' dashboards.
            await self.events.flush(timeout=1)
            await _stop(tasks)
            await _release(lease)
            await self._stop_mail(mailer)
            # Attempts still evaluating here will not finish: their emails must not wait for the claims to expire.
            try:
                released = await self.guard.release_held()
            except Exception as exc:
                log.error("releasing attempt claims at shutdown failed: %s", type(exc).__name__)
            else:
                if released:
                    log.warning("stopping with attempts in flight; released claims count=%d", released)
            await self.guard.close()
            await self.sockets.close()
            await self.feeds.close()
            await self.bus.disconnect()
            self.locations.close()

    async def _stop_mail(self, mailer: asyncio.Task[None]) -> None:
        """Let the mail being sent finish (one SMTP conversation at most), then hand the rest to other processes."""
        sender = self.outbox.sender
        sender.stop()
        await asyncio.wait({mailer}, timeout=SMTP_TIMEOUT_SECONDS + 1)
        mailer.cancel()
        await asyncio.gather(mailer, return_exceptions=True)
        try:
            await sender.release_held()
        except Exception as exc:
            log.error("releasing claimed mail at shutdown failed: %s", type(exc).__name__)

    async def sweep_once(self) -> int:
        """End sessions past their timeouts, forget stale IP failures, challenges and old audit events.

        Also announces API keys that just expired, so the sockets opened with them close.

        Returns the sessions ended.
        """
        await self.guard.prune()
        await self.sign_up_limit.prune()
        await prune_challenges(clock=self.clock)
        await prune_pending_setups(clock=self.clock)
        await prune_reset_links(clock=self.clock)
        await prune_reset_requests(clock=self.clock, window_seconds=self.recovery.policy.window_seconds)
        await prune_security_events(clock=self.clock, retention_days=self.settings.audit_retention_days)
        # Two intervals, so that a late sweep still sees a key that expired just after the previous one.
        window = 2 * self.settings.session_sweep_interval
        await announce_expired_api_keys(clock=self.clock, events=self.events, window_seconds=window)
        return await sweep_expired_sessions(clock=self.clock, policy=self.session_policy, events=self.events)

    async def _sweep_forever(self, lease: JobLease) -> None:
        while True:
            await asyncio.sleep(self.settings.session_sweep_interval)
            await self._sweep_if_held(lease)

    async def _sweep_if_held(self, lease: JobLease) -> None:
        try:
            if not await lease.claim():
                return
            with metrics.SWEEP_SECONDS.time():
                ended = await self.sweep_once()
        except Exception:
            log.exception("session sweep failed")
        else:
            if ended:
                log.info("expired sessions ended count=%d", ended)

    async def refresh_metrics(self) -> None:
        """Set the gauges that are read, not counted: outbox depth and age, dead mails, bus state, hash queue."""
        metrics.BUS_UP.set(1 if self.bus.healthy else 0)
        metrics.HASH_QUEUE.set(self.hasher.waiting)
        pending = OutboxMessage.filter(sent_at__isnull=True, failed_at__isnull=True)
        metrics.OUTBOX_PENDING.set(await pending.count())
        # values_list(flat=True) yields bare values; Tortoise types every values_list row as a tuple.
        first = pending.order_by("created_at").limit(1)
        oldest: list[datetime] = await first.values_list("created_at", flat=True)  # type: ignore[assignment]
        age = (self.clock.now() - oldest[0]).total_seconds() if oldest else 0
        metrics.OUTBOX_OLDEST_PENDING_AGE.set(max(0.0, age))
        metrics.DEAD_MAILS.set(await OutboxMessage.filter(failed_at__isnull=False).count())

    async def _refresh_metrics_forever(self) -> None:
        # A periodic task rather than a collector: a scrape must never wait on the database.
        while self.settings.metrics_enabled:
            try:
                await self.refresh_metrics()
            except Exception as exc:
                log.warning("metrics refresh failed: %s", type(exc).__name__)
            await asyncio.sleep(self.settings.metrics_refresh_interval)


def _recovery_policy(settings: Settings) -> RecoveryPolicy:
    return RecoveryPolicy(
        link_base=settings.reset_link_base,
        token_ttl_seconds=settings.reset_token_ttl,
        email_limit=settings.reset_email_limit,
        ip_limit=settings.reset_ip_limit,
        response_floor_seconds=settings.reset_response_floor_ms / 1000,
        ipv6_prefix=settings.ipv6_limit_prefix,
    )


async def _stop(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel the tasks until they are done.

    Once is not always enough on Python 3.11: ``asyncio.wait_for`` (in a publish, say) swallows a
    cancellation that arrives just as what it waits for completes, and the task then waits forever.
    """
    while pending := [task for task in tasks if not task.done()]:
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=0.5)
    await asyncio.gather(*tasks, return_exceptions=True)


async def _release(lease: JobLease) -> None:
    """Hand the sweep to another process now rather than when the lease runs out."""
    try:
        await lease.release()
    except Exception as exc:
        log.error("releasing the sweep lease at shutdown failed: %s", type(exc).__name__)


def _session_policy(settings: Settings) -> SessionPolicy:
    """The session timeouts, activity-write interval and re-authentication window the settings ask for."""
    return SessionPolicy(
        web_idle_timeout=settings.web_idle_timeout,
        mobile_idle_timeout=settings.mobile_idle_timeout,
        absolute_lifetime=settings.session_absolute_lifetime,
        activity_write_interval=settings.activity_write_interval,
        reauth_window=settings.reauth_window,
    )


def _password_hasher(settings: Settings) -> PasswordHasher:
    """The argon2 hasher with the settings' cost and the process's concurrency cap."""
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost,
        parallelism=settings.argon2_parallelism,
        concurrency=settings.hash_concurrency,
        on_wait=metrics.HASH_WAIT_SECONDS.observe,
        niceness=settings.hash_niceness,
    )


def _attempt_guard(settings: Settings, clock: Clock) -> AttemptGuard:
    """The brute-force guard with the settings' lockout policy."""
    return AttemptGuard(
        LockoutPolicy(
            chain_window_seconds=settings.failure_chain_window,
            ip_failure_limit=settings.ip_failure_limit,
            ip_window_seconds=settings.ip_failure_window,
            ipv6_limit_prefix=settings.ipv6_limit_prefix,
        ),
        clock=clock,
        on_lockout=metrics.LOCKOUTS.inc,
    )
