"""Random public keys for accounts and security events, so their global ids reveal no counts.

Existing rows get a fresh random key each; a unique index then guards the column.
"""

import uuid

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

async def fill_public_ids(apps, schema_editor):  # noqa: ANN001, ANN201 (the migration engine's signature)
    for name in ("Account", "SecurityEvent"):
        model = apps.get_model(f"models.{name}")
        # The migration's own connection: on SQLite another one would wait for its transaction forever.
        rows = model.filter(public_id=None).using_db(schema_editor.client)
        for pk in await rows.values_list("id", flat=True):
            await model.filter(id=pk).using_db(schema_editor.client).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("models", "0008_hot_query_indexes")]

    initial = False

    operations = [
        ops.AddField(model_name="Account", name="public_id", field=fields.UUIDField(null=True)),
        ops.AddField(model_name="SecurityEvent", name="public_id", field=fields.UUIDField(null=True)),
        ops.RunPython(fill_public_ids, ops.RunPython.noop),
        # A unique index rather than an altered column: SQLite alters a column by rebuilding its table, and
        # rebuilding ``account`` would cascade-delete every row that references it. New rows get their key
        # from the models' default (uuid4), so the column is never left empty.
        ops.RunSQL(
            'CREATE UNIQUE INDEX "uid_account_public_id" ON "account" ("public_id")',
            'DROP INDEX "uid_account_public_id"',
        ),
        ops.RunSQL(
            'CREATE UNIQUE INDEX "uid_security_event_public_id" ON "security_event" ("public_id")',
            'DROP INDEX "uid_security_event_public_id"',
        ),
    ]
