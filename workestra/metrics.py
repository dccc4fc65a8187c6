"""Prometheus metrics of the process (sockets, event bus, mail, hashing, housekeeping) and the ways to serve them.

The GraphQL layer's own metrics (requests, sign-ins, subscriptions) are defined in ``schema.metrics``,
beside the code that counts them. Every metric is in prometheus-client's one registry, so what this
module serves holds them all; importing ``schema.metrics`` here makes sure of it.

Call sites stay one line (``metrics.LOCKOUTS.inc()``); ``auth/`` never imports this module, it is handed
callbacks instead (``AttemptGuard(on_lockout=...)``).

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

from schema.metrics import LATENCY_BUCKETS

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

# -- Brute-force protection -------------------------------------------------------------------------
LOCKOUTS = Counter("workestra_lockouts", "Accounts (or unknown emails) locked by their sixth consecutive failure.")

# -- WebSockets -------------------------------------------------------------------------------------
SOCKETS = Gauge(
    "workestra_websocket_connections",
    "Acknowledged WebSocket connections open now.",
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
    buckets=LATENCY_BUCKETS,
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
    buckets=LATENCY_BUCKETS,
)

# -- Housekeeping -----------------------------------------------------------------------------------
SWEEP_SECONDS = Histogram(
    "workestra_sweep_duration_seconds",
    "Duration of one periodic sweep (expired sessions, stale counters, old audit events).",
    buckets=LATENCY_BUCKETS,
)


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
