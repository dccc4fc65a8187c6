"""Deleting many old rows without holding the database: a few hundred per statement, oldest first."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, TypeVar

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
