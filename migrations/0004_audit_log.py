from tortoise import migrations
from tortoise.migrations import operations as ops
from models.audit import SecurityEventType
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_two_factor')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SecurityEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='security_events', on_delete=OnDelete.CASCADE)),
                ('type', fields.CharEnumField(description='SIGN_UP: SIGN_UP\nSIGN_IN: SIGN_IN\nSIGN_IN_FAILED: SIGN_IN_FAILED\nTWO_FACTOR_FAILED: TWO_FACTOR_FAILED\nACCOUNT_LOCKED: ACCOUNT_LOCKED\nSIGN_OUT: SIGN_OUT\nSESSION_REVOKED: SESSION_REVOKED\nOTHER_SESSIONS_REVOKED: OTHER_SESSIONS_REVOKED\nSIGNED_OUT_EVERYWHERE: SIGNED_OUT_EVERYWHERE\nSESSION_EXPIRED: SESSION_EXPIRED\nPASSWORD_CHANGED: PASSWORD_CHANGED\nTOTP_ENABLED: TOTP_ENABLED\nTOTP_DISABLED: TOTP_DISABLED\nBACKUP_CODE_USED: BACKUP_CODE_USED\nBACKUP_CODES_REGENERATED: BACKUP_CODES_REGENERATED\nAPI_KEY_CREATED: API_KEY_CREATED\nAPI_KEY_REVOKED: API_KEY_REVOKED', enum_type=SecurityEventType, max_length=32)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ip_address', fields.CharField(null=True, max_length=64)),
                ('user_agent', fields.CharField(default='', max_length=512)),
                ('browser', fields.CharField(null=True, max_length=64)),
                ('os', fields.CharField(null=True, max_length=64)),
                ('location', fields.CharField(null=True, max_length=128)),
                ('session_id', fields.UUIDField(null=True)),
            ],
            options={'table': 'security_event', 'app': 'models', 'indexes': [Index(fields=['account_id', 'id']), Index(fields=['occurred_at'])], 'pk_attr': 'id', 'table_description': 'One audited security event of an account, never holding a secret, password, code or token.'},
            bases=['Model'],
        ),
    ]
