"""Settings: read once from the environment (and an optional ``.env``) into one frozen object."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit, urlunsplit

from dotenv import dotenv_values

from auth.network import parse_trusted_proxies

DAY = 24 * 60 * 60
# SECRET_KEY is stretched by HKDF, not by a slow hash: it must carry its own entropy.
MIN_SECRET_KEY_LENGTH = 32


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable, never its value."""


# No whole-number setting needs more, and a bigger one overflows timers and sizes far from where it was read.
MAX_WHOLE_NUMBER = 2**31 - 1
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_NETWORKS_HINT = "a comma-separated list of IPs or CIDRs"


@dataclass(frozen=True)
class Bounds:
    """The range a whole-number setting must lie in, declared beside its field with ``Annotated``.

    ``above`` replaces "at most N" in the error when a plainer description exists (a TCP port).
    """

    minimum: int = 0
    maximum: int = MAX_WHOLE_NUMBER
    above: str | None = None

    def check(self, name: str, value: int) -> None:
        """Raise :class:`SettingsError` naming ``name`` unless ``value`` is within the bounds."""
        if value < self.minimum:
            raise SettingsError(f"{name} must be at least {self.minimum}")
        if value > self.maximum:
            raise SettingsError(f"{name} must be {self.above or f'at most {self.maximum}'}")


def AtLeast(minimum: int) -> Bounds:  # noqa: N802 (reads as a type annotation: Annotated[int, AtLeast(1)])
    """Bounds from ``minimum`` up to :data:`MAX_WHOLE_NUMBER`."""
    return Bounds(minimum)


def Between(minimum: int, maximum: int, *, above: str | None = None) -> Bounds:  # noqa: N802 (as AtLeast)
    """Bounds from ``minimum`` to ``maximum``, both included."""
    return Bounds(minimum, maximum, above)


def _text(name: str, raw: str) -> str:
    value = raw.strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        # A NUL or line break in a URL, path or header value is never meant, and truncates or splits it.
        raise SettingsError(f"{name} must not contain control characters")
    return value


def _optional_text(name: str, raw: str) -> str | None:
    return _text(name, raw) or None


def _whole_number(name: str, raw: str) -> int:
    value = _text(name, raw)
    # int() alone would also take "1_000" and non-ASCII digits, and spend seconds on a million digits.
    if len(value) > 20 or not _WHOLE_NUMBER.fullmatch(value):
        raise SettingsError(f"{name} must be a whole number")
    return int(value)


def _texts(name: str, raw: str) -> tuple[str, ...]:
    return tuple(item for item in (part.strip() for part in _text(name, raw).split(",")) if item)


def _networks(name: str, raw: str) -> tuple[IPv4Network | IPv6Network, ...]:
    try:
        return parse_trusted_proxies(_text(name, raw))
    except ValueError:
        raise SettingsError(f"{name} must be {_NETWORKS_HINT}") from None


# How an environment variable is read, by the real type of the field it fills.
_PARSERS: dict[object, Callable[[str, str], object]] = {
    int: _whole_number,
    str: _text,
    str | None: _optional_text,
    tuple[str, ...]: _texts,
    tuple[IPv4Network | IPv6Network, ...]: _networks,
}


def _masked(value: object) -> object:
    """``value`` with the password of a URL replaced by ``***`` (other values unchanged)."""
    if not isinstance(value, str) or "://" not in value:
        return value
    parts = urlsplit(value)
    if parts.password is None:
        return value
    netloc = parts.netloc.rpartition("@")
    user = netloc[0].partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[2]}"))


def _check_public_url(url: str | None) -> None:
    """Reset links are ``PUBLIC_URL#reset=<token>``: it must be a plain http(s) address of the page."""
    if url is None:
        return
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or "#" in url:
        raise SettingsError("PUBLIC_URL must be an http(s) URL of the page, without a fragment")


