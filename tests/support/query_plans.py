"""The many-account database the query-plan test judges the plans on (the judge is ``devtools.query_plans``).

Every table a hot query reads holds rows of many other accounts (or subjects, or jobs), part of them old
enough for the sweep to prune, so that a plan reading beyond one owner's rows or one batch shows.

Seeding is made once per backend (``seeded_database``) and each test gets a copy of its own
(``seeded_copy``): a PostgreSQL database made from it as a template, or a copy of the SQLite file.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg
from asgi_lifespan import LifespanManager

from auth.clock import FrozenClock
from models import (
    Account,
    ApiKey,
    ClientKind,
    KnownDevice,
    Lease,
    PasswordResetToken,
    ResetRequest,
    SecurityEvent,
    SecurityEventType,
    Session,
)
from models.throttle import AttemptCounter, IpFailure, IpSignUp
from models.two_factor import BackupCode, SignInChallenge, TotpSetup
from tests.support.databases import Backend, admin_statement, copy_sqlite, create_database
from tests.support.settings import test_settings
from workestra.app import create_app

# When the seed is made: where the tests' clock (a fresh FrozenClock) starts.
SEEDED_AT = FrozenClock().now()


@contextlib.contextmanager
def seeded_database(backend: Backend, directory: Path) -> Iterator[Backend]:
    """A database beside ``backend``'s, with its migrations, holding the seed and nothing else."""
    if backend.is_postgres:
        seeded = _postgres_copy(backend, f"{backend.database_name}_seed")
    else:
        seeded = Backend("sqlite", copy_sqlite(backend, directory / "seed.sqlite3"), backend.broadcast_url)
    try:
        seeded.wipe()
        if seeded.is_postgres:
            # No statistics but the ones a test makes itself: autovacuum must not analyze the seed meanwhile.
            asyncio.run(_without_autovacuum(seeded.database_url))
        asyncio.run(_seed_through_the_app(seeded))
        yield seeded
    finally:
        if seeded.is_postgres:
            asyncio.run(admin_statement(f'DROP DATABASE IF EXISTS "{seeded.database_name}" WITH (FORCE)'))


@contextlib.contextmanager
def seeded_copy(seeded: Backend, directory: Path) -> Iterator[Backend]:
    """A test's own copy of the seeded database, gone after the test."""
    if seeded.is_postgres:
        copy = _postgres_copy(seeded, f"{seeded.database_name}_{uuid.uuid4().hex[:8]}")
        try:
            yield copy
        finally:
            asyncio.run(admin_statement(f'DROP DATABASE IF EXISTS "{copy.database_name}" WITH (FORCE)'))
    else:
        yield Backend("sqlite", copy_sqlite(seeded, directory / "plans.sqlite3"), seeded.broadcast_url)


def _postgres_copy(template: Backend, name: str) -> Backend:
    asyncio.run(create_database(name, template=template.database_name))
    return Backend("postgres", template.database_url.rsplit("/", 1)[0] + f"/{name}", template.broadcast_url)


