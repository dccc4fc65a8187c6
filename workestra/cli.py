"""Operator commands: ``serve``, ``migrate``, ``sweep``, ``unlock``, ``mail``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import uvicorn

from workestra.db import migrate
from workestra.logs import configure_logging, logging_config
from workestra.settings import Settings, SettingsError

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from workestra.services import Services

T = TypeVar("T")

log = logging.getLogger("workestra.cli")


def schema_sdl() -> str:
    """The schema in GraphQL SDL, as committed in ``schema.graphql``."""
    from schema import schema

    return str(schema).rstrip() + "\n"


def app_from_env() -> Starlette:
    """uvicorn factory: the application configured from the environment (one per worker process)."""
    from workestra.app import create_app

    return create_app(Settings.from_env(), freeze_gc_after_start=True)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    # uvicorn handles SIGTERM itself while serving (stop accepting, drain, lifespan shutdown), then raises it
    # again once done; a stop that was asked for and completed exits 0, as process managers expect.
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    samples = _use_multiprocess_metrics() if args.workers > 1 and settings.metrics_enabled else None
    asyncio.run(migrate(settings.database_url))
    if args.workers > 1 and settings.database_url.startswith("sqlite"):
        log.warning("several workers on one SQLite file serialise on its lock; use PostgreSQL to scale out")
    if args.workers > 1 and settings.broadcast_url.startswith("memory"):
        log.warning("memory:// events do not cross processes; set BROADCAST_URL=redis://… with several workers")
    exporter = None
    if settings.metrics_port:
        from workestra.metrics import serve_on_port

        exporter, _ = serve_on_port(settings.metrics_port, settings.metrics_host)
    try:
        _run_uvicorn(settings, args)
    finally:
        if exporter is not None:
            exporter.shutdown()
        if samples is not None:
            shutil.rmtree(samples, ignore_errors=True)


def _use_multiprocess_metrics() -> str | None:
    """Make the workers write their samples to a fresh directory that this process sums up on scrape.

    Returns the directory when it was made here (removed again at exit), None when the operator named it.
    """
    from workestra.metrics import MULTIPROCESS_ENV

    directory = os.environ.get(MULTIPROCESS_ENV)
    if directory:
        # The files of a previous run would be summed with this one's.
        for stale in Path(directory).glob("*.db"):
            stale.unlink()
        return None
    os.environ[MULTIPROCESS_ENV] = made = tempfile.mkdtemp(prefix="workestra-metrics-")
    return made


def _run_uvicorn(settings: Settings, args: argparse.Namespace) -> None:
    from workestra.ws_protocol import LeanWebSocketProtocol

    uvicorn.run(
        "workestra.cli:app_from_env",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        # Client IPs are resolved by the app against TRUSTED_PROXIES; uvicorn must not rewrite them first.
        proxy_headers=False,
        server_header=False,
        # websockets-sansio, holding less per open socket (workestra/ws_protocol.py).
        ws=LeanWebSocketProtocol,
        ws_max_size=settings.ws_max_message_bytes,
        # Session lists are small; per-socket deflate contexts would cost more memory than they save.
        ws_per_message_deflate=False,
        loop="asyncio",
        # Our configuration, applied by uvicorn in every worker process; uvicorn must not reset levels after it.
        log_config=logging_config(settings.log_level),
        log_level=None,
        timeout_graceful_shutdown=settings.shutdown_grace,
    )


async def _with_services(settings: Settings, action: Callable[[Services], Awaitable[T]]) -> T:
    from workestra.app import create_app

    app = create_app(settings)
    async with app.router.lifespan_context(app):
        services: Services = app.state.services
        return await action(services)


async def _sweep(services: Services) -> int:
    return await services.sweep_once()


async def _unlock(services: Services, email: str) -> bool:
    from auth.throttle import attempt_key

    return await services.guard.unlock(attempt_key(email))


async def _with_database(settings: Settings, action: Callable[[], Awaitable[T]]) -> T:
    """Run ``action`` connected to the database only: no event bus, sender or sweep of its own."""
    from tortoise import Tortoise

    from workestra.db import tortoise_config

    await Tortoise.init(config=tortoise_config(settings.database_url, sqlite_cache_mib=settings.sqlite_cache_mib))
    try:
        return await action()
    finally:
        await Tortoise.close_connections()


def _age(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{seconds:02d}s"


async def _list_mail() -> list[str]:
    """One line per undelivered mail; recipients masked, never a subject or body."""
    from auth.clock import SystemClock
    from auth.emails import mask_email
    from workestra.mail import outbox_counts, undelivered

    now = SystemClock().now()
    rows = await undelivered()
    lines = [f"{'ID':>8}  {'STATE':7}  {'KIND':24}  {'ATTEMPTS':>8}  {'NEXT ATTEMPT (UTC)':19}  {'AGE':>7}  RECIPIENT"]
    for row in rows:
        dead = row.failed_at is not None
        next_attempt = "-" if dead else row.next_attempt_at.strftime("%Y-%m-%d %H:%M:%S")
        lines.append(
            f"{row.id:>8}  {'dead' if dead else 'pending':7}  {row.kind[:24]:24}  {row.attempts:>8}  "
            f"{next_attempt:19}  {_age((now - row.created_at).total_seconds()):>7}  {mask_email(row.recipient)}"
            + (f"  ({row.last_error})" if row.last_error else "")
        )
    counts = await outbox_counts(now)
    if len(rows) < counts.pending + counts.dead:
        lines.append(f"(the oldest {len(rows)} shown)")
    lines.append(f"{counts.pending} pending, {counts.dead} dead")
    return lines


async def _retry_mail(ids: list[int], every_dead: bool) -> list[str]:
    """Queue dead mail for an attempt now; one line per id saying what happened."""
    from auth.clock import SystemClock
    from workestra.mail import dead_message_ids, retry_dead

    if every_dead:
        ids = await dead_message_ids()
    lines = []
    for message_id in ids:
        queued = await retry_dead(message_id, now=SystemClock().now())
        lines.append(f"mail {message_id} queued for delivery" if queued else f"mail {message_id} is not dead")
    return lines or ["no dead mail"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m workestra``."""
    args = _parser().parse_args(argv)
    if args.command == "export-schema":
        Path(args.output).write_text(schema_sdl(), encoding="utf-8")
        print(f"wrote {args.output}")
        return 0
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    return _run(settings, args)


