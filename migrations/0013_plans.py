"""The sweep's lease (one process sweeps at a time) and its index for sessions past an absolute lifetime."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.indexes import LiveRowsIndex


class Migration(migrations.Migration):
    dependencies = [("models", "0012_devices")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Lease",
            fields=[
                ("name", fields.CharField(max_length=32, primary_key=True)),
                ("holder", fields.CharField(max_length=64)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "lease",
                "app": "models",
                "pk_attr": "name",
                "table_description": "Who holds a periodic job (the sweep) and until when, a crashed holder's lease simply runs out.",
            },
            bases=["Model"],
        ),
        ops.AddIndex(
            model_name="Session",
            index=LiveRowsIndex(fields=["created_at"], null_column="ended_at"),
        ),
    ]
