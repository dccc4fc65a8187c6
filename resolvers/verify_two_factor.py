"""``verifyTwoFactor``: the second step of signing in."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.errors import AccountLocked, ChallengeExpired, InvalidCode, TooManyAttempts
from auth.two_factor import verify_two_factor as verify_two_factor_flow
from resolvers.signed_in import signed_in_payload
from schema.context import Context
from schema.errors import error_from
from schema.inputs import VerifyTwoFactorInput
from schema.metrics import record_sign_in
from schema.results import VerifyTwoFactorResult


async def verify_two_factor(
    info: strawberry.Info[Context, None],
    input: Annotated[VerifyTwoFactorInput, strawberry.argument(description="The challenge and a TOTP or backup code.")],
) -> VerifyTwoFactorResult:
    """Finish a sign-in with a TOTP or backup code; opens the session the password step asked for."""
    ctx = info.context
    s = ctx.services
    try:
        result = await verify_two_factor_flow(
            input.challenge,
            input.code,
            ctx.client_info,
            box=s.secret_box,
            check=s.password_check,
            locations=s.locations,
            events=s.events,
        )
    except (InvalidCode, ChallengeExpired, AccountLocked, TooManyAttempts) as exc:
        record_sign_in("second_factor", exc)
        return error_from(exc)
    record_sign_in("second_factor", result)
    return await signed_in_payload(ctx, result)
