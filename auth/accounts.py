"""Sign-up and sign-in flows: the password step and the session it opens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.alerts import alert_if_codes_keep_failing, alert_new_sign_in
from auth.audit import record_event, record_session_event
from auth.challenges import TwoFactorChallenge, open_challenge
from auth.client_info import ClientInfo
from auth.clock import Clock
from auth.emails import normalize_email, validated_email
from auth.errors import AccountLocked, AuthError, EmailTaken, InvalidCredentials
from auth.hash_pool import hash_charge
from auth.known_devices import attempt_counter, recognized_device, remember_device
from auth.notices import Outbox, lockout_notice
from auth.passwords import PasswordHasher, PasswordPolicy, candidate_password, normalize_password
from auth.ports import SessionEvents
from auth.sessions import announce, start_session
from auth.throttle import Attempt, AttemptGuard, SignUpLimit, attempt_key
from models import Account, ClientKind, KnownDevice, SecurityEventType, Session


@dataclass(frozen=True)
class SignedIn:
    """A completed sign-in: the account, its new session, the token and the device credential (shown once)."""

    account: Account
    session: Session
    token: str
    device_token: str


@dataclass(frozen=True)
class PasswordCheck:
    """Collaborators of every password check."""

    hasher: PasswordHasher
    policy: PasswordPolicy
    guard: AttemptGuard
    outbox: Outbox
    clock: Clock


async def sign_up(
    email: str,
    password: str,
    client: ClientKind,
    info: ClientInfo,
    *,
    hasher: PasswordHasher,
    policy: PasswordPolicy,
    clock: Clock,
    events: SessionEvents,
    limit: SignUpLimit,
) -> SignedIn:
    """Create an account and sign it in.

    Well-formed attempts count against the IP's sign-up limit (taken addresses too, which also slows
    probing for them); malformed ones are refused before they cost anything.
    """
    address = validated_email(email)
    normalized = normalize_password(password, policy)
    await limit.reserve(info.ip)
    if await Account.exists(email=address):
        raise EmailTaken()
    password_hash = await hasher.hash(normalized, charge=hash_charge(address, info.ip))
    now = clock.now()
    try:
        async with in_transaction():
            account = await Account.create(
                email=address, password_hash=password_hash, password_changed_at=now, created_at=now
            )
            session, token = await start_session(account, client, info, clock=clock)
            await record_session_event(session, SecurityEventType.SIGN_UP, at=now)
            device_token = await remember_device(account, client, info, known=None, clock=clock)
    except IntegrityError:
        # Two sign-ups raced for the same address; the unique index decided.
        raise EmailTaken() from None
    await announce(events, account.id)
    return SignedIn(account, session, token, device_token)


async def verify_password(
    email: str, password: str, info: ClientInfo, *, attempt: Attempt, check: PasswordCheck
) -> Account:
    """The account whose password this is, evaluated under ``attempt``; or a recorded failure raised.

    Every evaluation costs one argon2 verify whether or not the account exists, and a wrong one
    counts towards the lock. The caller records the success (or lets the attempt be released).
    """
    # Charged to the email as typed, known or not, so the pool treats both alike.
    charge = hash_charge(email, info.ip)
    address = normalize_email(email)
    account = await Account.get_or_none(email=address) if address else None
    candidate = candidate_password(password, check.policy)
    if account is None or candidate is None:
        await check.hasher.waste_time(password[: check.policy.max_length], charge=charge)
        await record_failure(attempt, account, info, check=check)
    if not await check.hasher.verify(account.password_hash, candidate, charge=charge):
        await record_failure(attempt, account, info, check=check)
    if check.hasher.needs_rehash(account.password_hash):
        fresh = await check.hasher.hash(candidate, charge=charge)
        # Only replace the hash we verified, so a concurrent password change wins.
        await Account.filter(id=account.id, password_hash=account.password_hash).update(password_hash=fresh)
    return account


async def confirm_password(account: Account, password: str, info: ClientInfo, *, check: PasswordCheck) -> None:
    """Re-check a signed-in account's password under the brute-force rules; a match resets the count."""
    async with check.guard.attempt(attempt_key(account.email), info.ip) as attempt:
        candidate = candidate_password(password, check.policy)
        matched = candidate is not None and await check.hasher.verify(
            account.password_hash, candidate, charge=hash_charge(account.email, info.ip)
        )
        if not matched:
            await record_failure(attempt, account, info, check=check)
        await attempt.succeeded()


