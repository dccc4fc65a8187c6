"""``signIn``: the password step."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.accounts import sign_in as sign_in_flow
from auth.challenges import TwoFactorChallenge
from auth.errors import AccountLocked, InvalidCredentials, TooManyAttempts
from resolvers.cookies import device_credential
from resolvers.signed_in import signed_in_payload
from schema.context import Context
from schema.errors import error_from
from schema.inputs import SignInInput
from schema.metrics import record_sign_in
from schema.results import SignInResult
from schema.types import TwoFactorRequired


async def sign_in(
    info: strawberry.Info[Context, None],
    input: Annotated[SignInInput, strawberry.argument(description="Email, password and client kind.")],
) -> SignInResult:
    """Check email and password; open a session, or ask for the second factor when 2FA is on."""
    ctx = info.context
    s = ctx.services
    try:
        result = await sign_in_flow(
            input.email,
            input.password,
            input.client,
            ctx.client_info,
            device_token=device_credential(ctx, input.device_token),
            check=s.password_check,
            events=s.events,
        )
    except (InvalidCredentials, AccountLocked, TooManyAttempts) as exc:
        record_sign_in("password", exc)
        return error_from(exc)
    record_sign_in("password", result)
    if isinstance(result, TwoFactorChallenge):
        return TwoFactorRequired(challenge=result.challenge, expires_at=result.expires_at)
    return await signed_in_payload(ctx, result)
