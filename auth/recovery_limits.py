"""How often a password reset may be asked for: per normalised email and per IP, in sliding windows.

Both are counted whether or not an account has the email, so the limit reveals nothing either. A
request is inserted first and then ranked among its subject's rows in the window (as the per-IP
limits in ``auth.throttle`` do), so concurrent requests and processes cannot all see room for themselves.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from auth.batches import delete_oldest
from auth.clock import Clock
from auth.errors import TooManyAttempts
from models import ResetRequest


async def count_reset_request(
    *,
    email_key: str,
    ip_key: str | None,
    now: datetime,
    email_limit: int,
    ip_limit: int,
    window_seconds: int,
) -> None:
    """Count one request for the email (and the IP, when known), or refuse it with ``TooManyAttempts``.

    A refused request counts for neither: the IP's slot is given back when the email's limit refuses.
    """
    ip_slot = None
    if ip_key is not None:
        ip_slot = await _take_slot(f"ip:{ip_key}", now, limit=ip_limit, window_seconds=window_seconds)
    try:
        await _take_slot(f"email:{email_key}", now, limit=email_limit, window_seconds=window_seconds)
    except TooManyAttempts:
        if ip_slot is not None:
            await ResetRequest.filter(id=ip_slot).delete()
        raise


async def _take_slot(subject: str, now: datetime, *, limit: int, window_seconds: int) -> int:
    window_start = now - timedelta(seconds=window_seconds)
    row = await ResetRequest.create(subject=subject, occurred_at=now)
    rank = await ResetRequest.filter(subject=subject, occurred_at__gt=window_start, id__lte=row.id).count()
    if rank <= limit:
        slot: int = row.id
        return slot
    await ResetRequest.filter(id=row.id).delete()
    oldest = await ResetRequest.filter(subject=subject, occurred_at__gt=window_start).order_by("occurred_at").first()
    frees_at = (oldest.occurred_at if oldest else now) + timedelta(seconds=window_seconds)
    raise TooManyAttempts(max(1, math.ceil((frees_at - now).total_seconds())))


async def prune_reset_requests(*, clock: Clock, window_seconds: int) -> int:
    """Forget requests older than the window (periodic sweep), a batch at a time by their age's index."""
    cutoff = clock.now() - timedelta(seconds=window_seconds)
    return await delete_oldest(ResetRequest.filter(occurred_at__lte=cutoff), order_by="occurred_at")
