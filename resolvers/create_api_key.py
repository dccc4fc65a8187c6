"""``createApiKey``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.api_keys import create_api_key as create_api_key_flow
from auth.errors import InvalidInput, ReauthenticationRequired
from auth.reauth import require_recent_authentication
from schema.context import Context
from schema.errors import error_from
from schema.inputs import CreateApiKeyInput
from schema.results import CreateApiKeyResult
from schema.types import ApiKey, ApiKeyCreated


async def create_api_key(
    info: strawberry.Info[Context, None],
    input: Annotated[CreateApiKeyInput, strawberry.argument(description="The key's name and optional expiry.")],
) -> CreateApiKeyResult:
    """Make a read-only API key; the key itself is in the answer once and never again."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    try:
        require_recent_authentication(viewer.session, clock=s.clock, policy=s.session_policy)
        key, secret = await create_api_key_flow(
            viewer.account_id,
            input.name,
            input.expires_at,
            ctx.client_info,
            clock=s.clock,
            outbox=s.outbox,
            limit=s.settings.max_api_keys,
            session_id=viewer.session.id,
        )
    except (InvalidInput, ReauthenticationRequired) as exc:
        return error_from(exc)
    return ApiKeyCreated(api_key=ApiKey.from_row(key), secret=secret)
