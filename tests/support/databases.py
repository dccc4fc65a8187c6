"""Test databases: a migrated SQLite file or a fresh PostgreSQL database per test run, wiped between tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from tortoise.connection import get_connection

from workestra.db import migrate

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def reachable(host: str, port: int) -> bool:
    """Whether something accepts TCP connections there."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Backend:
    """Where a test run keeps its data and sends its events."""

    name: str
    database_url: str
    broadcast_url: str

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgres")

    @property
    def database_name(self) -> str:
        """The PostgreSQL database's name (the last part of its URL)."""
        return self.database_url.rsplit("/", 1)[-1]

    def wipe(self) -> None:
        """Delete every row (not the schema) so each test starts empty."""
        if self.is_postgres:
            asyncio.run(_wipe_postgres(self.database_url))
        else:
            path = self.database_url.removeprefix("sqlite://")
            with sqlite3.connect(path) as db:
                tables = [
                    row[0]
                    for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                    if not row[0].startswith(("sqlite_", "tortoise_"))
                ]
                db.execute("PRAGMA foreign_keys=OFF")
                for table in tables:
                    db.execute(f'DELETE FROM "{table}"')


def sqlite_backend(directory: Path) -> Backend:
    """A migrated SQLite file with in-process events."""
    url = f"sqlite://{directory / 'test.sqlite3'}"
    asyncio.run(migrate(url))
    return Backend("sqlite", url, "memory://")


def postgres_backend() -> tuple[Backend, str]:
    """A freshly created and migrated PostgreSQL database with Redis events; returns it and its name."""
    name = f"workestra_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(create_database(name))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(migrate(url))
    return Backend("postgres", url, REDIS_URL), name


def drop_postgres(name: str) -> None:
    """Drop a database made by ``postgres_backend``."""
    asyncio.run(admin_statement(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def create_database(name: str, *, template: str | None = None) -> None:
    """Create a test database (a copy of ``template`` if given) whose commits do not wait for the disk.

    With ``synchronous_commit`` off a commit is as atomic and as visible to every later statement as
    before; only the last moments of commits could be lost if the database server itself crashed, which
    no test does. Waiting for the disk was about 5 ms per commit, most of a PostgreSQL test's time.
    """
    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        await connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    finally:
        await connection.close()


async def admin_statement(statement: str) -> None:
    """Run one statement on the PostgreSQL maintenance database (CREATE/DROP DATABASE)."""
    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


# One round trip that empties every table and restarts every sequence, as TRUNCATE … RESTART IDENTITY
# would, but without TRUNCATE's cost (new files for every table and index: most of a test's setup time).
# Foreign keys are not checked meanwhile (session_replication_role, a superuser's setting: a test database
# owned by another role falls back to TRUNCATE), so the order of the tables does not matter.
_EMPTY_EVERY_TABLE = """
DO $$
DECLARE name text;
BEGIN
  SET LOCAL session_replication_role = replica;
  FOR name IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'tortoise%' LOOP
    EXECUTE format('DELETE FROM %I', name);
  END LOOP;
  FOR name IN SELECT sequencename FROM pg_sequences
              WHERE schemaname = 'public' AND sequencename NOT LIKE 'tortoise%' LOOP
    EXECUTE format('ALTER SEQUENCE %I RESTART', name);
  END LOOP;
END $$;
"""


async def _wipe_postgres(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        try:
            async with connection.transaction():
                await connection.execute(_EMPTY_EVERY_TABLE)
        except asyncpg.InsufficientPrivilegeError:
            await _truncate_every_table(connection)
    finally:
        await connection.close()


async def _truncate_every_table(connection: asyncpg.Connection) -> None:
    tables = await connection.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'tortoise%'"
    )
    if tables:
        names = ", ".join(f'"{row["tablename"]}"' for row in tables)
        await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def copy_sqlite(backend: Backend, target: Path) -> str:
    """A private copy of a migrated SQLite database (for tests that start their own server).

    The write-ahead log is folded into the file first: a copy of the file alone would miss what it holds.
    """
    source = Path(backend.database_url.removeprefix("sqlite://"))
    with contextlib.closing(sqlite3.connect(source)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(source, target)
    return f"sqlite://{target}"


async def every_stored_text() -> list[str]:
    """Every string stored in any column of any table (tortoise's own bookkeeping aside)."""
    connection = get_connection("default")
    if connection.capabilities.dialect == "postgres":
        rows = await connection.execute_query_dict(
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'tortoise%'"
        )
    else:
        rows = await connection.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'tortoise%'"
        )
    values: list[str] = []
    for row in rows:
        for record in await connection.execute_query_dict(f'SELECT * FROM "{row["name"]}"'):
            values.extend(value for value in record.values() if isinstance(value, str))
    return values
