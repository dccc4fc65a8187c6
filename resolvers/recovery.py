"""``requestPasswordReset`` and ``resetPassword``: account recovery by email (no sign-in needed)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.errors import (
    AccountLocked,
    InvalidCode,
    InvalidInput,
    InvalidResetToken,
    PasswordPolicyViolation,
    TooManyAttempts,
)
from auth.recovery import request_password_reset as request_flow
from auth.recovery import reset_password as reset_flow
from schema.context import Context
from schema.errors import error_from
from schema.inputs import RequestPasswordResetInput, ResetPasswordInput
from schema.results import RequestPasswordResetResult, ResetPasswordResult
from schema.types import PasswordReset, PasswordResetRequested

REQUESTED = "If an account uses this email address, a link to reset its password is on its way. Check your mail."


async def request_password_reset(
    info: strawberry.Info[Context, None],
    input: Annotated[RequestPasswordResetInput, strawberry.argument(description="The account's email address.")],
) -> RequestPasswordResetResult:
    """Mail a reset link if an account has the email; the answer is the same either way."""
    ctx = info.context
    try:
        await request_flow(input.email, ctx.client_info, recovery=ctx.services.recovery)
    except (TooManyAttempts, InvalidInput) as exc:
        return error_from(exc)
    return PasswordResetRequested(message=REQUESTED)


async def reset_password(
    info: strawberry.Info[Context, None],
    input: Annotated[ResetPasswordInput, strawberry.argument(description="Token, new password and code.")],
) -> ResetPasswordResult:
    """Set a new password with a reset link's token; every session and API key of the account ends."""
    ctx = info.context
    try:
        done = await reset_flow(
            input.token, input.new_password, input.code, ctx.client_info, recovery=ctx.services.recovery
        )
    except (
        InvalidResetToken,
        PasswordPolicyViolation,
        InvalidCode,
        AccountLocked,
        TooManyAttempts,
        InvalidInput,
    ) as exc:
        return error_from(exc)
    return PasswordReset(signed_out_sessions=done.signed_out_sessions, revoked_api_keys=done.revoked_api_keys)