def _parser() -> argparse.ArgumentParser:
    """The command line: one subcommand per operator task."""
    parser = argparse.ArgumentParser(prog="workestra", description="Workestra account security service.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="apply migrations, then serve HTTP and WebSocket")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1)
    commands.add_parser("migrate", help="apply pending database migrations")
    commands.add_parser("sweep", help="end sessions past their timeouts now")
    unlock = commands.add_parser("unlock", help="clear the failed-attempt count and lock of an email")
    unlock.add_argument("email")
    mail = commands.add_parser("mail", help="list undelivered mail (pending and dead); `mail retry ID` resends")
    mail_commands = mail.add_subparsers(dest="mail_command")
    mail_commands.add_parser("list", help="list undelivered mail (the default)")
    retry = mail_commands.add_parser("retry", help="queue dead mail for delivery now (a running server sends it)")
    retry.add_argument("ids", nargs="*", type=int, metavar="ID")
    retry.add_argument("--all", action="store_true", help="every dead mail")
    export = commands.add_parser("export-schema", help="write the GraphQL schema (SDL) to schema.graphql")
    export.add_argument("--output", default="schema.graphql")
    return parser


def _run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out one subcommand that needs the settings; the exit status."""
    if args.command == "serve":
        _serve(settings, args)
    elif args.command == "migrate":
        asyncio.run(migrate(settings.database_url))
        print("migrations applied")
    elif args.command == "sweep":
        print(f"ended {asyncio.run(_with_services(settings, _sweep))} expired sessions")
    elif args.command == "unlock":
        cleared = asyncio.run(_with_services(settings, lambda services: _unlock(services, args.email)))
        print("unlocked" if cleared else "nothing to unlock for that email")
    elif args.command == "mail" and args.mail_command == "retry":
        if bool(args.ids) == args.all:
            print("name the dead mail to retry by ID, or pass --all", file=sys.stderr)
            return 2
        lines = asyncio.run(_with_database(settings, lambda: _retry_mail(args.ids, args.all)))
        print("\n".join(lines))
        return 1 if any(line.endswith("is not dead") for line in lines) else 0
    elif args.command == "mail":
        print("\n".join(asyncio.run(_with_database(settings, _list_mail))))
    return 0
