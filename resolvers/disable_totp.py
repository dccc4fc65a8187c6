"""``disableTotp``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.errors import AccountLocked, InvalidCredentials, TooManyAttempts, TotpNotEnabled
from auth.two_factor import disable_totp as disable_totp_flow
from schema.context import Context
from schema.errors import error_from
from schema.inputs import DisableTotpInput
from schema.results import DisableTotpResult
from schema.types import Account, TotpDisabled


async def disable_totp(
    info: strawberry.Info[Context, None],
    input: Annotated[DisableTotpInput, strawberry.argument(description="The account's current password.")],
) -> DisableTotpResult:
    """Switch two-factor authentication off at once; its secret and backup codes are deleted."""
    ctx = info.context
    viewer = await ctx.require_session()
    try:
        account = await disable_totp_flow(
            viewer.account_id,
            input.password,
            ctx.client_info,
            check=ctx.services.password_check,
            session_id=viewer.session.id,
        )
    except (InvalidCredentials, TotpNotEnabled, AccountLocked, TooManyAttempts) as exc:
        return error_from(exc)
    return TotpDisabled(account=Account.from_row(account))
