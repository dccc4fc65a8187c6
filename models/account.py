"""The account: one person, one normalised email."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Account(Model):
    """A person who can sign in. ``email`` is stored trimmed and lower-cased, hence unique as compared."""

    id = fields.BigIntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=255)
    password_changed_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    totp_enabled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account"


class PasswordHistory(Model):
    """Hashes of an account's previous passwords, newest kept only as far as the reuse rule needs."""

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Account", related_name="password_history", on_delete=fields.CASCADE
    )
    password_hash = fields.CharField(max_length=255)
    created_at = fields.DatetimeField()

    class Meta:
        table = "password_history"
        indexes = (("account_id", "id"),)
