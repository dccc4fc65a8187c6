"""Changing many rows without holding the database: deletes a few hundred per statement, oldest first,
and updates that say which rows they changed."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

# Rows per DELETE: a statement (and SQLite's write lock) lasts milliseconds whatever the backlog.
PRUNE_BATCH = 500

M = TypeVar("M", bound=Model)


async def delete_oldest(
    query: QuerySet[M],
    *,
    order_by: str,
    key: str = "id",
    recheck: Q | None = None,
    dependents: Sequence[tuple[type[Model], str]] = (),
    size: int = PRUNE_BATCH,
) -> int:
    """Delete the rows ``query`` matches, ``size`` at a time in ``order_by`` order; returns how many went.

    Each batch is read by the index on ``order_by`` and deleted by primary key (``recheck`` repeated on the
    delete for rows that may have changed in between); the loop yields to other tasks between batches.
    ``dependents`` (model, column) are rows that point at the batch: deleted by that column, in the batch's
    transaction, before it (so no cascade reads them unseen).
    """
    deleted = 0
    while True:
        keys: list[Any] = await query.order_by(order_by).limit(size).values_list(key, flat=True)
        if not keys:
            return deleted
        target = query.model.filter(**{f"{key}__in": keys})
        if recheck is not None:
            target = target.filter(recheck)
        if dependents:
            async with in_transaction() as connection:
                for model, column in dependents:
                    await model.filter(**{f"{column}__in": keys}).using_db(connection).delete()
                count = await target.using_db(connection).delete()
        else:
            count = await target.delete()
        deleted += count
        if len(keys) < size or not count:
            return deleted
        await asyncio.sleep(0)


async def update_returning(
    query: QuerySet[M], columns: Sequence[str], connection: BaseDBAsyncClient, **values: Any
) -> list[dict[str, Any]]:
    """Set ``values`` on the rows ``query`` matches in one statement; returns ``columns`` of the rows it changed.

    Tortoise's update gives only a count; this is the same statement, its filters and values encoded by
    Tortoise for the connection's dialect, with ``RETURNING`` (PostgreSQL, SQLite 3.35+) added. Rows another
    transaction changed first so that they no longer match are neither changed nor returned.
    """
    update = query.using_db(connection).update(**values)
    # Builds the statement (as awaiting it would, and as its public sql() does) without running it.
    update._make_query()
    statement = update.query.returning(*columns)  # type: ignore[operator]
    sql, parameters = statement.get_parameterized_sql()
    # execute_query drops the rows of an UPDATE on asyncpg; the dict variant fetches them on both backends.
    return await connection.execute_query_dict(sql, parameters)
