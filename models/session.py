"""Signed-in sessions: one row per sign-in, found by the SHA-256 of its token."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.indexes import LiveRowsIndex

if TYPE_CHECKING:
    from models.account import Account


class ClientKind(str, Enum):
    """What signed in: a browser (cookie) or a mobile app (bearer token)."""

    WEB = "WEB"
    MOBILE = "MOBILE"


class SessionEndReason(str, Enum):
    """Why a session ended; kept for the audit trail and for support."""

    SIGNED_OUT = "SIGNED_OUT"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"  # noqa: S105 (a reason, not a password)
    PASSWORD_RESET = "PASSWORD_RESET"  # noqa: S105 (a reason, not a password)


class Session(Model):
    """A signed-in device. The token itself is never stored, only its SHA-256 digest."""

    id = fields.UUIDField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="sessions", on_delete=fields.CASCADE
    )
    account_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    client = fields.CharEnumField(ClientKind, max_length=8)
    user_agent = fields.CharField(max_length=512, default="")
    browser = fields.CharField(max_length=64, null=True)
    os = fields.CharField(max_length=64, null=True)
    ip_address = fields.CharField(max_length=45, null=True)
    location = fields.CharField(max_length=128, null=True)
    created_at = fields.DatetimeField()
    last_active_at = fields.DatetimeField()
    # The last time the person proved who they are in this session (sign-in, reauthenticate, password
    # change, 2FA switched off): operations that make long-lived credentials need it to be recent.
    authenticated_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    end_reason = fields.CharEnumField(SessionEndReason, max_length=20, null=True)

    class Meta:
        table = "session"
        # Only live rows in the hot indexes: a global index led by ended_at looked like one row per value
        # to SQLite's statistics and was chosen for one account's list, scanning every live session.
        indexes = (
            # Every session of an account (the foreign key, ended sessions).
            ("account_id", "ended_at"),
            # One account's live sessions in list order: the list reads its first rows, no sort.
            LiveRowsIndex(fields=("account_id", "last_active_at", "created_at"), null_column="ended_at"),
            # The sweep: live sessions of a client kind idle since before a cutoff, oldest first.
            LiveRowsIndex(fields=("client", "last_active_at"), null_column="ended_at"),
            # The sweep under an absolute lifetime: live sessions created before a cutoff, oldest first.
            LiveRowsIndex(fields=("created_at",), null_column="ended_at"),
        )
