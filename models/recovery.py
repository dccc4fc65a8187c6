"""Password-reset links: one row per request for a known account, found by the SHA-256 of its token."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.account import Account


class PasswordResetToken(Model):
    """A single-use reset link sent by mail. The token itself is never stored, only its SHA-256 digest.

    ``used_at`` is set by the one conditional update that redeems the link (or voids it when a newer
    request replaces it), so of concurrent uses exactly one wins.
    """

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="reset_tokens", on_delete=fields.CASCADE
    )
    account_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "password_reset_token"
        # An account's links: voiding its open ones, finding whether a newer one exists (by id, in order).
        # The sweep drops expired ones.
        indexes = (("account_id", "id"), ("expires_at",))


class ResetRequest(Model):
    """One password-reset request, counted per email key (hashed) and per IP in sliding windows."""

    id = fields.BigIntField(primary_key=True)
    # ``email:<sha256 of the normalised email>`` or ``ip:<address or /64>``: both limits in one table.
    subject = fields.CharField(max_length=80)
    occurred_at = fields.DatetimeField()

    class Meta:
        table = "reset_request"
        # Ranking a subject's requests in the window; the sweep forgets the oldest, a batch at a time.
        indexes = (("subject", "occurred_at"), ("occurred_at",))
