"""Changing the password: the current one is checked under the brute-force rules, the last five can't return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from auth.accounts import PasswordCheck, confirm_password
from auth.api_keys import revoke_and_announce_api_keys
from auth.audit import record_event
from auth.challenges import close_open_challenges
from auth.client_info import ClientInfo
from auth.errors import ErrorCode, InvalidCredentials, PasswordPolicyViolation
from auth.hash_pool import HashCharge, hash_charge
from auth.notices import password_changed_notice
from auth.passwords import PasswordPolicy, candidate_password, normalize_password
from auth.ports import SessionEvents
from auth.sessions import end_sessions, mark_authenticated
from models import Account, PasswordHistory, SecurityEventType, Session, SessionEndReason


@dataclass(frozen=True)
class PasswordChanged:
    """The account after the change and how many other sessions were signed out."""

    account: Account
    signed_out_sessions: int
    revoked_api_keys: int = 0


async def change_password(
    session: Session,
    current_password: str,
    new_password: str,
    info: ClientInfo,
    *,
    sign_out_other_sessions: bool,
    check: PasswordCheck,
    events: SessionEvents,
    revoke_api_keys: bool = False,
) -> PasswordChanged:
    """Replace the password of the session's account; by default every other session is signed out.

    With ``revoke_api_keys`` every API key of the account is revoked too (after the change is committed).
    """
    policy = check.policy
    # Length rules first: a too-long or too-short new password costs no hashing and no attempt.
    new_normalized = normalize_password(new_password, policy)
    account = await Account.get(id=session.account_id)
    await confirm_password(account, current_password, info, check=check)

    charge = hash_charge(account.email, info.ip)
    # The history is checked only now that the current password matched, so a wrong guess costs one run.
    if await _recently_used(account, current_password, new_normalized, charge, check):
        raise PasswordPolicyViolation(
            ErrorCode.PASSWORD_REUSED,
            f"Choose a password you have not used for your last {policy.history_size} passwords.",
        )
    new_hash = await check.hasher.hash(new_normalized, charge=charge)
    await _store_new_password(account, new_hash, info, session=session, check=check)
    check.outbox.wake()

    # Keys first: a key's socket must not see the sign-outs that follow as an update.
    revoked: list[str] = []
    if revoke_api_keys:
        revoked = await revoke_and_announce_api_keys(
            account.id, info, clock=check.clock, events=events, session_id=session.id
        )
    signed_out = 0
    if sign_out_other_sessions:
        ended = await end_sessions(
            account.id, SessionEndReason.PASSWORD_CHANGED, clock=check.clock, events=events, keep=session.id
        )
        signed_out = len(ended)
    return PasswordChanged(await Account.get(id=account.id), signed_out, len(revoked))


async def _store_new_password(
    account: Account, new_hash: str, info: ClientInfo, *, session: Session, check: PasswordCheck
) -> None:
    """Swap the checked hash for the new one, keep the history, void challenges, mail and audit: one transaction."""
    now = check.clock.now()
    async with in_transaction() as connection:
        if not await replace_password(account, new_hash, at=now, policy=check.policy, connection=connection):
            # Someone changed the password since we checked it: what was typed is no longer current.
            raise InvalidCredentials()
        # A challenge won with the old password must not finish a sign-in after the change.
        await close_open_challenges(account.id, clock=check.clock, using_db=connection)
        mail = password_changed_notice(account.email, at=now, ip=info.ip, user_agent=info.user_agent)
        await check.outbox.enqueue(mail, now=now, using_db=connection)
        await record_event(
            account.id, SecurityEventType.PASSWORD_CHANGED, info, at=now, session_id=session.id, using_db=connection
        )
        # Knowing the current password is a proof of identity: the session counts as recently authenticated.
        await mark_authenticated(session.id, now, using_db=connection)


async def replace_password(
    account: Account, new_hash: str, *, at: datetime, policy: PasswordPolicy, connection: BaseDBAsyncClient
) -> bool:
    """Store ``new_hash`` in place of the hash ``account`` was read with, keeping the old one in the history.

    False (nothing written) when the password changed since ``account`` was read. Only as many earlier
    hashes are kept as the reuse rule needs (the current one counts as one of them).
    """
    changed = (
        await Account.filter(id=account.id, password_hash=account.password_hash)
        .using_db(connection)
        .update(password_hash=new_hash, password_changed_at=at)
    )
    if not changed:
        return False
    await PasswordHistory.create(
        account_id=account.id, password_hash=account.password_hash, created_at=at, using_db=connection
    )
    keep = (
        await PasswordHistory.filter(account_id=account.id)
        .using_db(connection)
        .order_by("-id")
        .limit(policy.history_size - 1)
        .values_list("id", flat=True)
    )
    await PasswordHistory.filter(account_id=account.id).exclude(id__in=list(keep)).using_db(connection).delete()
    return True


async def _recently_used(
    account: Account, current_password: str, password: str, charge: HashCharge, check: PasswordCheck
) -> bool:
    """True when ``password`` is the current one or one of the previous ``history_size - 1``.

    The current password has just matched the current hash, so comparing the two normalised texts
    answers for the current hash without an argon2 run; the older hashes are verified newest first,
    stopping at the first match.
    """
    if candidate_password(current_password, check.policy) == password:
        return True
    return await in_history(account, password, charge, check)


async def in_history(account: Account, password: str, charge: HashCharge, check: PasswordCheck) -> bool:
    """True when ``password`` (normalised) matches one of the account's previous ``history_size - 1`` hashes."""
    previous = (
        await PasswordHistory.filter(account_id=account.id)
        .order_by("-id")
        .limit(check.policy.history_size - 1)
        .values_list("password_hash", flat=True)
    )
    for stored in previous:
        # values_list(flat=True) yields bare values; Tortoise types every values_list row as a tuple.
        if await check.hasher.verify(stored, password, charge=charge):  # type: ignore[arg-type]
            return True
    return False
