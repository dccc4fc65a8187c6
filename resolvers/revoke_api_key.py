"""``revokeApiKey``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.api_keys import revoke_api_key as revoke_api_key_flow
from auth.errors import NotFound
from schema.context import Context
from schema.errors import error_from
from schema.results import RevokeApiKeyResult
from schema.types import ApiKeyRevoked


async def revoke_api_key(
    info: strawberry.Info[Context, None],
    id: Annotated[strawberry.ID, strawberry.argument(description="The key to revoke (from apiKeys).")],
) -> RevokeApiKeyResult:
    """Revoke one of the account's API keys at once."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    revoked = await revoke_api_key_flow(
        str(id), viewer.account_id, ctx.client_info, clock=s.clock, events=s.events, session_id=viewer.session.id
    )
    return ApiKeyRevoked(id=id) if revoked else error_from(NotFound())
