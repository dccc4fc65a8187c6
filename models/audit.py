"""The security audit log: one append-only row per security-relevant change of an account."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.account import Account


class SecurityEventType(str, Enum):
    """What happened to the account."""

    SIGN_UP = "SIGN_UP"
    SIGN_IN = "SIGN_IN"
    SIGN_IN_FAILED = "SIGN_IN_FAILED"
    TWO_FACTOR_FAILED = "TWO_FACTOR_FAILED"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    SIGN_OUT = "SIGN_OUT"
    SESSION_REVOKED = "SESSION_REVOKED"
    OTHER_SESSIONS_REVOKED = "OTHER_SESSIONS_REVOKED"
    SIGNED_OUT_EVERYWHERE = "SIGNED_OUT_EVERYWHERE"
    SESSION_EXPIRED = "SESSION_EXPIRED"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"  # noqa: S105 (an event name)
    TOTP_ENABLED = "TOTP_ENABLED"
    TOTP_DISABLED = "TOTP_DISABLED"
    BACKUP_CODE_USED = "BACKUP_CODE_USED"
    BACKUP_CODES_REGENERATED = "BACKUP_CODES_REGENERATED"
    API_KEY_CREATED = "API_KEY_CREATED"
    API_KEY_REVOKED = "API_KEY_REVOKED"
    DEVICE_FORGOTTEN = "DEVICE_FORGOTTEN"
    NEW_DEVICE_SIGN_IN = "NEW_DEVICE_SIGN_IN"
    PASSWORD_KNOWN_CODE_FAILING = "PASSWORD_KNOWN_CODE_FAILING"  # noqa: S105 (an event name)
    PASSWORD_RESET = "PASSWORD_RESET"  # noqa: S105 (an event name)


# Docstring first lines become SQL table comments, and Tortoise splits migration SQL on ";": keep them free of it.
class SecurityEvent(Model):
    """One audited security event of an account, never holding a secret, password, code or token.

    The IP address is stored already masked (the /24 or /48), the User-Agent sanitised. Rows are
    only ever inserted, and deleted by the retention sweep or with their account.
    """

    id = fields.BigIntField(primary_key=True)
    # The key of the event's global id and cursor; the integer id orders the log but never leaves the server.
    public_id = fields.UUIDField(unique=True, default=uuid.uuid4)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="security_events", on_delete=fields.CASCADE
    )
    account_id: int
    type = fields.CharEnumField(SecurityEventType, max_length=32)
    occurred_at = fields.DatetimeField()
    ip_address = fields.CharField(max_length=64, null=True)
    user_agent = fields.CharField(max_length=512, default="")
    browser = fields.CharField(max_length=64, null=True)
    os = fields.CharField(max_length=64, null=True)
    location = fields.CharField(max_length=128, null=True)
    # The session the event is about: a plain id (not a credential, and not a foreign key, so that
    # the event outlives the session).
    session_id = fields.UUIDField(null=True)

    class Meta:
        table = "security_event"
        # Pages of one account's log walk its ids downwards; the retention sweep scans by age.
        indexes = (("account_id", "id"), ("occurred_at",))
