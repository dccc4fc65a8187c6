"""``apiKeys``: the signed-in account's API keys, never the keys themselves."""

from __future__ import annotations

import strawberry

from auth.api_keys import list_api_keys
from schema.context import Context
from schema.types import ApiKey


async def api_keys(info: strawberry.Info[Context, None]) -> list[ApiKey]:
    """The account's keys that are not revoked, newest first."""
    viewer = await info.context.require_viewer()
    return [ApiKey.from_row(row) for row in await list_api_keys(viewer.account_id)]
