"""``enableTotp``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.errors import InvalidCode, ReauthenticationRequired, TotpAlreadyEnabled, TotpSetupNotStarted
from auth.reauth import require_recent_authentication
from auth.two_factor import enable_totp as enable_totp_flow
from schema.context import Context
from schema.errors import error_from
from schema.inputs import EnableTotpInput
from schema.results import EnableTotpResult
from schema.types import Account, TotpEnabled


async def enable_totp(
    info: strawberry.Info[Context, None],
    input: Annotated[EnableTotpInput, strawberry.argument(description="The first code from the authenticator app.")],
) -> EnableTotpResult:
    """Confirm the pending setup with a code and switch two-factor authentication on."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    try:
        require_recent_authentication(viewer.session, clock=s.clock, policy=s.session_policy)
        account = await enable_totp_flow(
            viewer.account_id,
            input.code,
            ctx.client_info,
            box=s.secret_box,
            clock=s.clock,
            outbox=s.outbox,
            session_id=viewer.session.id,
        )
    except (InvalidCode, TotpSetupNotStarted, TotpAlreadyEnabled, ReauthenticationRequired) as exc:
        return error_from(exc)
    return TotpEnabled(account=Account.from_row(account))
