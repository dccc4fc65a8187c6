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
