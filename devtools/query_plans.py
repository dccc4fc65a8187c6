"""Query plans of what the app really sends: a statement recorder and a plan judge, for the suite and the benches.

The recorder wraps the database clients' query methods (SQLite and asyncpg), so it sees exactly the SQL
and parameters the app executes; the judge asks the database for the plan of each statement
(``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN (FORMAT JSON)`` on PostgreSQL) and names every step that
reads beyond the rows it should: a full scan of a large table, a sort, or an index led by a column
that does not pick the requester's (or the batch's) rows.

Why here: ``tests/test_query_plans.py`` asserts these plans and bench B5 prints them on a grown database,
so the judge is one module both import. It is no part of the product (``devtools`` is not installed
with it and nothing under ``auth``, ``models`` or ``workestra`` imports it), and a bench importing the
test suite would make every bench depend on the suite's fixtures and layout.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.sqlite.client import SqliteClient
from tortoise.transactions import in_transaction

# Tables that grow with the accounts (or with the requests): reading all of one is reading every account's rows.
LARGE_TABLES = frozenset(
    {
        "account",
        "session",
        "security_event",
        "attempt_counter",
        "ip_failure",
        "ip_sign_up",
        "api_key",
        "known_device",
        "password_reset_token",
        "reset_request",
        "lease",
        "totp_setup",
        "backup_code",
        "sign_in_challenge",
    }
)
# Columns whose value names one owner's rows (an account, a credential, an email counter, an IP, a reset
# request's email or IP subject, a TOTP setup's backup codes).
OWNER_KEYS = frozenset(
    {"account_id", "token_hash", "key_hash", "public_id", "email", "key", "ip", "subject", "setup_id"}
)
# Primary keys: by equality they name one row (a lease's key is its job's name).
PRIMARY_KEYS = frozenset({"id", "rowid", "name"})
# What the sweep may lead an index with: the client kind of its per-kind batches, and the age of what it prunes.
SWEEP_KEYS = frozenset({"client", "occurred_at", "last_failure_at", "expires_at", "created_at"})


@dataclass
class Statement:
    """One statement the app executed, with its parameters."""

    sql: str
    values: list[Any]


@dataclass
class Recorder:
    """The statements executed while it records."""

    statements: list[Statement] = field(default_factory=list)
    on: bool = False

    def reads(self) -> list[Statement]:
        """Recorded statements that read or change rows (inserts read nothing)."""
        return [s for s in self.statements if s.sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))]

    @contextlib.contextmanager
    def recording(self) -> Iterator[Recorder]:
        self.statements.clear()
        self.on = True
        try:
            yield self
        finally:
            self.on = False


@contextlib.contextmanager
def recorder_installed() -> Iterator[Recorder]:
    """Wrap the query methods of both database clients while open; yields the recorder they report to."""
    recorder = Recorder()
    originals = [
        (client, name, getattr(client, name))
        for client in (SqliteClient, AsyncpgDBClient)
        for name in ("execute_query", "execute_query_dict")
    ]
    for client, name, original in originals:

        async def wrapped(self: Any, query: str, values: list | None = None, __original: Any = original) -> Any:
            if recorder.on:
                recorder.statements.append(Statement(query, list(values or [])))
            return await __original(self, query, values)

        setattr(client, name, wrapped)
    try:
        yield recorder
    finally:
        for client, name, original in originals:
            setattr(client, name, original)


async def analyze(connection: BaseDBAsyncClient) -> None:
    """Gather planner statistics (``ANALYZE``) on either database."""
    await connection.execute_script("ANALYZE")


async def plan_faults(
    connection: BaseDBAsyncClient, statement: Statement, *, batch_keys: frozenset[str], priced_out: bool = True
) -> list[str]:
    """What is wrong with the plan of ``statement``: one line per offending step, none when it is fine.

    ``priced_out=False`` judges PostgreSQL's natural plan (a database of realistic size, as in bench B5).
    """
    if connection.capabilities.dialect == "postgres":
        # On a seed this small a sequential scan or a sort costs PostgreSQL less than any index, which says
        # nothing of 1 M rows: priced out, they remain in a plan only where no index can serve the query.
        async with in_transaction() as explaining:
            if priced_out:
                await explaining.execute_script("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
            rows = await explaining.execute_query_dict("EXPLAIN (FORMAT JSON) " + statement.sql, statement.values)
        raw = rows[0]["QUERY PLAN"]
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
        leading = await _pg_leading_columns(connection)
        return list(_pg_faults(plan, leading, batch_keys))
    rows = await connection.execute_query_dict("EXPLAIN QUERY PLAN " + statement.sql, statement.values)
    return [fault for row in rows if (fault := _sqlite_fault(str(row["detail"]), batch_keys))]


_SQLITE_STEP = re.compile(
    r"^(SCAN|SEARCH) (\w+)(?: AS \w+)?(?: USING (?:COVERING )?(?:INDEX \S+|INTEGER PRIMARY KEY))?"
)


def _sqlite_fault(detail: str, batch_keys: frozenset[str]) -> str | None:
    if "TEMP B-TREE" in detail:
        return f"sort: {detail}"
    step = _SQLITE_STEP.match(detail)
    if step is None or step.group(2) not in LARGE_TABLES:
        return None
    if step.group(1) == "SCAN":
        return f"full scan: {detail}"
    condition = re.search(r"\((\w+)([=<>]|\s+IN\b|\s+>|\s+<)", detail)
    if condition is None:
        return f"unbounded search: {detail}"
    column, operator = condition.group(1), condition.group(2).strip()
    return _leading_fault(column, operator in ("=", "IN"), batch_keys, detail)


def _leading_fault(column: str, equality: bool, batch_keys: frozenset[str], detail: str) -> str | None:
    if column in OWNER_KEYS or column in batch_keys or (column in PRIMARY_KEYS and equality):
        return None
    return f"index led by {column}: {detail}"


def _pg_faults(plan: dict[str, Any], leading: dict[str, str], batch_keys: frozenset[str]) -> Iterator[str]:
    node = plan["Node Type"]
    relation = plan.get("Relation Name")
    if node in ("Sort", "Incremental Sort") and not _one_owner(plan, leading):
        yield f"sort: {plan.get('Sort Key')}"
    elif node == "Seq Scan" and relation in LARGE_TABLES:
        yield f"full scan: {relation}"
    elif "Index Name" in plan and (relation or _table_of(plan, leading)) in LARGE_TABLES:
        column = leading.get(plan["Index Name"], "?")
        condition = str(plan.get("Index Cond", ""))
        if not condition:
            yield f"unbounded index scan: {plan['Index Name']}"
        elif fault := _leading_fault(
            column, _pg_equality(column, condition), batch_keys, f"{plan['Index Name']} {condition}"
        ):
            yield fault
    for child in plan.get("Plans", []):
        yield from _pg_faults(child, leading, batch_keys)


def _pg_equality(column: str, condition: str) -> bool:
    """Whether ``condition`` compares ``column`` by equality: ``(id = …)``, or cast, ``((name)::text = …)``."""
    return bool(re.search(rf"\((?:{column}|\({column}\)::[\w ]+) = ", condition))


def _one_owner(plan: dict[str, Any], leading: dict[str, str]) -> bool:
    """Whether every large-table row below ``plan`` comes from one owner's (or one key's) index range.

    A sort of those rows is a sort of one account's rows, which the planner may rightly prefer for a
    small account; a sort over anything wider is a fault.
    """
    scans = list(_scans(plan))
    for scan in scans:
        if scan.get("Relation Name", _table_of(scan, leading)) not in LARGE_TABLES:
            continue
        if "Index Name" not in scan:
            if scan.get("Relation Name") in LARGE_TABLES:
                return False
            continue
        column = leading.get(scan["Index Name"], "?")
        condition = str(scan.get("Index Cond", ""))
        if not (column in OWNER_KEYS or column in PRIMARY_KEYS) or not _pg_equality(column, condition):
            return False
    return True


def _table_of(scan: dict[str, Any], leading: dict[str, str]) -> str | None:
    """The table of a scan that names only its index (a bitmap index scan)."""
    return leading.get(f"table of {scan.get('Index Name')}")


def _scans(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "Scan" in plan["Node Type"] and plan["Node Type"] != "Bitmap Heap Scan":
        yield plan
    for child in plan.get("Plans", []):
        yield from _scans(child)


async def _pg_leading_columns(connection: BaseDBAsyncClient) -> dict[str, str]:
    rows = await connection.execute_query_dict(
        "SELECT i.relname AS index, a.attname AS column, t.relname AS table FROM pg_index x"
        " JOIN pg_class t ON t.oid = x.indrelid"
        " JOIN pg_class i ON i.oid = x.indexrelid"
        " JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]"
        " JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = 'public'"
    )
    columns = {row["index"]: row["column"] for row in rows}
    return columns | {f"table of {row['index']}": row["table"] for row in rows}
