"""Two-factor state besides the account's own columns: pending setups, backup codes, sign-in challenges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.account import Account

from models.session import ClientKind


class TotpSetup(Model):
    """A started but unconfirmed TOTP setup: at most one per account, replaced by each new start."""

    id = fields.BigIntField(primary_key=True)
    account: fields.OneToOneRelation[Account] = fields.OneToOneField(
        "models.Account", related_name="totp_setup", on_delete=fields.CASCADE
    )
    account_id: int
    # AES-GCM ciphertext of the pending secret, bound to the account id; never the secret itself.
    secret = fields.CharField(max_length=200)
    created_at = fields.DatetimeField()

    class Meta:
        table = "totp_setup"
        # The sweep forgets unconfirmed setups oldest first.
        indexes = (("created_at",),)


class BackupCode(Model):
    """One single-use backup code, stored only as the SHA-256 of its normalised form.

    Codes of a pending setup point at it (``setup``); enabling 2FA detaches them, which makes them
    active. Using a code deletes its row.
    """

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="backup_codes", on_delete=fields.CASCADE
    )
    account_id: int
    setup: fields.ForeignKeyNullableRelation[TotpSetup] = fields.ForeignKeyField(
        "models.TotpSetup", related_name="backup_codes", on_delete=fields.CASCADE, null=True
    )
    setup_id: int | None
    code_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    class Meta:
        table = "backup_code"
        # A setup's codes are found by it when it is confirmed, replaced or forgotten (a cascade too).
        indexes = (("account_id", "code_hash"), ("setup_id",))


# Docstring first lines become SQL table comments, and Tortoise splits migration SQL on ";": keep them free of it.
class SignInChallenge(Model):
    """The half-open sign-in of a 2FA account whose password matched, found by the SHA-256 of its token.

    It only lets ``verifyTwoFactor`` finish that sign-in: it is not a session and authenticates nothing.
    It remembers what the session will be made of (client kind, IP, User-Agent).
    """

    id = fields.UUIDField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="sign_in_challenges", on_delete=fields.CASCADE
    )
    account_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    client = fields.CharEnumField(ClientKind, max_length=8)
    ip_address = fields.CharField(max_length=45, null=True)
    user_agent = fields.CharField(max_length=512, default="")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    wrong_codes = fields.IntField(default=0)
    # The known device whose credential the password step presented (not a foreign key: forgetting the
    # device meanwhile must leave a challenge that counts on the email again, not delete it).
    known_device_id = fields.UUIDField(null=True)

    class Meta:
        table = "sign_in_challenge"
        # The sweep deletes expired challenges; disabling 2FA closes an account's open ones.
        indexes = (("expires_at",), ("account_id", "used_at"))
