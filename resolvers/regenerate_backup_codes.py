"""``regenerateBackupCodes``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.errors import AccountLocked, InvalidCredentials, TooManyAttempts, TotpNotEnabled
from auth.two_factor import regenerate_backup_codes as regenerate_backup_codes_flow
from schema.context import Context
from schema.errors import error_from
from schema.inputs import RegenerateBackupCodesInput
from schema.results import RegenerateBackupCodesResult
from schema.types import BackupCodes


async def regenerate_backup_codes(
    info: strawberry.Info[Context, None],
    input: Annotated[RegenerateBackupCodesInput, strawberry.argument(description="The account's current password.")],
) -> RegenerateBackupCodesResult:
    """Replace the backup codes with a new set of 10; the old ones stop working."""
    ctx = info.context
    viewer = await ctx.require_session()
    try:
        codes = await regenerate_backup_codes_flow(
            viewer.account_id,
            input.password,
            ctx.client_info,
            check=ctx.services.password_check,
            session_id=viewer.session.id,
        )
    except (InvalidCredentials, TotpNotEnabled, AccountLocked, TooManyAttempts) as exc:
        return error_from(exc)
    return BackupCodes(codes=codes)
