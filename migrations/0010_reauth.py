"""Recent authentication: when each session last proved who it is (sign-in, reauthenticate).

Existing sessions count as authenticated when they signed in, so their window is long closed.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0009_public_ids")]

    initial = False

    operations = [
        ops.AddField(model_name="Session", name="authenticated_at", field=fields.DatetimeField(null=True)),
        ops.RunSQL(
            'UPDATE "session" SET "authenticated_at" = "created_at" WHERE "authenticated_at" IS NULL',
            ops.RunSQL.noop,
        ),
    ]