@dataclass(frozen=True, repr=False)
class Settings:
    """Everything the service reads from its environment. Field names map to UPPER_CASE variables."""

    environment: str = "development"
    database_url: str = "sqlite://var/workestra.sqlite3"
    # MiB of page cache of each SQLite connection (0: SQLite's own default, 2 MiB); PostgreSQL ignores it.
    sqlite_cache_mib: Annotated[int, Between(0, 65536)] = 0
    broadcast_url: str = "memory://"
    broadcast_channel: str = "workestra"
    smtp_url: str | None = None
    mail_from: str = "Workestra Security <security@workestra.invalid>"
    # Seconds after it was queued that an undelivered mail is still retried before it is kept as dead.
    mail_retry_for: Annotated[int, AtLeast(1)] = 3 * DAY
    geoip_database: str | None = None
    host: str = "127.0.0.1"
    port: Annotated[int, Between(0, 65535)] = 8000
    public_origin: str | None = None
    allowed_origins: tuple[str, ...] = ()
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()
    web_idle_timeout: Annotated[int, AtLeast(1)] = 7 * DAY
    mobile_idle_timeout: Annotated[int, AtLeast(1)] = 30 * DAY
    session_absolute_lifetime: int = 0
    activity_write_interval: Annotated[int, AtLeast(1)] = 60
    session_sweep_interval: Annotated[int, AtLeast(1)] = 60
    # Milliseconds between two checks, in the database, of the credentials this process's sockets hold: at most
    # a second, as the spec closes a socket within a second of its credential's end, whatever the bus does.
    socket_check_interval_ms: Annotated[int, Between(50, 1000)] = 500
    # Seconds between two "last activity advanced" announcements of one account (others are never delayed).
    activity_announce_interval: int = 5
    # Days a security event stays in the audit log before the periodic sweep deletes it.
    audit_retention_days: Annotated[int, AtLeast(1)] = 90
    ip_failure_limit: int = 100
    ip_failure_window: int = 15 * 60
    signup_ip_limit: Annotated[int, AtLeast(1)] = 20
    # Per-IP limits count an IPv6 client by its network of this many bits (an IPv4 client by its address).
    ipv6_limit_prefix: Annotated[int, Between(16, 128)] = 64
    max_api_keys: Annotated[int, AtLeast(1)] = 25
    # Seconds after a sign-in or reauthenticate during which the session may create API keys and set up 2FA.
    reauth_window: Annotated[int, AtLeast(1)] = 15 * 60
    # Account recovery: where the page is served (reset links point at it), how long a link works, and
    # how many reset requests one email and one IP may make per hour.
    public_url: str | None = None
    reset_token_ttl: Annotated[int, AtLeast(1)] = 30 * 60
    reset_email_limit: Annotated[int, AtLeast(1)] = 5
    reset_ip_limit: Annotated[int, AtLeast(1)] = 20
    # Milliseconds every requestPasswordReset answer takes at least, so a mail being queued never shows.
    reset_response_floor_ms: Annotated[int, AtLeast(0)] = 200
    signup_ip_window: Annotated[int, AtLeast(1)] = 60 * 60
    failure_chain_window: int = DAY
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    argon2_parallelism: int = 4
    hash_concurrency: Annotated[int, AtLeast(1)] = 2
    # How far below the event loop the hash threads are scheduled (Linux nice steps; 0 = the same).
    hash_niceness: Annotated[int, Between(0, 19)] = 10
    max_body_bytes: int = 64_000
    # Seconds an HTTP request may take before it is cancelled and answered 503.
    request_timeout: Annotated[int, AtLeast(1)] = 30
    max_query_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 500
    # The work one document may ask for, checked before the expensive validation rules (schema/cost.py).
    max_document_length: Annotated[int, AtLeast(1)] = 4_000
    max_selections: Annotated[int, AtLeast(1)] = 500
    max_directives: Annotated[int, AtLeast(1)] = 10
    max_arguments: Annotated[int, AtLeast(1)] = 20
    max_field_comparisons: Annotated[int, AtLeast(1)] = 250
    parse_cpu_ms_per_second: int = 10
    parse_cpu_burst_ms: int = 250
    ws_max_message_bytes: int = 65_536
    max_subscriptions_per_connection: int = 10
    connection_init_timeout: int = 10
    # Messages a socket may send: a burst of WS_MESSAGE_BURST, refilled at WS_MESSAGES_PER_SECOND.
    ws_messages_per_second: Annotated[int, AtLeast(1)] = 10
    ws_message_burst: Annotated[int, AtLeast(1)] = 50
    # Live sockets one account may hold on one process (the B2 benchmark opens 1,000).
    max_sockets_per_account: Annotated[int, AtLeast(1)] = 1000
    # Prometheus metrics: on their own port (0 = off), and/or on the API port for these addresses only.
    metrics_port: Annotated[int, Between(0, 65535, above="a TCP port (1-65535), or 0 for off")] = 0
    metrics_host: str = "127.0.0.1"
    metrics_allowed_ips: tuple[IPv4Network | IPv6Network, ...] = ()
    # Seconds between refreshes of the values read from the database (outbox depth, oldest pending mail).
    metrics_refresh_interval: Annotated[int, AtLeast(1)] = 15
    # Seconds a stopping process (SIGTERM) gives in-flight requests before it cancels them.
    shutdown_grace: Annotated[int, AtLeast(1)] = 10
    # Operations (subscriptions) one account may run at once on one process, over all its sockets: each
    # costs the account's every event some work, so this bounds what one account makes an event cost.
    max_subscriptions_per_account: Annotated[int, AtLeast(1)] = 100
    log_level: str = "INFO"
    # The built Security page (``make serve`` builds it from web/); served at / when present.
    web_dist: str = "web/dist"
    secret_key: str | None = field(default=None, repr=False)
    # Where development keeps the key it generates when SECRET_KEY is unset (never used in production).
    secret_key_file: str = "var/secret.key"  # noqa: S105 (a path)

    @property
    def production(self) -> bool:
        """True when the service runs with production hardening (one switch)."""
        return self.environment == "production"

    @property
    def browser_origins(self) -> tuple[str, ...]:
        """Foreign origins whose browser requests and WebSocket handshakes are accepted (``ALLOWED_ORIGINS``
        plus ``PUBLIC_ORIGIN``); same-origin ones always are."""
        return tuple(filter(None, (*self.allowed_origins, self.public_origin)))

    @property
    def reset_link_base(self) -> str:
        """The page address reset links point at: ``PUBLIC_URL``, else ``PUBLIC_ORIGIN``, else host and port."""
        return self.public_url or (
            f"{self.public_origin}/" if self.public_origin else f"http://{self.host}:{self.port}/"
        )

    @property
    def metrics_enabled(self) -> bool:
        """True when ``/metrics`` is served somewhere (its own port, or the API port for listed addresses)."""
        return bool(self.metrics_port or self.metrics_allowed_ips)

    @property
    def session_cookie_name(self) -> str:
        """``__Host-session`` (Secure) in production, plain ``session`` for development over http."""
        return "__Host-session" if self.production else "session"

    @property
    def device_cookie_name(self) -> str:
        """The known-device cookie: ``__Host-device`` (Secure) in production, plain ``device`` over http."""
        return "__Host-device" if self.production else "device"

    def check_secret_key(self) -> None:
        """Refuse production without SECRET_KEY (also checked where the key is resolved, for unvalidated copies)."""
        if self.production and not self.secret_key:
            raise SettingsError("SECRET_KEY is required when ENVIRONMENT=production")

    def __repr__(self) -> str:
        """The fields, with the password of every URL masked (``repr`` reaches logs and tracebacks)."""
        shown = (f"{f.name}={_masked(getattr(self, f.name))!r}" for f in fields(self) if f.repr)
        return f"Settings({', '.join(shown)})"

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some fields replaced (tests and the CLI)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, env_file: str | Path | None = ".env") -> Settings:
        """Read settings from ``environ`` (default ``os.environ``) over an optional ``.env`` file."""
        source: dict[str, str] = {}
        if env_file is not None and Path(env_file).is_file():
            source.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        source.update(os.environ if environ is None else environ)
        values: dict[str, Any] = {
            name: _PARSERS[kind](name.upper(), source[name.upper()])
            for name, (kind, _) in _fields().items()
            if name.upper() in source
        }
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse combinations that are unsafe or cannot work."""
        if self.environment not in {"development", "production", "test"}:
            raise SettingsError("ENVIRONMENT must be development, production or test")
        self.check_secret_key()
        if self.secret_key is not None and len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            raise SettingsError(f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters")
        if self.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise SettingsError("LOG_LEVEL must be debug, info, warning, error or critical")
        if not self.web_dist:
            raise SettingsError("WEB_DIST must name the directory of the built page")
        for name, (kind, bounds) in _fields().items():
            if kind is int:
                bounds.check(name.upper(), getattr(self, name))
        if self.metrics_port and self.metrics_port == self.port:
            raise SettingsError("METRICS_PORT must differ from PORT: metrics are never served on the public API")
        _check_public_url(self.public_url)


@functools.cache
def _fields() -> dict[str, tuple[object, Bounds]]:
    """Each field's real type (``Annotated`` stripped) and bounds, resolved from the annotations once."""
    hints = get_type_hints(Settings, include_extras=True)
    resolved: dict[str, tuple[object, Bounds]] = {}
    for f in fields(Settings):
        hint = hints[f.name]
        extras: tuple[object, ...] = ()
        if get_origin(hint) is Annotated:
            hint, *rest = get_args(hint)
            extras = tuple(rest)
        if hint not in _PARSERS:
            raise TypeError(f"Settings.{f.name}: no parser for {hint!r}")
        resolved[f.name] = (hint, next((e for e in extras if isinstance(e, Bounds)), Bounds()))
    return resolved


# Resolved at import, so a field of a type without a parser fails at once rather than at the first read.
_fields()
