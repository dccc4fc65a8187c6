"""Brute-force counters: one row per normalised email (hashed), one row per failure or sign-up per IP."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AttemptCounter(Model):
    """Consecutive failures for one email, whether or not an account has it.

    ``claim`` and ``evaluating_until`` hold the right to evaluate one attempt: it is taken with a
    conditional update, so concurrent requests and processes evaluate one attempt at a time.
    """

    key = fields.CharField(max_length=64, primary_key=True)
    failures = fields.IntField(default=0)
    last_failure_at = fields.DatetimeField(null=True)
    retry_at = fields.DatetimeField(null=True)
    locked_until = fields.DatetimeField(null=True)
    evaluating_until = fields.DatetimeField(null=True)
    claim = fields.CharField(max_length=32, null=True)

    class Meta:
        table = "attempt_counter"
        # The sweep's prune finds counters whose failures stopped chaining (or were reset) by this; with the
        # key in it, the prune's read is answered by the index alone, so no statistics make a scan look cheaper.
        indexes = (("last_failure_at", "key"),)


class IpEvent(Model):
    """Something an IP address did at a moment; counted per IP in a sliding window."""

    # Declared: Tortoise types a primary key of an abstract model as Any.
    id: int = fields.BigIntField(primary_key=True)
    ip = fields.CharField(max_length=45)
    occurred_at = fields.DatetimeField()

    class Meta:
        abstract = True


class IpFailure(IpEvent):
    """One evaluated failure from an IP address (or a reservation while it is being evaluated)."""

    class Meta:
        table = "ip_failure"
        # Counting per IP; the sweep's prune by age.
        indexes = (("ip", "occurred_at"), ("occurred_at",))


class IpSignUp(IpEvent):
    """One sign-up attempt from an IP address, counted against the per-IP sign-up limit."""

    class Meta:
        table = "ip_sign_up"
        indexes = (("ip", "occurred_at"), ("occurred_at",))
