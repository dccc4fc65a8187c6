"""``startTotpSetup``."""

from __future__ import annotations

import strawberry

from auth.errors import ReauthenticationRequired, TotpAlreadyEnabled
from auth.reauth import require_recent_authentication
from auth.two_factor import start_totp_setup as start_totp_setup_flow
from schema.context import Context
from schema.errors import error_from
from schema.results import StartTotpSetupResult
from schema.types import TotpSetup


async def start_totp_setup(info: strawberry.Info[Context, None]) -> StartTotpSetupResult:
    """Make a pending secret, its QR code and backup codes; replaces an earlier pending setup."""
    ctx = info.context
    viewer = await ctx.require_session()
    s = ctx.services
    try:
        # A session thief must not put two-factor authentication on someone else's account.
        require_recent_authentication(viewer.session, clock=s.clock, policy=s.session_policy)
        setup = await start_totp_setup_flow(viewer.account_id, box=s.secret_box, clock=s.clock)
    except (TotpAlreadyEnabled, ReauthenticationRequired) as exc:
        return error_from(exc)
    return TotpSetup(
        secret=setup.secret,
        otpauth_uri=setup.otpauth_uri,
        qr_code_svg=setup.qr_code_svg,
        backup_codes=setup.backup_codes,
    )
