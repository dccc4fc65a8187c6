"""Indexes for the sweep's batched prune of old reset requests, a reset link's check and the devices list.

The sweep forgets reset requests older than the window a batch at a time, oldest first: it reads them
by their age. A reset link works only if no newer link of its account exists: led by the account and
then the id, that check reads the account's links alone, not every later link of every account. The
list of an account's devices is ordered by last use, then creation: with both in the index it is read
in order, no sort. An account's live API keys get a partial index of their own, and the sweep's index of
live keys by expiry leaves out the keys that never expire: a query of one account's live keys cannot be
planned on it (PostgreSQL did, scanning every account's live keys, when the table had no statistics).
"""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.indexes import LiveRowsIndex


class Migration(migrations.Migration):
    dependencies = [("models", "0013_plans")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="ResetRequest",
            index=Index(fields=["occurred_at"]),
        ),
        ops.RemoveIndex(
            model_name="PasswordResetToken",
            name=None,
            fields=["account_id", "used_at"],
        ),
        ops.AddIndex(
            model_name="PasswordResetToken",
            index=Index(fields=["account_id", "id"]),
        ),
        ops.RemoveIndex(
            model_name="ApiKey",
            name=None,
            fields=["account_id", "revoked_at"],
        ),
        ops.AddIndex(
            model_name="ApiKey",
            index=LiveRowsIndex(fields=["account_id", "created_at", "id"], null_column="revoked_at"),
        ),
        ops.RemoveIndex(
            model_name="ApiKey",
            name=None,
            fields=["expires_at"],
        ),
        ops.AddIndex(
            model_name="ApiKey",
            index=LiveRowsIndex(fields=["expires_at"], null_column="revoked_at", present_column="expires_at"),
        ),
        ops.RemoveIndex(
            model_name="KnownDevice",
            name=None,
            fields=["account_id", "last_used_at"],
        ),
        ops.AddIndex(
            model_name="KnownDevice",
            index=Index(fields=["account_id", "last_used_at", "created_at"]),
        ),
    ]
