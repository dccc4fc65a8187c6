"""B5's rows: synthetic accounts, sessions, events, counters and keys, inserted through the raw driver.

executemany on SQLite, COPY on PostgreSQL: a million rows in tens of seconds, not the ORM's hours.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from datetime import datetime, timedelta
from typing import Any

import asyncpg


def account_rows(count: int, start: int, at: datetime) -> list[tuple[Any, ...]]:
    digest = "$argon2id$v=19$m=8,t=1,p=1$YmVuY2hzYWx0$bench"
    return [(uuid.uuid4(), f"b5-{start + n}@example.com", digest, at, at) for n in range(count)]


def session_rows(account_ids: list[int], per_account: int, at: datetime, *, expired: bool = False) -> list[tuple]:
    rows = []
    for index, account_id in enumerate(account_ids):
        for n in range(per_account):
            if expired:
                active, ended = at - timedelta(days=8 + n), None  # WEB, idle past its 7 days: the sweep's backlog
            else:
                active = at - timedelta(days=(index + n) % 6, minutes=n)  # within both idle timeouts
                ended = at - timedelta(days=1) if n % 10 < 7 else None  # 70 % ended
            kind = "WEB" if expired or n % 2 else "MOBILE"
            reason = "SIGNED_OUT" if ended else None
            token = uuid.uuid4().hex + uuid.uuid4().hex
            rows.append(
                (uuid.uuid4(), account_id, token, kind, "bench", active - timedelta(hours=1), active, ended, reason)
            )
    return rows


def event_rows(account_ids: list[int], per_account: int, at: datetime) -> list[tuple]:
    return [
        (uuid.uuid4(), account_id, "SIGN_IN", at - timedelta(hours=n), "bench")
        for account_id in account_ids
        for n in range(per_account)
    ]


def device_rows(account_ids: list[int], at: datetime) -> list[tuple]:
    """Two known devices per account, one used today and one last week."""
    return [
        (uuid.uuid4(), account_id, _digest(), "WEB" if n else "MOBILE", at - timedelta(days=30), used)
        for index, account_id in enumerate(account_ids)
        for n in range(2)
        for used in [at - timedelta(days=n * 7, minutes=index % 50)]
    ]


def reset_rows(account_ids: list[int], at: datetime) -> tuple[list[tuple], list[tuple]]:
    """Per account: reset links (one open, one used last week, one expired days ago) and two reset requests
    (by email and by IP), half of them old enough for the sweep to forget."""
    links, requests = [], []
    for index, account_id in enumerate(account_ids):
        for age_days, used_at in ((0, None), (7, at - timedelta(days=7)), (3, None)):
            created = at - timedelta(days=age_days, minutes=index % 50)
            links.append((account_id, _digest(), created, created + timedelta(minutes=30), used_at))
        occurred = at - timedelta(days=index % 2 * 2)
        requests.append((f"email:{account_id:064x}", occurred))
        requests.append((f"ip:203.0.{index // 250 % 250}.{index % 250}", occurred - timedelta(minutes=1)))
    return links, requests


def two_factor_rows(account_ids: list[int], at: datetime) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Half the accounts with 5 backup codes, the other half with a pending authenticator setup (some of them
    unconfirmed for hours, the sweep's to drop with their codes, which are added after the setups); an
    expired sign-in challenge each."""
    codes, setups, challenges = [], [], []
    for index, account_id in enumerate(account_ids):
        if index % 2:
            setups.append((account_id, "sealed", at - timedelta(hours=index % 4)))
        else:
            codes += [(account_id, None, _digest(), at) for _ in range(5)]
        # Expired before the run: the first sweep prunes them at once instead of a few every pass while measuring.
        created = at - timedelta(minutes=10 + index % 30)
        challenges.append((uuid.uuid4(), account_id, _digest(), "WEB", "", created, created + timedelta(minutes=5), 0))
    return codes, setups, challenges


def setup_code_rows(setups: list[tuple[int, int]], at: datetime) -> list[tuple]:
    """Five backup codes of each pending setup ((setup id, account id) pairs)."""
    return [(account_id, setup_id, _digest(), at) for setup_id, account_id in setups for _ in range(5)]


def _digest() -> str:
    return uuid.uuid4().hex + uuid.uuid4().hex


def counter_rows(count: int, at: datetime) -> tuple[list[tuple], list[tuple]]:
    stale = at - timedelta(days=2)
    counters = [(f"{n:064x}", 1, stale if n % 2 else at) for n in range(count)]
    ips = [(f"198.51.{n // 250 % 250}.{n % 250}", stale if n % 2 else at) for n in range(count)]
    return counters, ips


TABLES = {
    "account": ("public_id", "email", "password_hash", "password_changed_at", "created_at"),
    "session": (
        "id",
        "account_id",
        "token_hash",
        "client",
        "user_agent",
        "created_at",
        "last_active_at",
        "ended_at",
        "end_reason",
    ),
    "security_event": ("public_id", "account_id", "type", "occurred_at", "user_agent"),
    "attempt_counter": ("key", "failures", "last_failure_at"),
    "ip_failure": ("ip", "occurred_at"),
    "ip_sign_up": ("ip", "occurred_at"),
    "api_key": ("id", "account_id", "name", "prefix", "key_hash", "created_at"),
    "known_device": ("id", "account_id", "token_hash", "client", "created_at", "last_used_at"),
    "password_reset_token": ("account_id", "token_hash", "created_at", "expires_at", "used_at"),
    "reset_request": ("subject", "occurred_at"),
    "totp_setup": ("account_id", "secret", "created_at"),
    "backup_code": ("account_id", "setup_id", "code_hash", "created_at"),
    "sign_in_challenge": tuple("id account_id token_hash client user_agent created_at expires_at wrong_codes".split()),
}


class Bulk:
    """Fast inserts through the raw driver: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pg = url.startswith("postgres")

    async def insert(self, table: str, rows: list[tuple]) -> None:
        columns = TABLES[table]
        if self.pg:
            connection = await asyncpg.connect(self.url)
            try:
                await connection.copy_records_to_table(table, records=rows, columns=list(columns))
            finally:
                await connection.close()
            return
        with sqlite3.connect(self.url.removeprefix("sqlite://"), timeout=60) as db:
            marks = ", ".join("?" for _ in columns)
            names = ", ".join(f'"{name}"' for name in columns)
            statement = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 (names from TABLES)
            db.executemany(statement, [tuple(map(_sqlite, r)) for r in rows])

    async def query(self, sql: str) -> list[tuple]:
        if self.pg:
            connection = await asyncpg.connect(self.url)
            try:
                return [tuple(r) for r in await connection.fetch(sql)]
            finally:
                await connection.close()
        # In a thread: the bench's own probes run on this loop meanwhile.
        return await asyncio.to_thread(self._sqlite_query, sql)

    def _sqlite_query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.url.removeprefix("sqlite://"), timeout=60) as db:
            return db.execute(sql).fetchall()

    async def analyze(self) -> None:
        await self.query("ANALYZE")


def _sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
