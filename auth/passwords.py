"""Password policy and argon2id hashing kept off the event loop."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import anyio
import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from auth.errors import ErrorCode, PasswordPolicyViolation
from auth.hash_pool import HashCharge, HashPool

# NFKC can fold a few code points into one (Hangul jamo: three to one), never more than four;
# anything longer than this before normalisation is too long after it, so it is refused unread.
_NFKC_MAX_SHRINK = 4


@dataclass(frozen=True)
class PasswordPolicy:
    """The product's password rules (numbers from the product documentation)."""

    min_length: int = 8
    max_length: int = 128
    history_size: int = 5


def normalize_password(password: str, policy: PasswordPolicy) -> str:
    """NFKC-normalise and length-check a new password; raise the one rule it breaks."""
    if len(password) > policy.max_length * _NFKC_MAX_SHRINK:
        raise _too_long(policy)
    normalized = unicodedata.normalize("NFKC", password)
    if len(normalized) < policy.min_length:
        raise PasswordPolicyViolation(ErrorCode.PASSWORD_TOO_SHORT, f"Use at least {policy.min_length} characters.")
    if len(normalized) > policy.max_length:
        raise _too_long(policy)
    return normalized


def candidate_password(password: str, policy: PasswordPolicy) -> str | None:
    """The normalised form of a password being *checked*, or None when it cannot possibly match."""
    if not password or len(password) > policy.max_length * _NFKC_MAX_SHRINK:
        return None
    normalized = unicodedata.normalize("NFKC", password)
    return normalized if len(normalized) <= policy.max_length else None


def _too_long(policy: PasswordPolicy) -> PasswordPolicyViolation:
    return PasswordPolicyViolation(ErrorCode.PASSWORD_TOO_LONG, f"Use at most {policy.max_length} characters.")


def _encode(password: str) -> bytes:
    # surrogatepass keeps lone surrogates (valid in JSON strings) hashable instead of crashing.
    return password.encode("utf-8", "surrogatepass")


# What the start-up hash is charged to: no client asked for it.
_START_UP = HashCharge(account="start-up", ip="local")


class PasswordHasher:
    """argon2id with bounded parallelism: each hash costs ``memory_cost`` KiB, so a flood queues, not swaps.

    Every hash is charged to an account and an IP bucket (``HashCharge``); the pool is shared fairly
    between them, so a flood from one account or IP queues behind itself.
    """

    def __init__(
        self,
        *,
        time_cost: int,
        memory_cost: int,
        parallelism: int,
        concurrency: int,
        on_wait: Callable[[float], None] | None = None,
        niceness: int = 0,
    ) -> None:
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=argon2.Type.ID
        )
        self.pool = HashPool(concurrency, on_wait=on_wait, niceness=niceness)
        self._dummy_hash: str | None = None
        self._dummy_lock = anyio.Lock()

    async def hash(self, password: str, *, charge: HashCharge) -> str:
        """The argon2id hash of a (normalised) password, computed in a worker thread."""
        return await self.pool.run(charge, self._hasher.hash, _encode(password))

    async def verify(self, password_hash: str, password: str, *, charge: HashCharge) -> bool:
        """True when ``password`` matches; False for a mismatch or a corrupt hash."""
        return await self.pool.run(charge, self._verify, password_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, _encode(password))
        except (VerificationError, InvalidHashError):
            return False

    async def prepare(self) -> str:
        """Make the hash that unknown emails are checked against (once; called at start-up), and return it."""
        async with self._dummy_lock:
            if self._dummy_hash is None:
                self._dummy_hash = await self.hash("workestra timing equaliser", charge=_START_UP)
            return self._dummy_hash

    async def waste_time(self, password: str, *, charge: HashCharge) -> None:
        """Spend what a real verify costs, so an unknown email is indistinguishable by timing.

        ``charge`` must be what a known email's verify would be charged (``hash_charge``), so that
        the pool serves both alike.
        """
        dummy = self._dummy_hash
        if dummy is None:
            # Behind a lock: a cold burst of unknown emails must not each pay for an extra hash.
            dummy = await self.prepare()
        await self.verify(dummy, password, charge=charge)

    @property
    def waiting(self) -> int:
        """Hashes queued for a slot of the pool right now."""
        return self.pool.waiting

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the stored hash was made with other parameters than the current ones."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True
