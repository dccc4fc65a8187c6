from tortoise import migrations
from tortoise.migrations import operations as ops
from models.session import ClientKind
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_passwords_throttle_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SignInChallenge',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='sign_in_challenges', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('client', fields.CharEnumField(description='WEB: WEB\nMOBILE: MOBILE', enum_type=ClientKind, max_length=8)),
                ('ip_address', fields.CharField(null=True, max_length=45)),
                ('user_agent', fields.CharField(default='', max_length=512)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('wrong_codes', fields.IntField(default=0)),
            ],
            options={'table': 'sign_in_challenge', 'app': 'models', 'indexes': [Index(fields=['expires_at']), Index(fields=['account_id', 'used_at'])], 'pk_attr': 'id', 'table_description': 'The half-open sign-in of a 2FA account whose password matched, found by the SHA-256 of its token.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TotpSetup',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.OneToOneField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='totp_setup', on_delete=OnDelete.CASCADE)),
                ('secret', fields.CharField(max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'totp_setup', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A started but unconfirmed TOTP setup: at most one per account, replaced by each new start.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BackupCode',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='backup_codes', on_delete=OnDelete.CASCADE)),
                ('setup', fields.ForeignKeyField('models.TotpSetup', source_field='setup_id', null=True, db_constraint=True, to_field='id', related_name='backup_codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'backup_code', 'app': 'models', 'indexes': [Index(fields=['account_id', 'code_hash'])], 'pk_attr': 'id', 'table_description': 'One single-use backup code, stored only as the SHA-256 of its normalised form.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Account',
            name='backup_codes_created_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Account',
            name='totp_last_step',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Account',
            name='totp_secret',
            field=fields.CharField(null=True, max_length=200),
        ),
    ]
