"""Sign-in challenges: what a 2FA account gets for a right password, redeemable once for a session.

A challenge is an opaque token like a session token (256 random bits, stored only as SHA-256) but
kept in its own table, so it authenticates nothing: no request, cookie or socket accepts it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from auth.batches import delete_oldest
from auth.client_info import ClientInfo
from auth.clock import Clock
from auth.devices import sanitize_user_agent
from auth.ports import LocationLookup
from auth.tokens import new_token, plausible_token, token_digest
from models import Account, ClientKind, KnownDevice, SignInChallenge

CHALLENGE_LIFETIME = timedelta(minutes=5)
# Wrong codes one challenge takes before it is used up (the account's lockout counts them as well).
MAX_WRONG_CODES = 5


@dataclass(frozen=True)
class TwoFactorChallenge:
    """The password was right and a second factor is due: the challenge (shown once) and its end."""

    challenge: str
    expires_at: datetime


async def open_challenge(
    account: Account, client: ClientKind, info: ClientInfo, *, device: KnownDevice | None = None, clock: Clock
) -> TwoFactorChallenge:
    """Start the second step of a sign-in; remembers the client kind, IP, User-Agent and known device for it."""
    now = clock.now()
    token = new_token()
    challenge = await SignInChallenge.create(
        id=uuid.uuid4(),
        account=account,
        token_hash=token_digest(token),
        client=client,
        ip_address=info.ip,
        user_agent=sanitize_user_agent(info.user_agent),
        created_at=now,
        expires_at=now + CHALLENGE_LIFETIME,
        known_device_id=device.id if device is not None else None,
    )
    return TwoFactorChallenge(token, challenge.expires_at)


async def find_open_challenge(token: str, *, clock: Clock) -> SignInChallenge | None:
    """The unused, unexpired challenge of this token (account loaded), or None."""
    if not plausible_token(token):
        return None
    return (
        await SignInChallenge.filter(token_hash=token_digest(token), used_at=None, expires_at__gt=clock.now())
        .select_related("account")
        .first()
    )


async def is_open(challenge: SignInChallenge, *, clock: Clock) -> bool:
    """Whether the challenge is still unused and unexpired (re-read from the database)."""
    return await SignInChallenge.filter(id=challenge.id, used_at=None, expires_at__gt=clock.now()).exists()


async def charge_wrong_code(challenge: SignInChallenge, *, clock: Clock) -> None:
    """Count a wrong code against the challenge; the ``MAX_WRONG_CODES``-th uses it up."""
    await SignInChallenge.filter(id=challenge.id, used_at=None).update(wrong_codes=F("wrong_codes") + 1)
    await SignInChallenge.filter(id=challenge.id, used_at=None, wrong_codes__gte=MAX_WRONG_CODES).update(
        used_at=clock.now()
    )


async def close_challenge(challenge: SignInChallenge, *, clock: Clock) -> bool:
    """Use the challenge up for a completed sign-in; False when it was used or expired meanwhile."""
    now = clock.now()
    closed = await SignInChallenge.filter(id=challenge.id, used_at=None, expires_at__gt=now).update(used_at=now)
    return closed == 1


async def close_open_challenges(account_id: int, *, clock: Clock, using_db: BaseDBAsyncClient | None = None) -> int:
    """Use up every open challenge of the account (its second factor or password changed)."""
    return (
        await SignInChallenge.filter(account_id=account_id, used_at=None).using_db(using_db).update(used_at=clock.now())
    )


async def prune_challenges(*, clock: Clock) -> int:
    """Delete expired challenges, oldest first in batches (called by the periodic sweep)."""
    return await delete_oldest(SignInChallenge.filter(expires_at__lte=clock.now()), order_by="expires_at")


def session_info(challenge: SignInChallenge, locations: LocationLookup) -> ClientInfo:
    """The IP, User-Agent and place of the password step, for the session the challenge opens."""
    ip = challenge.ip_address
    return ClientInfo(ip=ip, user_agent=challenge.user_agent or None, location=locations.lookup(ip))
