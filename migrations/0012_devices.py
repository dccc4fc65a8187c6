"""Known devices (device credentials stored as hashes) and the device a 2FA challenge was opened from."""

from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.session import ClientKind


class Migration(migrations.Migration):
    dependencies = [("models", "0011_recovery")]

    initial = False

    operations = [
        ops.CreateModel(
            name="KnownDevice",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                (
                    "account",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="known_devices",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("client", fields.CharEnumField(description="WEB: WEB\nMOBILE: MOBILE", enum_type=ClientKind, max_length=8)),
                ("browser", fields.CharField(null=True, max_length=64)),
                ("os", fields.CharField(null=True, max_length=64)),
                ("ip_address", fields.CharField(null=True, max_length=45)),
                ("location", fields.CharField(null=True, max_length=128)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("last_used_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "known_device",
                "app": "models",
                "indexes": [Index(fields=["account_id", "last_used_at"])],
                "pk_attr": "id",
                "table_description": "A client that completed a sign-in to an account, stored only as the SHA-256 "
                "of its device credential.",
            },
            bases=["Model"],
        ),
        ops.AddField(model_name="SignInChallenge", name="known_device_id", field=fields.UUIDField(null=True)),
    ]
