"""Account recovery by email: ask for a single-use reset link, then set a new password with it.

``request_password_reset`` answers the same, in the same time, for every well-formed email: the
requests are counted per email and per IP whether or not an account exists, the same statements
run on both paths, and the answer is held back to a fixed floor so the mail's own insert never
shows. A link's token has 256 bits and is stored only as its SHA-256; the mail carries it in the
URL fragment of ``PUBLIC_URL``, which browsers send to no server and put in no Referer.

``reset_password`` redeems a link with one conditional update, so of concurrent uses exactly one
wins. The password rules and history apply; with 2FA on, a TOTP or backup code is required and
checked under the brute-force rules. Success ends every session and API key of the account,
clears its failed-attempt count and lock, and is audited and mailed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from auth.accounts import PasswordCheck, record_failure
from auth.api_keys import revoke_all_api_keys
from auth.audit import record_event
from auth.batches import delete_oldest
from auth.challenges import close_open_challenges
from auth.client_info import ClientInfo
from auth.clock import Clock
from auth.emails import validated_email
from auth.errors import ErrorCode, InvalidCode, InvalidEmail, InvalidInput, InvalidResetToken, PasswordPolicyViolation
from auth.hash_pool import hash_charge
from auth.known_devices import forget_all_devices
from auth.network import ip_limit_key
from auth.notices import password_reset_link_notice, password_reset_notice
from auth.password_change import in_history, replace_password
from auth.passwords import normalize_password
from auth.ports import SessionEvents
from auth.recovery_limits import count_reset_request
from auth.secret_box import SecretBox
from auth.sessions import announce, end_sessions
from auth.throttle import Attempt, attempt_key
from auth.tokens import new_token, token_digest
from auth.totp import BackupCodeEntry, TotpCode, parse_code
from auth.two_factor import redeem_code
from models import Account, PasswordResetToken, SecurityEventType, SessionEndReason

# Tokens are secrets.token_urlsafe(32): 43 URL-safe characters. Anything else cannot be one of ours.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
_MAX_EMAIL_INPUT = 1024


@dataclass(frozen=True)
class RecoveryPolicy:
    """The numbers of account recovery (settings ``RESET_*`` and ``PUBLIC_URL``)."""

    link_base: str
    token_ttl_seconds: int = 30 * 60
    email_limit: int = 5
    ip_limit: int = 20
    window_seconds: int = 60 * 60
    # Every answer to requestPasswordReset takes at least this long, whichever path it took.
    response_floor_seconds: float = 0.2
    ipv6_prefix: int = 64


@dataclass(frozen=True)
class PasswordResetDone:
    """What a reset ended: the sessions signed out and the API keys revoked."""

    signed_out_sessions: int
    revoked_api_keys: int


@dataclass(frozen=True)
class Recovery:
    """Collaborators of the recovery flows."""

    policy: RecoveryPolicy
    check: PasswordCheck
    box: SecretBox
    events: SessionEvents


async def request_password_reset(email: str, info: ClientInfo, *, recovery: Recovery) -> None:
    """Mail a reset link when an account has ``email``; answers the same, in the same time, when none does.

    Raises ``InvalidInput`` (field ``email``) for input that is no email address and ``TooManyAttempts``
    past the per-email or per-IP limit; neither depends on whether the account exists.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    address = _requested_address(email)
    policy, clock = recovery.policy, recovery.check.clock
    await count_reset_request(
        email_key=_email_key(address),
        ip_key=ip_limit_key(info.ip, policy.ipv6_prefix),
        now=clock.now(),
        email_limit=policy.email_limit,
        ip_limit=policy.ip_limit,
        window_seconds=policy.window_seconds,
    )
    account = await Account.get_or_none(email=address)
    await _issue_link(account, address, recovery)
    # The answer leaves at the floor whatever happened above, so known and unknown emails take as long.
    await asyncio.sleep(max(0.0, started + policy.response_floor_seconds - loop.time()))


def _requested_address(email: str) -> str:
    if not isinstance(email, str) or len(email) > _MAX_EMAIL_INPUT:
        raise InvalidInput("email", "Enter the email address of your account (at most 254 characters).")
    try:
        return validated_email(email)
    except InvalidEmail:
        raise InvalidInput("email", "Enter the email address of your account.") from None


def _email_key(address: str) -> str:
    return hashlib.sha256(address.encode("utf-8")).hexdigest()


async def _issue_link(account: Account | None, address: str, recovery: Recovery) -> None:
    """A new link for the account (older ones void) and its mail, in one transaction; the same statements
    run for an unknown email, minus the two inserts."""
    policy, clock = recovery.policy, recovery.check.clock
    token = new_token()
    digest = token_digest(token)
    now = clock.now()
    async with in_transaction() as connection:
        # The newest request voids older links.
        await (
            PasswordResetToken.filter(account_id=account.id if account else 0, used_at=None)
            .using_db(connection)
            .update(used_at=now)
        )
        if account is not None:
            await PasswordResetToken.create(
                account_id=account.id,
                token_hash=digest,
                created_at=now,
                expires_at=now + timedelta(seconds=policy.token_ttl_seconds),
                using_db=connection,
            )
            mail = password_reset_link_notice(
                address, link_base=policy.link_base, minutes=policy.token_ttl_seconds // 60
            )
            await recovery.check.outbox.enqueue(dataclasses.replace(mail, secret=token), now=now, using_db=connection)
    if account is not None:
        recovery.check.outbox.wake()


