"""Known devices: browsers and apps that completed a sign-in, found by the SHA-256 of their device credential."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.session import ClientKind

if TYPE_CHECKING:
    from models.account import Account


# Docstring first lines become SQL table comments, and Tortoise splits migration SQL on ";": keep them free of it.
class KnownDevice(Model):
    """A client that completed a sign-in to an account, stored only as the SHA-256 of its device credential.

    Sign-in attempts that present the credential are counted on the device's own counter, so a lock
    that others caused on the email does not keep the owner out. Forgetting a device deletes its row.
    """

    id = fields.UUIDField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="known_devices", on_delete=fields.CASCADE
    )
    account_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    client = fields.CharEnumField(ClientKind, max_length=8)
    browser = fields.CharField(max_length=64, null=True)
    os = fields.CharField(max_length=64, null=True)
    ip_address = fields.CharField(max_length=45, null=True)
    location = fields.CharField(max_length=128, null=True)
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField()

    class Meta:
        table = "known_device"
        # The list shows an account's devices, most recently used first (then newest first): read in index order.
        indexes = (("account_id", "last_used_at", "created_at"),)
