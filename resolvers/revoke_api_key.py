"""``revokeApiKey``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.api_keys import revoke_api_key as revoke_api_key_flow
from auth.errors import NotFound
from auth.nodes import api_key_by_id
from schema.context import Context
from schema.errors import error_from
from schema.ids import parse_global_id
from schema.results import RevokeApiKeyResult
from schema.types import ApiKey, ApiKeyRevoked


async def revoke_api_key(
    info: strawberry.Info[Context, None],
    id: Annotated[strawberry.ID, strawberry.argument(description="The global id of the key to revoke (from apiKeys).")],
) -> RevokeApiKeyResult:
    """Revoke one of the account's API keys at once; an id of another type is NOT_FOUND."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    ref = parse_global_id(id, expect="ApiKey")
    revoked = ref is not None and await revoke_api_key_flow(
        str(ref.key), viewer.account_id, ctx.client_info, clock=s.clock, events=s.events, session_id=viewer.session.id
    )
    row = await api_key_by_id(viewer.account_id, ref.key) if revoked and ref is not None else None
    if row is None:
        return error_from(NotFound())
    return ApiKeyRevoked(id=id, api_key=ApiKey.from_row(row))
