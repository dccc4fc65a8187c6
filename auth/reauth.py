"""Recent authentication ("sudo mode"): operations that make long-lived credentials need a fresh proof.

A session is recently authenticated for ``SessionPolicy.reauth_window`` seconds after its sign-in, a
``reauthenticate`` (password, or a TOTP or backup code when 2FA is on), a password change or switching
2FA off in it. The proofs go through the brute-force rules like every other password or code check.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from auth.accounts import PasswordCheck, confirm_password
from auth.client_info import ClientInfo
from auth.clock import Clock
from auth.errors import InvalidInput, ReauthenticationRequired, TotpNotEnabled
from auth.secret_box import SecretBox
from auth.sessions import SessionPolicy, mark_authenticated
from auth.two_factor import confirm_code
from models import Account, Session


def is_recently_authenticated(session: Session, *, clock: Clock, policy: SessionPolicy) -> bool:
    """Whether the session's recent-authentication window is open now."""
    until = policy.reauthentication_expires_at(session)
    return until is not None and clock.now() < until


def require_recent_authentication(session: Session, *, clock: Clock, policy: SessionPolicy) -> None:
    """Refuse with ``ReauthenticationRequired`` unless the session authenticated within the window."""
    if not is_recently_authenticated(session, clock=clock, policy=policy):
        raise ReauthenticationRequired()


async def reauthenticate(
    session: Session,
    info: ClientInfo,
    *,
    password: str | None,
    code: str | None,
    check: PasswordCheck,
    box: SecretBox,
    policy: SessionPolicy,
) -> datetime:
    """Check the password or a code of the session's account and open its window; returns when it closes.

    Exactly one of ``password`` and ``code`` is given (``InvalidInput`` otherwise, counted nowhere). A code
    works only when 2FA is on (``InvalidInput("code")`` otherwise, also counted nowhere).
    """
    if (password is None) == (code is None):
        raise InvalidInput("input", "Give exactly one of your password or a two-factor code.")
    account = await Account.get(id=session.account_id)
    if password is not None:
        await confirm_password(account, password, info, check=check)
    else:
        try:
            if account.totp_enabled_at is None:
                raise TotpNotEnabled()
            await confirm_code(account, code or "", info, box=box, check=check)
        except TotpNotEnabled:
            raise InvalidInput("code", "Two-factor authentication is off: confirm with your password.") from None
    now = check.clock.now()
    await mark_authenticated(session.id, now)
    session.authenticated_at = now
    return now + timedelta(seconds=policy.reauth_window)
