"""``signUp``: create an account and sign in."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.accounts import sign_up as sign_up_flow
from auth.errors import EmailTaken, InvalidEmail, PasswordPolicyViolation, TooManyAttempts
from resolvers.signed_in import signed_in_payload
from schema.context import Context
from schema.errors import error_from
from schema.inputs import SignUpInput
from schema.results import SignUpResult


async def sign_up(
    info: strawberry.Info[Context, None],
    input: Annotated[
        SignUpInput, strawberry.argument(description="Email, password and client kind of the new account.")
    ],
) -> SignUpResult:
    """Create an account with email and password, and open its first session."""
    ctx = info.context
    s = ctx.services
    try:
        result = await sign_up_flow(
            input.email,
            input.password,
            input.client,
            ctx.client_info,
            hasher=s.hasher,
            policy=s.password_policy,
            clock=s.clock,
            events=s.events,
            limit=s.sign_up_limit,
        )
    except (EmailTaken, InvalidEmail, PasswordPolicyViolation, TooManyAttempts) as exc:
        return error_from(exc)
    return await signed_in_payload(ctx, result)
