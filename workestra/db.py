"""Database configuration and migrations (Tortoise's built-in migration engine)."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as run_migrations


def tortoise_config(database_url: str, *, sqlite_cache_mib: int = 0) -> dict[str, Any]:
    """The Tortoise configuration for ``database_url`` (``sqlite://PATH`` or ``postgres://…``).

    ``sqlite_cache_mib`` (0: SQLite's default) sizes each SQLite connection's page cache: Tortoise runs
    every extra credential of its SQLite client as ``PRAGMA name=value`` when it connects.
    """
    connection: str | dict[str, Any] = database_url
    if sqlite_cache_mib and database_url.startswith("sqlite://"):
        connection = expand_db_url(database_url)
        # A negative cache_size is in KiB rather than pages.
        connection["credentials"]["cache_size"] = -1024 * sqlite_cache_mib
    return {
        "connections": {"default": connection},
        "apps": {"models": {"models": ["models"], "migrations": "migrations", "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def ensure_sqlite_directory(database_url: str) -> None:
    """Create the folder and the file of a SQLite database, owner-only, so a fresh checkout starts
    without manual steps and nobody else on the host can read the password hashes in it.

    SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, so 0600 here covers them.
    """
    if database_url.startswith("sqlite://"):
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        if path and path != ":memory:":
            create_private_directory(Path(path).parent)
            create_private_file(Path(path))


def create_private_directory(path: Path) -> None:
    """Make ``path`` (mode 0700) and any missing parents (0700 too) unless it exists."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=0o700)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (an existing file keeps its mode)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


# PostgreSQL advisory-lock key held while migrating (any constant 64-bit number; this one spells "wkmigrat").
MIGRATION_LOCK_KEY = 0x776B6D6967726174


async def migrate(database_url: str) -> None:
    """Apply every pending migration, then close the connections it opened.

    Processes or hosts that start together take turns: the first applies the migrations and the others
    find nothing left to do, instead of creating the same tables at once and crashing.
    """
    ensure_sqlite_directory(database_url)
    async with _migration_lock(database_url):
        try:
            await run_migrations(config=tortoise_config(database_url))
        finally:
            await Tortoise.close_connections()


@contextlib.asynccontextmanager
async def _migration_lock(database_url: str) -> AsyncIterator[None]:
    """One migrating process per database: a session-level advisory lock on PostgreSQL, a lock file next
    to a SQLite database (an in-memory database belongs to one process and needs none)."""
    config = expand_db_url(database_url)
    credentials = config["credentials"]
    if config["engine"] == "tortoise.backends.asyncpg":
        connection = await asyncpg.connect(
            host=credentials.get("host"),
            port=credentials.get("port"),
            user=credentials.get("user"),
            password=credentials.get("password"),
            database=credentials.get("database"),
            ssl=credentials.get("ssl"),
        )
        try:
            await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
            yield
        finally:
            # Closing the connection releases the lock too; unlocking first keeps that explicit.
            with contextlib.suppress(Exception):
                await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
            await connection.close()
    elif config["engine"] == "tortoise.backends.sqlite" and credentials["file_path"] != ":memory:":
        lock_path = Path(f"{credentials['file_path']}.migrate-lock")
        create_private_file(lock_path)
        with lock_path.open("a+b") as lock_file:
            await asyncio.to_thread(fcntl.flock, lock_file.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)
    else:
        yield
