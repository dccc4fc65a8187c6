from tortoise import migrations
from tortoise.migrations import operations as ops
from models.indexes import LiveRowsIndex
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0006_sign_up_limit')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='ApiKey',
            index=LiveRowsIndex(fields=['expires_at'], null_column='revoked_at'),
        ),
        ops.AddIndex(
            model_name='AttemptCounter',
            index=Index(fields=['last_failure_at']),
        ),
        ops.AddIndex(
            model_name='IpFailure',
            index=Index(fields=['occurred_at']),
        ),
        ops.AddIndex(
            model_name='IpSignUp',
            index=Index(fields=['occurred_at']),
        ),
        ops.RemoveIndex(
            model_name='Session',
            name=None,
            fields=['ended_at', 'last_active_at'],
        ),
        ops.AddIndex(
            model_name='Session',
            index=LiveRowsIndex(fields=['account_id', 'last_active_at', 'created_at'], null_column='ended_at'),
        ),
        ops.AddIndex(
            model_name='Session',
            index=LiveRowsIndex(fields=['client', 'last_active_at'], null_column='ended_at'),
        ),
    ]
