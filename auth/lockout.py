"""Brute-force policy as pure functions: what a run of consecutive failures costs the next attempt."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """What the latest failure imposes: a wait before the next evaluated attempt, or a lock."""

    delay_seconds: int = 0
    lock_seconds: int = 0

    @property
    def locks(self) -> bool:
        """True when this failure locks the account."""
        return self.lock_seconds > 0


@dataclass(frozen=True)
class LockoutPolicy:
    """Numbers from the product documentation: 1, 2, 4, 8, 16 s after failures 1–5; the 6th locks 15 min."""

    delays: tuple[int, ...] = (1, 2, 4, 8, 16)
    lock_seconds: int = 15 * 60
    # Failures further apart than this do not chain into one run.
    chain_window_seconds: int = 24 * 60 * 60
    ip_failure_limit: int = 100
    ip_window_seconds: int = 15 * 60
    # Per-IP limits count an IPv6 client by this network: one subscriber line gets a whole /64.
    ipv6_limit_prefix: int = 64

    @property
    def lock_after(self) -> int:
        """The consecutive failure that locks (the 6th)."""
        return len(self.delays) + 1

    def after_failure(self, consecutive_failures: int) -> Verdict:
        """The verdict for the ``consecutive_failures``-th failure in a row (1-based)."""
        if consecutive_failures < 1:
            raise ValueError("consecutive_failures starts at 1")
        if consecutive_failures >= self.lock_after:
            return Verdict(lock_seconds=self.lock_seconds)
        return Verdict(delay_seconds=self.delays[consecutive_failures - 1])
