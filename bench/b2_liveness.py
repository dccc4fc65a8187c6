"""B2 (liveness): the cost of one socket credential check at 1,000 and 10,000 held credentials.

Every process asks the database, every SOCKET_CHECK_INTERVAL_MS (500 ms by default), which of the
sessions and API keys its sockets hold are still live (``LiveSockets.check``: one primary-key query per
500 ids, timeouts judged from what each socket knows). This measures that call as the app makes it
(Tortoise, one socket per credential, 1 in 100 credentials ended so their sockets are ended and their
expiry looked up each round), against a bare baseline in the same run: the same ids looked up by
primary key alone through the raw driver (``sqlite3`` / ``asyncpg``), chunked the same way.

Data: 10,000 MOBILE sessions over 100 accounts, 1 in 100 ended, in a fresh SQLite file and (when
PostgreSQL answers on ``TEST_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432/postgres``) a fresh
PostgreSQL database, dropped afterwards. Per scenario: 3 warm-up checks, then ``--rounds`` checks; wall
time and this process's CPU time (ORM and driver; PostgreSQL's own CPU is in its server processes) per
check, and the share of one core that one check every 500 ms costs.

    .venv/bin/python bench/b2_liveness.py                  # both databases, ~30 s
    .venv/bin/python bench/b2_liveness.py --no-postgres --no-save
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _common as c  # noqa: E402
import asyncpg  # noqa: E402
from tortoise import Tortoise  # noqa: E402
from tortoise.backends.base.executor import EXECUTOR_CACHE  # noqa: E402

from auth.api_keys import LIVENESS_CHUNK  # noqa: E402
from auth.clock import SystemClock  # noqa: E402
from auth.sessions import SessionPolicy  # noqa: E402
from models import Account, ClientKind, Session, SessionEndReason  # noqa: E402
from workestra.db import migrate, tortoise_config  # noqa: E402
from workestra.events import EventBus  # noqa: E402
from workestra.feeds import SessionAnnouncer, SessionFeeds  # noqa: E402
from workestra.sockets import LiveSocket, LiveSockets  # noqa: E402

SIZES = (1_000, 10_000)
ACCOUNTS = 100
CHECK_INTERVAL = 0.5
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


async def fill(count: int) -> list[str]:
    """``count`` sessions over ``ACCOUNTS`` accounts, one in 100 ended; returns their ids in insertion order."""
    now = datetime.now(UTC)
    accounts = [
        Account(email=f"bench{i}@example.com", password_hash="x", password_changed_at=now, created_at=now)
        for i in range(ACCOUNTS)
    ]
    await Account.bulk_create(accounts)
    stored = await Account.all().order_by("id")
    sessions = []
    for i in range(count):
        ended = i % 100 == 99
        sessions.append(
            Session(
                id=uuid.uuid4(),
                account_id=stored[i % ACCOUNTS].id,
                token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
                client=ClientKind.MOBILE,
                created_at=now,
                last_active_at=now - timedelta(seconds=i),
                ended_at=now if ended else None,
                end_reason=SessionEndReason.REVOKED if ended else None,
            )
        )
    await Session.bulk_create(sessions, batch_size=1000)
    return [str(s.id) for s in sessions]


async def timed(check: Callable[[], Awaitable[int]], rounds: int) -> dict[str, Any]:
    for _ in range(3):
        await check()
    walls, cpus, found = [], [], 0
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        found = await check()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return {
        "wall_ms_median": statistics.median(walls),
        "wall_ms_p99": c.percentile(walls, 99),
        "cpu_ms_median": statistics.median(cpus),
        "live_found": found,
    }


class _NoWebSocket:
    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        return None


def bare_sqlite(path: str, ids: list[str]) -> Callable[[], Awaitable[int]]:
    connection = sqlite3.connect(path)

    async def check() -> int:
        found = 0
        for start in range(0, len(ids), LIVENESS_CHUNK):
            chunk = ids[start : start + LIVENESS_CHUNK]
            marks = ",".join("?" * len(chunk))
            found += len(connection.execute(f"SELECT id FROM session WHERE id IN ({marks})", chunk).fetchall())  # noqa: S608
        return found

    return check


def bare_postgres(connection: asyncpg.Connection, ids: list[str]) -> Callable[[], Awaitable[int]]:
    parsed = [uuid.UUID(i) for i in ids]

    async def check() -> int:
        found = 0
        for start in range(0, len(parsed), LIVENESS_CHUNK):
            chunk = parsed[start : start + LIVENESS_CHUNK]
            marks = ",".join(f"${n + 1}" for n in range(len(chunk)))
            found += len(await connection.fetch(f"SELECT id FROM session WHERE id IN ({marks})", *chunk))  # noqa: S608
        return found

    return check


async def scenario(name: str, url: str, rounds: int) -> list[dict[str, Any]]:
    # Tortoise caches INSERT statements per connection name and table, not per dialect.
    EXECUTOR_CACHE.clear()
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url))
    results = []
    bare_connection = None
    try:
        ids = await fill(max(SIZES))
        policy = SessionPolicy()
        clock = SystemClock()
        bus = EventBus("memory://")  # never connected: nothing ends a live session here
        feeds = SessionFeeds(bus, lambda account_id: asyncio.sleep(0, []), lambda credential: asyncio.sleep(0, True))
        events = SessionAnnouncer(bus, activity_interval=5)
        sockets = LiveSockets(feeds, clock=clock, policy=policy, events=events, interval=CHECK_INTERVAL)
        if url.startswith("postgres"):
            bare_connection = await asyncpg.connect(url)
        for size in SIZES:
            held = ids[:size]
            ends_at = clock.now() + timedelta(days=1)
            held_sockets = [
                LiveSocket(_NoWebSocket(), 0, credential, is_api_key=False, ends_at=ends_at) for credential in held
            ]

            async def real(held_sockets: list[LiveSocket] = held_sockets) -> int:
                for socket in held_sockets:
                    socket.ended = False
                ended = await sockets.check(held_sockets)
                return len(held_sockets) - ended

            bare = (
                bare_postgres(bare_connection, held)
                if bare_connection is not None
                else bare_sqlite(url.removeprefix("sqlite://"), held)
            )
            measured_real = await timed(real, rounds)
            measured_bare = await timed(bare, rounds)
            results.append(
                {
                    "database": name,
                    "held": size,
                    "real": measured_real,
                    "bare": measured_bare,
                    "ratio_wall": measured_real["wall_ms_median"] / measured_bare["wall_ms_median"],
                    "core_share_at_interval": measured_real["cpu_ms_median"] / 1000 / CHECK_INTERVAL,
                }
            )
    finally:
        if bare_connection is not None:
            await bare_connection.close()
        await Tortoise.close_connections()
    return results


async def main(args: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    with c.temp_dir("b2-liveness") as work:
        results += await scenario("sqlite", f"sqlite://{work / 'bench.sqlite3'}", args.rounds)
    if args.postgres:
        name = f"workestra_bench_{uuid.uuid4().hex[:10]}"
        admin = await asyncpg.connect(PG_ADMIN_URL)
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            results += await scenario("postgres", PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", args.rounds)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    lines = [f"B2 liveness check, {args.rounds} rounds per scenario, chunks of {LIVENESS_CHUNK} ids"]
    for r in results:
        lines.append(
            f"{r['database']:8} held={r['held']:>6}  real {r['real']['wall_ms_median']:7.2f} ms"
            f" (p99 {r['real']['wall_ms_p99']:7.2f}, cpu {r['real']['cpu_ms_median']:7.2f} ms)"
            f"  bare {r['bare']['wall_ms_median']:7.2f} ms (cpu {r['bare']['cpu_ms_median']:6.2f})"
            f"  ratio {r['ratio_wall']:5.2f}  core share at 500 ms: {100 * r['core_share_at_interval']:5.2f} %"
            f"  live {r['real']['live_found']}/{r['held']}"
        )
    text = "\n".join(lines)
    print(text)
    if args.save:
        paths = c.write_result("b2-liveness", {"machine": c.machine_info(), "results": results}, text)
        print("saved", *paths)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-postgres", dest="postgres", action="store_false")
    parser.add_argument("--no-save", dest="save", action="store_false")
    sys.exit(asyncio.run(main(parser.parse_args())))
