"""Known devices (OWASP "device cookies"): a credential a client earns by completing a sign-in.

A device credential is an opaque token like a session token (256 random bits, stored only as
SHA-256), bound to one account. A sign-in attempt that presents a valid credential for the email it
names is counted on the device's own counter instead of the email's, and skips the per-IP cap: a
lock that guesses from elsewhere caused does not keep the owner's browser or app out, while the
device's own wrong guesses lock that device alone. A token of another account, an unknown, forgotten
or malformed one is no credential at all: the attempt counts on the email like any other.

Every completed sign-in rotates the credential: the device keeps its row (and its counter) and gets a
new token, so a copied credential stops working at its owner's next sign-in.
"""

from __future__ import annotations

import hashlib
import uuid

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from auth.audit import record_event
from auth.client_info import ClientInfo
from auth.clock import Clock
from auth.devices import parse_device
from auth.emails import normalize_email
from auth.throttle import attempt_key
from auth.tokens import new_token, plausible_token, token_digest
from models import Account, ClientKind, KnownDevice, SecurityEventType


def device_attempt_key(device_id: uuid.UUID) -> str:
    """The counter key of a known device: apart from every email's (``attempt_key``) by construction."""
    return hashlib.sha256(f"device:{device_id}".encode()).hexdigest()


def attempt_counter(email: str, device: KnownDevice | None, ip: str | None) -> tuple[str, str | None]:
    """The counter key and the IP to cap for an attempt: the device's own (no IP cap), or the email's."""
    if device is not None:
        return device_attempt_key(device.id), None
    return attempt_key(email), ip


async def recognized_device(token: str | None, email: str) -> KnownDevice | None:
    """The known device this credential belongs to, when it is one of ``email``'s account; None otherwise."""
    address = normalize_email(email)
    if not plausible_token(token) or address is None:
        return None
    return await KnownDevice.filter(token_hash=token_digest(token), account__email=address).first()


async def device_of_challenge(device_id: uuid.UUID | None, account_id: int) -> KnownDevice | None:
    """The known device a 2FA challenge was opened from, if it is still known to the account."""
    if device_id is None:
        return None
    return await KnownDevice.filter(id=device_id, account_id=account_id).first()


async def remember_device(
    account: Account,
    client: ClientKind,
    info: ClientInfo,
    *,
    known: KnownDevice | None,
    clock: Clock,
    using_db: BaseDBAsyncClient | None = None,
) -> str:
    """The device credential for a completed sign-in: the known device's, rotated, or a new device's."""
    now = clock.now()
    token = new_token()
    device = parse_device(info.user_agent)
    seen = {
        "token_hash": token_digest(token),
        "browser": device.browser,
        "os": device.os,
        "ip_address": info.ip,
        "location": info.location,
        "last_used_at": now,
    }
    if known is not None and await KnownDevice.filter(id=known.id).using_db(using_db).update(**seen):
        return token
    # No device yet, or it was forgotten while this sign-in ran: a forgotten device does not come back.
    await KnownDevice.create(id=uuid.uuid4(), account=account, client=client, created_at=now, using_db=using_db, **seen)
    return token


async def list_known_devices(account_id: int) -> list[KnownDevice]:
    """The account's known devices, most recently used first."""
    return await KnownDevice.filter(account_id=account_id).order_by("-last_used_at", "-created_at")


async def forget_device(
    account_id: int, device_id: uuid.UUID, info: ClientInfo, *, clock: Clock, session_id: uuid.UUID | None = None
) -> KnownDevice | None:
    """Forget one of the account's devices (audited; its credential stops working); the row as it was, or None."""
    row = await KnownDevice.filter(account_id=account_id, id=device_id).first()
    if row is None:
        return None
    async with in_transaction() as connection:
        if not await KnownDevice.filter(id=row.id).using_db(connection).delete():
            return None  # forgotten concurrently: audited once, by that call
        await record_event(
            account_id,
            SecurityEventType.DEVICE_FORGOTTEN,
            info,
            at=clock.now(),
            session_id=session_id,
            using_db=connection,
        )
    return row


async def forget_all_devices(account_id: int, using_db: BaseDBAsyncClient | None = None) -> int:
    """Forget every device of the account (a password reset); how many there were."""
    return await KnownDevice.filter(account_id=account_id).using_db(using_db).delete()
