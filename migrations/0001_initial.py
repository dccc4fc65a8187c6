from tortoise import migrations
from tortoise.migrations import operations as ops
from models.session import ClientKind, SessionEndReason
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('password_hash', fields.CharField(max_length=255)),
                ('password_changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('totp_enabled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'account', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A person who can sign in. ``email`` is stored trimmed and lower-cased, hence unique as compared.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('client', fields.CharEnumField(description='WEB: WEB\nMOBILE: MOBILE', enum_type=ClientKind, max_length=8)),
                ('user_agent', fields.CharField(default='', max_length=512)),
                ('browser', fields.CharField(null=True, max_length=64)),
                ('os', fields.CharField(null=True, max_length=64)),
                ('ip_address', fields.CharField(null=True, max_length=45)),
                ('location', fields.CharField(null=True, max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_active_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('end_reason', fields.CharEnumField(null=True, description='SIGNED_OUT: SIGNED_OUT\nREVOKED: REVOKED\nEXPIRED: EXPIRED\nPASSWORD_CHANGED: PASSWORD_CHANGED', enum_type=SessionEndReason, max_length=20)),
            ],
            options={'table': 'session', 'app': 'models', 'indexes': [Index(fields=['account_id', 'ended_at']), Index(fields=['ended_at', 'last_active_at'])], 'pk_attr': 'id', 'table_description': 'A signed-in device. The token itself is never stored, only its SHA-256 digest.'},
            bases=['Model'],
        ),
    ]