async def reset_password(
    token: str, new_password: str, code: str | None, info: ClientInfo, *, recovery: Recovery
) -> PasswordResetDone:
    """Set a new password from a reset link; every session and API key of the account ends.

    Unknown, used, replaced and expired links all raise ``InvalidResetToken``. The link is used up only
    by a reset that succeeds: a policy violation or a wrong code leaves it valid.
    """
    check = recovery.check
    link = await _open_link(_token_digest(token), now=check.clock.now())
    account = await Account.get(id=link.account_id)
    normalized = normalize_password(new_password, check.policy)
    charge = hash_charge(account.email, info.ip)
    if await check.hasher.verify(account.password_hash, normalized, charge=charge) or await in_history(
        account, normalized, charge, check
    ):
        raise PasswordPolicyViolation(
            ErrorCode.PASSWORD_REUSED,
            f"Choose a password you have not used for your last {check.policy.history_size} passwords.",
        )
    new_hash = await check.hasher.hash(normalized, charge=charge)
    if account.totp_enabled_at is None:
        key_ids = await _commit(link, account, new_hash, info, backup_used=False, recovery=recovery)
        # The reset proves the mailbox: the run of failures and any lock are over.
        await check.guard.unlock(attempt_key(account.email))
    else:
        entry = _code_entry(code)
        async with check.guard.attempt(attempt_key(account.email), info.ip) as attempt:
            await _use_code(account, entry, info, attempt=attempt, recovery=recovery)
            backup_used = isinstance(entry, BackupCodeEntry)
            key_ids = await _commit(link, account, new_hash, info, backup_used=backup_used, recovery=recovery)
            # The reset proves the mailbox and the second factor: the run of failures is over.
            await attempt.succeeded()
    check.outbox.wake()
    ended = await end_sessions(account.id, SessionEndReason.PASSWORD_RESET, clock=check.clock, events=recovery.events)
    if key_ids:
        # Sockets opened with the keys close as when a key is revoked.
        await announce(recovery.events, account.id, key_ids)
    return PasswordResetDone(len(ended), len(key_ids))


def _token_digest(token: str) -> str:
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        raise InvalidInput("token", "This is not a reset link from Workestra: open the link from the mail again.")
    return token_digest(token)


async def _open_link(digest: str, *, now: datetime) -> PasswordResetToken:
    """The link with this digest if it is unused, unexpired and the newest of its account."""
    link = await PasswordResetToken.get_or_none(token_hash=digest, used_at=None, expires_at__gt=now)
    if link is None:
        raise InvalidResetToken()
    # The account's newest link, read by (account_id, id): "any link after this one" would be a range of
    # the primary key over every account's later links, which PostgreSQL may prefer.
    newest = await PasswordResetToken.filter(account_id=link.account_id).order_by("-id").first().values_list("id")
    if newest != (link.id,):
        raise InvalidResetToken()
    return link


def _code_entry(code: str | None) -> TotpCode | BackupCodeEntry:
    """The code a reset of a 2FA account needs; a missing or malformed one counts nowhere (the page asks again)."""
    entry = parse_code(code) if isinstance(code, str) else None
    if entry is None:
        raise InvalidCode(
            "Two-factor authentication is on: enter the current code from your authenticator app or a backup code."
        )
    return entry


async def _use_code(
    account: Account, entry: TotpCode | BackupCodeEntry, info: ClientInfo, *, attempt: Attempt, recovery: Recovery
) -> None:
    """Use up a valid code under the attempt's claim; a wrong one counts like a wrong password and is raised."""
    check = recovery.check
    fresh = await Account.get(id=account.id)
    if not await redeem_code(fresh, entry, box=recovery.box, clock=check.clock):
        await record_failure(
            attempt, fresh, info, check=check, refusal=InvalidCode, event=SecurityEventType.TWO_FACTOR_FAILED
        )


async def _commit(
    link: PasswordResetToken,
    account: Account,
    new_hash: str,
    info: ClientInfo,
    *,
    backup_used: bool,
    recovery: Recovery,
) -> list[str]:
    """Use the link, store the password, revoke the keys, forget the known devices, mail and audit: all or nothing.

    Each key revoked is audited as a revocation, as when ``changePassword`` revokes them. Returns their ids.
    """
    check = recovery.check
    now = check.clock.now()
    async with in_transaction() as connection:
        won = (
            await PasswordResetToken.filter(id=link.id, used_at=None, expires_at__gt=now)
            .using_db(connection)
            .update(used_at=now)
        )
        # Lost to a concurrent use of this link; or the password changed meanwhile (the history would be wrong).
        if not won or not await replace_password(account, new_hash, at=now, policy=check.policy, connection=connection):
            raise InvalidResetToken()
        await PasswordResetToken.filter(account_id=account.id, used_at=None).using_db(connection).update(used_at=now)
        await close_open_challenges(account.id, clock=check.clock, using_db=connection)
        key_ids = await revoke_all_api_keys(account.id, info, now=now, using_db=connection)
        await forget_all_devices(account.id, using_db=connection)
        mail = password_reset_notice(account.email, at=now, ip=info.ip, user_agent=info.user_agent)
        await check.outbox.enqueue(mail, now=now, using_db=connection)
        if backup_used:
            await record_event(account.id, SecurityEventType.BACKUP_CODE_USED, info, at=now, using_db=connection)
        await record_event(account.id, SecurityEventType.PASSWORD_RESET, info, at=now, using_db=connection)
    return key_ids


async def prune_reset_links(*, clock: Clock) -> int:
    """Forget links that expired over a day ago (periodic sweep), a batch at a time; used ones go with them."""
    cutoff = clock.now() - timedelta(days=1)
    return await delete_oldest(PasswordResetToken.filter(expires_at__lte=cutoff), order_by="expires_at")
