"""One process at a time for a periodic job: a lease row claimed with a conditional update, on any database.

The holder renews it before each run; another process takes it over only once it has run out, so a
crashed holder delays the job by at most one lease and two live processes never run it together.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from auth.clock import Clock
from models import Lease


def _holder_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class JobLease:
    """The lease of the job ``name``, held for ``seconds`` after each claim."""

    name: str
    seconds: float
    clock: Clock
    holder: str = field(default_factory=_holder_name)

    async def claim(self) -> bool:
        """Take or renew the lease; False while another live process holds it."""
        now = self.clock.now()
        until = now + timedelta(seconds=self.seconds)
        ours_or_over = Q(holder=self.holder) | Q(expires_at__lte=now)
        if await Lease.filter(ours_or_over, name=self.name).update(holder=self.holder, expires_at=until):
            return True
        try:
            await Lease.create(name=self.name, holder=self.holder, expires_at=until)
        except IntegrityError:
            return False  # another process holds it (or created it just now)
        return True

    async def release(self) -> None:
        """Give the lease up (at shutdown), so another process takes the job over at its next turn."""
        await Lease.filter(name=self.name, holder=self.holder).update(expires_at=self.clock.now())
