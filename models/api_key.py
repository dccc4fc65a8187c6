"""API keys: long-lived read-only credentials, found by the SHA-256 of the key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.indexes import LiveRowsIndex

if TYPE_CHECKING:
    from models.account import Account


# Docstring first lines become SQL table comments, and Tortoise splits migration SQL on ";": keep them free of it.
class ApiKey(Model):
    """A read-only credential of an account for scripts and dashboards, stored only as the SHA-256 of the key.

    ``prefix`` is the first few characters of the key, so a person can tell their keys apart. A key
    never expires unless ``expires_at`` is set, and a revoked key stays (with ``revoked_at``) for support.
    """

    id = fields.UUIDField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="api_keys", on_delete=fields.CASCADE
    )
    account_id: int
    name = fields.CharField(max_length=100)
    prefix = fields.CharField(max_length=16)
    key_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"
        indexes = (
            # An account's keys that are not revoked (the list, newest first; revoking them at a reset): read
            # by the account, newest first.
            LiveRowsIndex(fields=("account_id", "created_at", "id"), null_column="revoked_at"),
            # The sweep announces unrevoked keys that expired in the last moments (keys that never expire are
            # not in it, and no query that does not compare expires_at can read it).
            LiveRowsIndex(fields=("expires_at",), null_column="revoked_at", present_column="expires_at"),
        )
