"""Account recovery: single-use reset links (stored as hashes), the per-email and per-IP request counts,
and the outbox column that holds a mail's secret until it is delivered.

The new enum members (``SessionEndReason.PASSWORD_RESET``, ``SecurityEventType.PASSWORD_RESET``) fit the
existing columns: no column is altered (SQLite would rebuild the table).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0010_reauth')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PasswordResetToken',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='reset_tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'password_reset_token', 'app': 'models', 'indexes': [Index(fields=['account_id', 'used_at']), Index(fields=['expires_at'])], 'pk_attr': 'id', 'table_description': 'A single-use reset link sent by mail. The token itself is never stored, only its SHA-256 digest.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ResetRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subject', fields.CharField(max_length=80)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reset_request', 'app': 'models', 'indexes': [Index(fields=['subject', 'occurred_at'])], 'pk_attr': 'id', 'table_description': 'One password-reset request, counted per email key (hashed) and per IP in sliding windows.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='secret',
            field=fields.CharField(null=True, max_length=128),
        ),
    ]
