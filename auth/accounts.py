"""Sign-up and sign-in flows: the password step and the session it opens."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.clock import Clock
from auth.emails import normalize_email, validated_email
from auth.errors import EmailTaken, InvalidCredentials
from auth.passwords import PasswordHasher, PasswordPolicy, candidate_password, normalize_password
from auth.sessions import ClientInfo, LocationLookup, SessionEvents, announce, start_session
from models import Account, ClientKind, Session


@dataclass(frozen=True)
class SignedIn:
    """A completed sign-in: the account, its new session and the token (shown once)."""

    account: Account
    session: Session
    token: str


async def sign_up(
    email: str,
    password: str,
    client: ClientKind,
    info: ClientInfo,
    *,
    hasher: PasswordHasher,
    policy: PasswordPolicy,
    clock: Clock,
    locations: LocationLookup,
    events: SessionEvents,
) -> SignedIn:
    """Create an account and sign it in."""
    address = validated_email(email)
    normalized = normalize_password(password, policy)
    if await Account.exists(email=address):
        raise EmailTaken()
    password_hash = await hasher.hash(normalized)
    now = clock.now()
    try:
        async with in_transaction():
            account = await Account.create(
                email=address, password_hash=password_hash, password_changed_at=now, created_at=now
            )
            session, token = await start_session(account, client, info, clock=clock, locations=locations)
    except IntegrityError:
        # Two sign-ups raced for the same address; the unique index decided.
        raise EmailTaken() from None
    await announce(events, account.id)
    return SignedIn(account, session, token)


async def check_password(
    email: str, password: str, *, hasher: PasswordHasher, policy: PasswordPolicy
) -> Account:
    """The account whose password this is, or ``InvalidCredentials``; costs one verify either way."""
    address = normalize_email(email)
    account = await Account.get_or_none(email=address) if address else None
    candidate = candidate_password(password, policy)
    if account is None or candidate is None:
        await hasher.waste_time(password[: policy.max_length])
        raise InvalidCredentials()
    if not await hasher.verify(account.password_hash, candidate):
        raise InvalidCredentials()
    if hasher.needs_rehash(account.password_hash):
        fresh = await hasher.hash(candidate)
        # Only replace the hash we verified, so a concurrent password change wins.
        await Account.filter(id=account.id, password_hash=account.password_hash).update(password_hash=fresh)
    return account


async def sign_in(
    email: str,
    password: str,
    client: ClientKind,
    info: ClientInfo,
    *,
    hasher: PasswordHasher,
    policy: PasswordPolicy,
    clock: Clock,
    locations: LocationLookup,
    events: SessionEvents,
) -> SignedIn:
    """The password step; opens a session when the password matches."""
    account = await check_password(email, password, hasher=hasher, policy=policy)
    session, token = await start_session(account, client, info, clock=clock, locations=locations)
    await announce(events, account.id)
    return SignedIn(account, session, token)
