"""Indexes for the sweep's prunes of unconfirmed TOTP setups and of counters, and for a setup's backup codes.

The sweep forgets setups nobody confirmed, oldest first: it reads them by their age. A setup's codes are
read by the setup when it is confirmed (they are detached), replaced by a new setup or forgotten (deleted,
also by the foreign key's cascade): led by the setup, those statements read that setup's codes alone, not
every backup code of every account. The counters' prune reads the keys of counters reset or no longer
chaining by their last failure: with the key in that index, the read never needs the table, and SQLite's
statistics (an average per value, blind to a skew such as many reset counters) cannot make a scan of the
whole table look cheaper.
"""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0014_owner_indexes")]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name="AttemptCounter",
            name=None,
            fields=["last_failure_at"],
        ),
        ops.AddIndex(
            model_name="AttemptCounter",
            index=Index(fields=["last_failure_at", "key"]),
        ),
        ops.AddIndex(
            model_name="TotpSetup",
            index=Index(fields=["created_at"]),
        ),
        ops.AddIndex(
            model_name="BackupCode",
            index=Index(fields=["setup_id"]),
        ),
    ]