async def _without_autovacuum(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        for row in await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"):
            await connection.execute(f'ALTER TABLE "{row["tablename"]}" SET (autovacuum_enabled = false)')
    finally:
        await connection.close()


async def _seed_through_the_app(backend: Backend) -> None:
    # The app's own database set-up, then the seed; its timed sweep would not run before the app stops.
    application = create_app(test_settings(backend, session_sweep_interval=3600), clock=FrozenClock())
    async with LifespanManager(application):
        await seed_accounts(SEEDED_AT)


async def seed_accounts(now: datetime, *, accounts: int = 2000) -> None:
    """Many accounts, each with a few sessions (most ended, some idle past their timeout), events and keys."""
    rows = [
        Account(
            email=f"seed{n}@example.com",
            password_hash="$argon2id$v=19$m=8,t=1,p=1$c2VlZA$seed",
            password_changed_at=now,
            created_at=now,
        )
        for n in range(accounts)
    ]
    await Account.bulk_create(rows, batch_size=500)
    ids = [a.id for a in await Account.filter(email__startswith="seed").only("id")]
    sessions, events, keys = [], [], []
    for index, account_id in enumerate(ids):
        for n in range(4):
            active = now - timedelta(days=n * 3, minutes=index % 50)
            ended = now - timedelta(days=1) if n < 3 else None
            sessions.append(_session(account_id, ClientKind.WEB if n % 2 else ClientKind.MOBILE, active, ended))
        for n in range(5):
            events.append(
                SecurityEvent(account_id=account_id, type=SecurityEventType.SIGN_IN, occurred_at=now - timedelta(n))
            )
        if index % 4 == 0:
            keys.append(_api_key(account_id, now))
    await Session.bulk_create(sessions, batch_size=1000)
    await SecurityEvent.bulk_create(events, batch_size=1000)
    await ApiKey.bulk_create(keys, batch_size=500)
    await seed_counters(now, count=accounts * 2)
    await seed_devices_and_resets(ids, now)
    await seed_two_factor(ids, now)
    await seed_leases(now, count=accounts)


async def seed_counters(now: datetime, *, count: int) -> None:
    """Attempt counters and IP events, half of them old enough to prune."""
    stale = now - timedelta(days=2)
    await AttemptCounter.bulk_create(
        [AttemptCounter(key=f"{n:064x}", failures=1, last_failure_at=stale if n % 2 else now) for n in range(count)],
        batch_size=1000,
    )
    for model in (IpFailure, IpSignUp):
        await model.bulk_create(
            [model(ip=f"198.51.{n // 250 % 250}.{n % 250}", occurred_at=stale if n % 2 else now) for n in range(count)],
            batch_size=1000,
        )


async def seed_devices_and_resets(account_ids: list[int], now: datetime) -> None:
    """Two known devices per account, reset links (open, used, long expired) and reset requests, half stale."""
    devices, links, requests = [], [], []
    for index, account_id in enumerate(account_ids):
        for n in range(2):
            used = now - timedelta(days=n * 7, minutes=index % 50)
            devices.append(
                KnownDevice(
                    id=uuid.uuid4(),
                    account_id=account_id,
                    token_hash=_digest(),
                    client=ClientKind.WEB if n else ClientKind.MOBILE,
                    created_at=used - timedelta(days=30),
                    last_used_at=used,
                )
            )
        # A link from today (open), one used last week, one that expired days ago (the sweep's to forget).
        for age_days, used_at in ((0, None), (7, now - timedelta(days=7)), (3, None)):
            created = now - timedelta(days=age_days, minutes=index % 50)
            links.append(
                PasswordResetToken(
                    account_id=account_id,
                    token_hash=_digest(),
                    created_at=created,
                    expires_at=created + timedelta(minutes=30),
                    used_at=used_at,
                )
            )
        requests.append(ResetRequest(subject=f"email:{index:064x}", occurred_at=now - timedelta(days=index % 2 * 2)))
        ip = f"ip:203.0.{index // 250 % 250}.{index % 250}"
        requests.append(ResetRequest(subject=ip, occurred_at=now - timedelta(days=index % 2 * 2, minutes=1)))
    await KnownDevice.bulk_create(devices, batch_size=1000)
    await PasswordResetToken.bulk_create(links, batch_size=1000)
    await ResetRequest.bulk_create(requests, batch_size=1000)


async def seed_two_factor(account_ids: list[int], now: datetime) -> None:
    """Backup codes of 2FA accounts, pending setups (half unconfirmed for hours) with theirs, and challenges."""
    codes, setups, challenges = [], [], []
    for index, account_id in enumerate(account_ids):
        if index % 2:
            setups.append(
                TotpSetup(account_id=account_id, secret="sealed", created_at=now - timedelta(hours=index % 4))
            )
        else:
            codes += [BackupCode(account_id=account_id, code_hash=_digest(), created_at=now) for _ in range(5)]
        created = now - timedelta(minutes=index % 30)
        challenges.append(
            SignInChallenge(
                id=uuid.uuid4(),
                account_id=account_id,
                token_hash=_digest(),
                client=ClientKind.WEB,
                created_at=created,
                expires_at=created + timedelta(minutes=5),
            )
        )
    await TotpSetup.bulk_create(setups, batch_size=1000)
    by_account = {setup.account_id: setup.id for setup in await TotpSetup.all().only("id", "account_id")}
    for account_id, setup_id in by_account.items():
        codes += [
            BackupCode(account_id=account_id, setup_id=setup_id, code_hash=_digest(), created_at=now) for _ in range(5)
        ]
    await BackupCode.bulk_create(codes, batch_size=1000)
    await SignInChallenge.bulk_create(challenges, batch_size=1000)


async def seed_leases(now: datetime, *, count: int) -> None:
    """Leases of other jobs, held by other processes: the sweep's lease is one row among them."""
    await Lease.bulk_create(
        [
            Lease(name=f"job-{n}", holder=f"host-{n % 7}:1:seed", expires_at=now + timedelta(minutes=n % 5))
            for n in range(count)
        ],
        batch_size=1000,
    )


def _digest() -> str:
    return uuid.uuid4().hex + uuid.uuid4().hex


def _session(account_id: int, client: ClientKind, active: datetime, ended: datetime | None) -> Session:
    return Session(
        id=uuid.uuid4(),
        account_id=account_id,
        token_hash=_digest(),
        client=client,
        user_agent="seed",
        created_at=active - timedelta(hours=1),
        last_active_at=active,
        ended_at=ended,
        end_reason="SIGNED_OUT" if ended else None,
    )


def _api_key(account_id: int, now: datetime) -> ApiKey:
    return ApiKey(
        id=uuid.uuid4(),
        account_id=account_id,
        name="seed",
        prefix="wk_seed",
        key_hash=_digest(),
        created_at=now,
    )
