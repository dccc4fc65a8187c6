from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_api_keys')]

    initial = False

    operations = [
        ops.CreateModel(
            name='IpSignUp',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ip', fields.CharField(max_length=45)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ip_sign_up', 'app': 'models', 'indexes': [Index(fields=['ip', 'occurred_at'])], 'pk_attr': 'id', 'table_description': 'One sign-up attempt from an IP address, counted against the per-IP sign-up limit.'},
            bases=['Model'],
        ),
    ]
