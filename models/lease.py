"""Leases: the right of one process at a time to do a periodic job, claimed with a conditional update."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Lease(Model):
    """Who holds a periodic job (the sweep) and until when, a crashed holder's lease simply runs out."""

    name = fields.CharField(max_length=32, primary_key=True)
    holder = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "lease"
