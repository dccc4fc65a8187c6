"""Prometheus metrics: every metric of the service, defined once here, and the ways to serve them.

Call sites stay one line (``metrics.SIGN_INS.labels(...).inc()``); ``auth/`` never imports this module,
it is handed callbacks instead (``AttemptGuard(on_lockout=...)``).

Several processes: ``serve --workers N`` (N > 1) runs prometheus-client's multiprocess mode. uvicorn's
workers share one listening socket and have no stable identity, so a scraper could not address each of
them; instead every worker writes its samples to files in ``PROMETHEUS_MULTIPROC_DIR`` (a fresh private
directory made by ``serve``) and the supervisor process serves the sum on ``METRICS_PORT``. One worker
per process (``--workers 1``, the usual layout in containers) uses the plain in-memory registry, and each
process is its own scrape target. Gauges say how they combine across workers (``multiprocess_mode``).
"""

from __future__ import annotations

import ipaddress
import os
import threading
from collections.abc import Iterable
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)

from auth.challenges import TwoFactorChallenge
from auth.errors import (
    AccountLocked,
    AuthError,
    ChallengeExpired,
    InvalidCode,
    InvalidCredentials,
    IpLimitReached,
    TooManyAttempts,
)

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Latencies of this service: a cheap query takes about a millisecond, a sign-in one argon2 verify
# (~100-500 ms), a hash queue under a flood seconds.
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

# -- GraphQL requests -------------------------------------------------------------------------------
REQUESTS = Counter(
    "workestra_graphql_requests",
    "GraphQL queries and mutations (HTTP or WebSocket) by root field and outcome (ok, error: errors in the "
    "result, rejected: refused before execution by parsing, validation or limits).",
    ["operation", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "workestra_graphql_request_duration_seconds",
    "Time to run one GraphQL query or mutation, by root field.",
    ["operation"],
    buckets=_LATENCY_BUCKETS,
)

# -- Sign-ins and brute-force protection ------------------------------------------------------------
SIGN_INS = Counter(
    "workestra_sign_ins",
    "Sign-in steps by outcome: step is password (signIn) or second_factor (verifyTwoFactor); outcome is "
    "success, two_factor_required, invalid, delayed (refused by the progressive delay), locked, ip_limit "
    "(refused by the per-IP cap), expired (challenge used up) or other.",
    ["step", "outcome"],
)
LOCKOUTS = Counter("workestra_lockouts", "Accounts (or unknown emails) locked by their sixth consecutive failure.")

# -- WebSockets -------------------------------------------------------------------------------------
SOCKETS = Gauge(
    "workestra_websocket_connections",
    "Acknowledged WebSocket connections open now.",
    multiprocess_mode="livesum",
)
SUBSCRIPTIONS = Gauge(
    "workestra_subscriptions",
    "activeSessions subscriptions running now.",
    multiprocess_mode="livesum",
)

# -- Event bus --------------------------------------------------------------------------------------
BUS_UP = Gauge(
    "workestra_event_bus_up",
    "1 while this process's event bus is connected and listening, 0 while it is down or reconnecting.",
    multiprocess_mode="liveall",
)
BUS_RECONNECTS = Counter("workestra_event_bus_reconnects", "Times the event bus lost its backend and reconnected.")
EVENTS_PUBLISHED = Counter("workestra_events_published", "Session-change events published on the bus.")
EVENTS_FAILED = Counter(
    "workestra_events_publish_failed", "Session-change events that could not be published (bus down or slow)."
)
EVENTS_RELAYED = Counter(
    "workestra_events_relayed", "Session-change events published late, by the relay, after a failed publish."
)
LIVENESS_CHECK_SECONDS = Histogram(
    "workestra_liveness_check_seconds",
    "Duration of one check of this process's socket credentials against the database.",
    buckets=_LATENCY_BUCKETS,
)

# -- Mail -------------------------------------------------------------------------------------------
OUTBOX_PENDING = Gauge(
    "workestra_outbox_pending",
    "Mails in the outbox not sent yet and not given up (refreshed periodically).",
    multiprocess_mode="livemostrecent",
)
OUTBOX_OLDEST_PENDING_AGE = Gauge(
    "workestra_outbox_oldest_pending_age_seconds",
    "Age of the oldest pending mail, 0 when none (refreshed periodically).",
    multiprocess_mode="livemostrecent",
)
DEAD_MAILS = Gauge(
    "workestra_dead_mails",
    "Mails given up after their retries, kept for the operator (refreshed periodically).",
    multiprocess_mode="livemostrecent",
)

# -- Password hashing -------------------------------------------------------------------------------
HASH_QUEUE = Gauge(
    "workestra_hash_queue_depth",
    "Password hashes waiting for a slot of the hash pool (sampled periodically).",
    multiprocess_mode="livesum",
)
HASH_WAIT_SECONDS = Histogram(
    "workestra_hash_wait_seconds",
    "Time a password hash waited for a slot of the hash pool.",
    buckets=_LATENCY_BUCKETS,
)

# -- Housekeeping -----------------------------------------------------------------------------------
SWEEP_SECONDS = Histogram(
    "workestra_sweep_duration_seconds",
    "Duration of one periodic sweep (expired sessions, stale counters, old audit events).",
    buckets=_LATENCY_BUCKETS,
)


# First match wins: the subclasses come before the classes they refine.
_SIGN_IN_OUTCOMES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (IpLimitReached, "ip_limit"),
    (AccountLocked, "locked"),
    (TooManyAttempts, "delayed"),
    ((InvalidCredentials, InvalidCode), "invalid"),
    (ChallengeExpired, "expired"),
    (AuthError, "other"),
    (TwoFactorChallenge, "two_factor_required"),
)


def sign_in_outcome(result: object) -> str:
    """The ``outcome`` label of a sign-in step that returned ``result`` or raised it (an ``AuthError``)."""
    return next((outcome for kind, outcome in _SIGN_IN_OUTCOMES if isinstance(result, kind)), "success")


def record_sign_in(step: str, result: object) -> None:
    """Count one sign-in step (``password`` or ``second_factor``) by its outcome."""
    SIGN_INS.labels(step=step, outcome=sign_in_outcome(result)).inc()


def multiprocess_mode() -> bool:
    """True when this process writes its samples for a multiprocess scrape (``serve --workers N``)."""
    return bool(os.environ.get(MULTIPROCESS_ENV))


def scrape_registry() -> CollectorRegistry:
    """What a scrape reads: every worker's files in multiprocess mode, else this process's registry."""
    if not multiprocess_mode():
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped in prometheus-client
    return registry


def exposition() -> tuple[bytes, str]:
    """The text exposition of the current values and its content type."""
    return generate_latest(scrape_registry()), CONTENT_TYPE_LATEST


def serve_on_port(port: int, host: str) -> tuple[WSGIServer, threading.Thread]:
    """Serve ``/metrics`` on its own port, in a thread (prometheus-client's exporter)."""
    return start_http_server(port, addr=host, registry=scrape_registry())


def process_stopped() -> None:
    """In multiprocess mode, drop this worker's live gauges from the sums (its files stay for counters)."""
    if multiprocess_mode():
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]  # untyped in prometheus-client


def scraper_allowed(
    peer: str | None, forwarded: bool, allowed: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> bool:
    """Whether a request may read ``/metrics`` on the API port: straight from an address in ``allowed``.

    A relayed request (``X-Forwarded-For``) is refused whatever its peer: behind a proxy the peer is the
    proxy, and allowing it would publish the metrics to everyone the proxy serves.
    """
    if peer is None or forwarded:
        return False
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in allowed)
