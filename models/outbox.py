"""The mail outbox: notifications written in the same transaction as the change that caused them.

``workestra.mail.MailSender`` delivers the rows later, with retries, so a mail is never lost when the
SMTP server is down or the process restarts. A row is in exactly one of these states:

- **pending**: ``sent_at`` and ``failed_at`` are NULL; due once ``next_attempt_at`` has passed.
- **claimed**: pending, and ``claimed_until`` lies in the future: one sender is delivering it now.
  A claim that outlives its sender (a crash mid-send) simply expires and the row is due again.
- **sent**: ``sent_at`` is set.
- **dead**: ``failed_at`` is set (and ``sent_at`` NULL): an attempt failed after the retry period
  (``MAIL_RETRY_FOR`` from ``created_at``), or the mail cannot be built. It stays for the operator:
  ``workestra mail`` lists it, ``workestra mail retry ID`` clears ``failed_at`` for one more attempt.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class OutboxMessage(Model):
    """One notification mail waiting for, or done with, delivery. No secrets: bodies hold no codes.

    A mail that must carry a secret (the password-reset link) keeps it in ``secret`` only, with the
    bodies holding a placeholder: the sender fills it in when composing and clears ``secret`` once the
    mail is sent or dead, so the row kept for days holds nothing that works.
    """

    id = fields.BigIntField(primary_key=True)
    recipient = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200)
    text_body = fields.TextField()
    html_body = fields.TextField()
    # What the mail is about ("lockout", "password_changed"...), for logs and metrics.
    kind = fields.CharField(max_length=40)
    created_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    failed_at = fields.DatetimeField(null=True)
    # The exception class name only: exception messages can echo addresses back.
    last_error = fields.CharField(max_length=200, null=True)
    secret = fields.CharField(max_length=128, null=True)

    class Meta:
        table = "outbox_message"
        # The sender's due query: unsent rows whose next attempt has come.
        indexes = (("sent_at", "next_attempt_at"),)
