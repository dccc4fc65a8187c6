"""``reauthenticate``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.errors import AccountLocked, InvalidCode, InvalidCredentials, InvalidInput, TooManyAttempts
from auth.reauth import reauthenticate as reauthenticate_flow
from schema.context import Context
from schema.errors import error_from
from schema.inputs import ReauthenticateInput
from schema.results import ReauthenticateResult
from schema.types import Reauthenticated, Session


async def reauthenticate(
    info: strawberry.Info[Context, None],
    input: Annotated[ReauthenticateInput, strawberry.argument(description="The password, or a two-factor code.")],
) -> ReauthenticateResult:
    """Open the current session's recent-authentication window (counted under the brute-force rules)."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    try:
        until = await reauthenticate_flow(
            viewer.session,
            ctx.client_info,
            password=input.password,
            code=input.code,
            check=s.password_check,
            box=s.secret_box,
            policy=s.session_policy,
        )
    except (InvalidCredentials, InvalidCode, InvalidInput, AccountLocked, TooManyAttempts) as exc:
        return error_from(exc)
    session = Session.from_row(viewer.session, current_id=viewer.session.id, policy=s.session_policy)
    return Reauthenticated(until=until, session=session)
