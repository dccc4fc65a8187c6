"""B5's query plans: the SQL of each hot operation, recorded in process, its plan printed and judged.

The recorder and the plan judge are ``devtools.query_plans``, the ones ``tests/test_query_plans.py``
asserts with, here on PostgreSQL's natural plans (a grown database): a full scan, a sort beyond one
account's rows or an index not led by the owner's key is a ``FAIL`` line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


async def explain_hot_queries(url: str, token: str) -> list[str]:
    """Record the SQL of each hot operation in process, print its plan and a FAIL line per fault."""
    from tortoise import Tortoise
    from tortoise.backends.base.executor import EXECUTOR_CACHE
    from tortoise.connection import get_connection
    from tortoise.transactions import in_transaction

    from auth.clock import SystemClock
    from auth.sessions import SessionPolicy, authenticate
    from devtools.query_plans import SWEEP_KEYS, plan_faults, recorder_installed
    from workestra.db import tortoise_config

    clock, policy, events = SystemClock(), SessionPolicy(), _Quiet()
    lines: list[str] = []
    # Tortoise caches INSERT statements per connection name, not per dialect: forget the other backend's.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
    try:
        with recorder_installed() as recorder:
            session = await authenticate(token, clock=clock, policy=policy, events=events)
            assert session is not None
            operations = await _operations(token, session, clock, policy, events)
            for name, operation in operations.items():
                with recorder.recording():
                    await operation()
                statements = {s.sql: s for s in recorder.reads()}.values()
                keys = SWEEP_KEYS if name in ("sweep", "prune") else frozenset()
                for statement in statements:
                    lines.append(f"-- {name}: {statement.sql[:300]}")
                    lines += await _plan_text(statement, in_transaction)
                    for fault in await plan_faults(
                        get_connection("default"), statement, batch_keys=keys, priced_out=False
                    ):
                        lines.append(f"FAIL {name}: {fault}")
    finally:
        await Tortoise.close_connections()
    return lines


def _cursor(page: Any) -> str | None:
    from auth.audit import encode_cursor

    return encode_cursor(page.events[-1].public_id) if page.events else None


async def _plan_text(statement: Any, in_transaction: Any) -> list[str]:
    async with in_transaction() as connection:
        if connection.capabilities.dialect == "postgres":
            # EXPLAIN ANALYZE runs the statement: inside a transaction that is rolled back.
            await connection.execute_script("SAVEPOINT plan")
            rows = await connection.execute_query_dict("EXPLAIN ANALYZE " + statement.sql, statement.values)
            await connection.execute_script("ROLLBACK TO SAVEPOINT plan")
            return ["   " + row["QUERY PLAN"] for row in rows]
        rows = await connection.execute_query_dict("EXPLAIN QUERY PLAN " + statement.sql, statement.values)
        return ["   " + str(row["detail"]) for row in rows]


class _Quiet:
    """Session events that go nowhere: the plans are of the queries, not of the announcements."""

    async def sessions_changed(self, account_id: int, *, ended: Any = ()) -> None: ...

    async def activity_advanced(self, account_id: int) -> None: ...


async def _operations(
    token: str, session: Any, clock: Any, policy: Any, events: Any
) -> dict[str, Callable[[], Awaitable[Any]]]:
    from auth.audit import list_security_events
    from auth.sessions import authenticate, end_sessions, list_active_sessions, sweep_expired_sessions
    from auth.throttle import SignUpLimit
    from models import SessionEndReason

    account = session.account_id
    first = await list_security_events(account, first=20, after=None)
    return {
        "me": lambda: authenticate(token, clock=clock, policy=policy, events=events),
        "activeSessions": lambda: list_active_sessions(account, clock=clock, policy=policy),
        "securityEvents first": lambda: list_security_events(account, first=20, after=None),
        "securityEvents deep": lambda: list_security_events(account, first=20, after=_cursor(first)),
        "revokeOthers": lambda: end_sessions(
            account, SessionEndReason.REVOKED, clock=clock, events=events, keep=session.id
        ),
        "sweep": lambda: sweep_expired_sessions(clock=clock, policy=policy, events=events),
        "prune": lambda: SignUpLimit(10, 3600, clock).prune(),
    }
