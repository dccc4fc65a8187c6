"""``changePassword``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.errors import AccountLocked, InvalidCredentials, PasswordPolicyViolation, TooManyAttempts
from auth.password_change import change_password as change_password_flow
from schema.context import Context
from schema.errors import error_from
from schema.inputs import ChangePasswordInput
from schema.results import ChangePasswordResult
from schema.types import Account, PasswordChanged


async def change_password(
    info: strawberry.Info[Context, None],
    input: Annotated[ChangePasswordInput, strawberry.argument(description="Current and new password.")],
) -> ChangePasswordResult:
    """Replace the signed-in account's password."""
    ctx = info.context
    viewer = await ctx.require_session()
    try:
        result = await change_password_flow(
            viewer.session,
            input.current_password,
            input.new_password,
            ctx.client_info,
            sign_out_other_sessions=input.sign_out_other_sessions,
            revoke_api_keys=input.revoke_api_keys,
            check=ctx.services.password_check,
            events=ctx.services.events,
        )
    except (InvalidCredentials, PasswordPolicyViolation, AccountLocked, TooManyAttempts) as exc:
        return error_from(exc)
    return PasswordChanged(
        account=Account.from_row(result.account),
        signed_out_sessions=result.signed_out_sessions,
        revoked_api_keys=result.revoked_api_keys,
    )
