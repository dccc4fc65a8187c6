"""The collaborators the account-security rules are given: how they announce changes and place an IP."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class SessionEvents(Protocol):
    """Where session changes are announced (subscriptions, socket closers); ids only."""

    async def sessions_changed(self, account_id: int, *, ended: Sequence[str] = ()) -> None: ...

    async def activity_advanced(self, account_id: int) -> None: ...


class LocationLookup(Protocol):
    """Turns an IP into an approximate place name."""

    def lookup(self, ip: str | None) -> str | None: ...