async def record_failure(
    attempt: Attempt,
    account: Account | None,
    info: ClientInfo,
    *,
    check: PasswordCheck,
    refusal: type[AuthError] = InvalidCredentials,
    event: SecurityEventType = SecurityEventType.SIGN_IN_FAILED,
) -> NoReturn:
    """Count a wrong password or code and raise what the caller answers; the lock mail goes out once.

    Raises ``AccountLocked`` when this failure locks the account, ``refusal`` otherwise. The count,
    the failure's audit event (``event``) and, for the failure that locks, the lock's event and mail
    are written in one transaction, when the account exists.
    """
    second_factor = event is SecurityEventType.TWO_FACTOR_FAILED
    alerted = False
    async with in_transaction() as connection:
        verdict = await attempt.failed(using_db=connection)
        if account is not None:
            await record_event(account.id, event, info, at=check.clock.now(), using_db=connection)
            if verdict.locks:
                await _queue_lockout_notice(
                    account, info, check=check, at_second_factor=second_factor, using_db=connection
                )
            if second_factor:
                alerted = await alert_if_codes_keep_failing(
                    account,
                    info,
                    at=check.clock.now(),
                    window_seconds=check.guard.policy.lock_seconds,
                    outbox=check.outbox,
                    using_db=connection,
                )
    if verdict.locks or alerted:
        check.outbox.wake()
    if verdict.locks:
        raise AccountLocked(check.guard.policy.lock_seconds)
    raise refusal()


async def _queue_lockout_notice(
    account: Account, info: ClientInfo, *, check: PasswordCheck, at_second_factor: bool, using_db: BaseDBAsyncClient
) -> None:
    """The one mail and audit event of a lock, in the transaction of the failure that wrote it."""
    mail = lockout_notice(
        account.email,
        at=check.clock.now(),
        ip=info.ip,
        user_agent=info.user_agent,
        minutes=check.guard.policy.lock_seconds // 60,
        at_second_factor=at_second_factor,
    )
    await check.outbox.enqueue(mail, now=check.clock.now(), using_db=using_db)
    await record_event(account.id, SecurityEventType.ACCOUNT_LOCKED, info, at=check.clock.now(), using_db=using_db)


async def sign_in(
    email: str,
    password: str,
    client: ClientKind,
    info: ClientInfo,
    *,
    device_token: str | None = None,
    check: PasswordCheck,
    events: SessionEvents,
) -> SignedIn | TwoFactorChallenge:
    """The password step; opens a session when the password matches, or a challenge when 2FA is on.

    With a known device's credential for this email the attempt counts on that device alone.
    """
    device = await recognized_device(device_token, email)
    async with check.guard.attempt(*attempt_counter(email, device, info.ip)) as attempt:
        account = await verify_password(email, password, info, attempt=attempt, check=check)
        # A right password alone completes nothing while 2FA is on, so it does not reset the failure
        # count either: that attempt is released as the block ends.
        if account.totp_enabled_at is None:
            signed_in = await open_session(
                account, client, info, device=device, clock=check.clock, outbox=check.outbox, attempt=attempt
            )
    if account.totp_enabled_at is not None:
        return await open_challenge(account, client, info, device=device, clock=check.clock)
    await announce(events, account.id)
    return signed_in


async def open_session(
    account: Account,
    client: ClientKind,
    info: ClientInfo,
    *,
    device: KnownDevice | None,
    clock: Clock,
    outbox: Outbox,
    attempt: Attempt | None = None,
) -> SignedIn:
    """Start the session of a completed sign-in, audit it and (re)issue the device credential, in one transaction.

    A sign-in from a client that is not a known device of the account also mails the owner. The
    ``attempt`` that completed it (called inside its block) records its success in that transaction:
    one commit per sign-in, and the failure count is reset exactly when the session exists.
    """
    async with in_transaction() as connection:
        session, token = await start_session(account, client, info, clock=clock)
        await record_session_event(session, SecurityEventType.SIGN_IN, at=session.created_at, using_db=connection)
        device_token = await remember_device(account, client, info, known=device, clock=clock, using_db=connection)
        if device is None:
            await alert_new_sign_in(
                account, info, at=session.created_at, session_id=session.id, outbox=outbox, using_db=connection
            )
        if attempt is not None:
            # Last, so that on PostgreSQL the counter's row is locked only for the commit.
            await attempt.succeeded(using_db=connection)
    if device is None:
        outbox.wake()
    return SignedIn(account, session, token, device_token)
