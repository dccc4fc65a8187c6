"""The account's own objects by their random keys, for global object identification and revocation payloads.

Every lookup is filtered by the owning account in the same query, so another account's key finds nothing
exactly as an unknown key does (the same query, the same answer).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from tortoise.models import Model

from auth.sessions import SessionPolicy
from models import Account, ApiKey, KnownDevice, SecurityEvent, Session


async def find_owned(
    account_id: int, type_name: str, keys: Collection[uuid.UUID], *, now: datetime, policy: SessionPolicy
) -> dict[uuid.UUID, Model]:
    """The account's objects of ``type_name`` among ``keys``, by key: live sessions and unrevoked keys only,
    as ``activeSessions`` and ``apiKeys`` list them."""
    if not keys:
        return {}
    if type_name == "Account":
        accounts = await Account.filter(id=account_id, public_id__in=list(keys))
        return {row.public_id: row for row in accounts}
    if type_name == "SecurityEvent":
        events = await SecurityEvent.filter(account_id=account_id, public_id__in=list(keys))
        return {row.public_id: row for row in events}
    if type_name == "Session":
        sessions = await Session.filter(policy.live_filter(now), account_id=account_id, id__in=list(keys))
        return {row.id: row for row in sessions}
    if type_name == "ApiKey":
        api_keys = await ApiKey.filter(account_id=account_id, id__in=list(keys), revoked_at=None)
        return {row.id: row for row in api_keys}
    if type_name == "KnownDevice":
        devices = await KnownDevice.filter(account_id=account_id, id__in=list(keys))
        return {row.id: row for row in devices}
    return {}


async def sessions_by_id(account_id: int, ids: Collection[object]) -> list[Session]:
    """The account's sessions with these ids, live or ended, most recently active first."""
    keys = [uuid.UUID(str(value)) for value in ids]
    if not keys:
        return []
    return await Session.filter(account_id=account_id, id__in=keys).order_by("-last_active_at")


async def api_key_by_id(account_id: int, key_id: uuid.UUID) -> ApiKey | None:
    """The account's API key with this id, revoked or not."""
    return await ApiKey.filter(account_id=account_id, id=key_id).first()
