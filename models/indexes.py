"""Index kinds the hot queries need beyond Tortoise's plain ones."""

from __future__ import annotations

from typing import Any

from tortoise.indexes import Index


class LiveRowsIndex(Index):
    """An index over the rows whose ``null_column`` is NULL (live sessions, unrevoked keys) only.

    Tortoise's ``PartialIndex`` writes ``column = NULL`` (true for no row), hence this kind. Queries
    use it only when they say ``null_column IS NULL`` themselves, so no query can pick it by luck.
    ``present_column`` leaves out the rows where that column is NULL too: only a query that compares it
    (which implies it is not NULL) can use the index, so a query that does not cannot scan it whole.
    """

    def __init__(
        self,
        *,
        fields: tuple[str, ...] | list[str],
        null_column: str,
        present_column: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(fields=fields, name=name)
        self.null_column = null_column
        self.present_column = present_column
        self.extra = f' WHERE "{null_column}" IS NULL'
        if present_column is not None:
            self.extra += f' AND "{present_column}" IS NOT NULL'

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        path, args, kwargs = super().deconstruct()
        kwargs["null_column"] = self.null_column
        if self.present_column is not None:
            kwargs["present_column"] = self.present_column
        return path, args, kwargs
