"""The account: one person, one normalised email."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model


class Account(Model):
    """A person who can sign in. ``email`` is stored trimmed and lower-cased, hence unique as compared."""

    id = fields.BigIntField(primary_key=True)
    # The key of the account's global id: random, so ids reveal neither how many accounts exist nor their order.
    public_id = fields.UUIDField(unique=True, default=uuid.uuid4)
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=255)
    password_changed_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    totp_enabled_at = fields.DatetimeField(null=True)
    # AES-GCM ciphertext of the active TOTP secret (see auth.secret_box); NULL while 2FA is off.
    totp_secret = fields.CharField(max_length=200, null=True)
    # The last accepted TOTP time step: a code of this step or an older one is refused (no replay).
    totp_last_step = fields.BigIntField(null=True)
    # When the active set of backup codes was made; written by a conditional update, so that
    # regenerating and disabling 2FA serialise on the account row.
    backup_codes_created_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account"


class PasswordHistory(Model):
    """Hashes of an account's previous passwords, newest kept only as far as the reuse rule needs."""

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="password_history", on_delete=fields.CASCADE
    )
    account_id: int
    password_hash = fields.CharField(max_length=255)
    created_at = fields.DatetimeField()

    class Meta:
        table = "password_history"
        indexes = (("account_id", "id"),)
