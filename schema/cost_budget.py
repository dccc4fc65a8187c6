"""A per-client budget of parse and validation CPU, so one client's documents cannot crowd out everyone else's.

Each admitted document is cheap (schema/cost.py), but one event loop serves everybody: four clients sending
cheap-but-fresh documents back to back keep it busy, and a fifth one's request waits behind theirs. So the CPU
each client's documents spent being parsed and validated is charged to that client (its IP bucket, as for
the other per-IP limits) after the work is done, and the client's balance refills at ``rate_ms`` milliseconds
per second, up to ``burst_ms``. A client whose balance is spent is refused before its document is even
lexed, which costs far less than admitting it, and the refusal is answered after a pause (the wait, at most
a second) that costs the loop nothing: a client sending as fast as it is answered cannot spin on refusals.
Documents answered from the parser and validation caches cost next to nothing, so clients sending the same
few documents (the Security page) never come near the budget, and such a document is admitted even from a
client past it (a client that spent its budget on fresh documents can still load the page).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from strawberry.extensions.parser_cache import DEFAULT_MAXSIZE

TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
_MAX_CLIENTS = 50_000
# No admitted document costs more than a few milliseconds to parse or validate; a longer step was the process
# pausing (a garbage-collector pass, a cold start, the machine), which is not the client's doing.
MAX_CHARGE_MS = 20.0  # balances kept; full balances are dropped first when more are seen


@dataclass
class _Balance:
    milliseconds: float
    at: float


class ParseBudget:
    """Milliseconds of parse+validate CPU per client, refilled over time (a token bucket per IP bucket)."""

    def __init__(self, rate_ms: float, burst_ms: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate_ms = rate_ms
        self.burst_ms = max(burst_ms, rate_ms)
        self.clock = clock
        self._balances: dict[str, _Balance] = {}
        # The texts most recently parsed and validated, as many as the caches hold, in the same order.
        self._recent: OrderedDict[str, None] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.rate_ms > 0

    def wait(self, key: str | None, credit_ms: float = 0.0) -> float | None:
        """Seconds until ``key`` may send again, or None when its balance allows a document now.

        ``credit_ms`` is what the document being asked about has been charged already (its own parse): a
        document admitted from a positive balance is never refused for its own cost, only for others'.
        """
        if not self.enabled or key is None:
            return None
        balance = self._refilled(key).milliseconds + credit_ms
        if balance > 0:
            return None
        return (1 - balance) / self.rate_ms

    def is_recent(self, text: str | None) -> bool:
        """Whether ``text`` was parsed and validated lately, so the caches answer it for next to nothing."""
        if text is None or text not in self._recent:
            return False
        self._recent.move_to_end(text)
        return True

    def remember(self, text: str | None) -> None:
        if text is None:
            return
        self._recent[text] = None
        self._recent.move_to_end(text)
        if len(self._recent) > DEFAULT_MAXSIZE:
            self._recent.popitem(last=False)

    def charge(self, key: str | None, milliseconds: float) -> float:
        """Take the CPU a document of ``key`` just spent; the balance may go negative (the debt is waited out).

        Returns what was taken.
        """
        if not self.enabled or key is None or milliseconds <= 0:
            return 0.0
        taken = min(milliseconds, MAX_CHARGE_MS)
        self._refilled(key).milliseconds -= taken
        if len(self._balances) > _MAX_CLIENTS:
            self._forget_full()
        return taken

    def _refilled(self, key: str) -> _Balance:
        now = self.clock()
        balance = self._balances.get(key)
        if balance is None:
            balance = self._balances[key] = _Balance(self.burst_ms, now)
        else:
            balance.milliseconds = min(self.burst_ms, balance.milliseconds + (now - balance.at) * self.rate_ms)
            balance.at = now
        return balance

    def _forget_full(self) -> None:
        # A client whose balance has refilled is indistinguishable from one never seen: dropping it loses nothing.
        now = self.clock()
        for key, balance in list(self._balances.items()):
            if balance.milliseconds + (now - balance.at) * self.rate_ms >= self.burst_ms:
                del self._balances[key]
        if len(self._balances) > _MAX_CLIENTS // 2:
            # Still crowded (many clients in debt at once): forget the longest-unseen half rather than sweep
            # on every request. A forgotten client starts again with a full balance, never less.
            for key in list(self._balances)[: len(self._balances) // 2]:
                del self._balances[key]


class FreshLane:
    """One step (parse, or validate) of one fresh document at a time per process, and one step per loop turn.

    A budget bounds how much each client spends, not when: four clients with balance left each hand the loop
    a 3 ms document in the same turn, and a cheap request that arrived meanwhile waits for all of them, once
    for every turn it needs. In the lane those steps run in arrival order, each on a later loop turn than the
    one before, so between any two steps the loop serves everything else that became ready. Documents the
    caches answer never enter it.
    """

    def __init__(self) -> None:
        # One lock per event loop: an asyncio lock belongs to the loop that first waits on it.
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()

    @contextlib.asynccontextmanager
    async def step(self) -> AsyncIterator[None]:
        """Wait for the lane, run the (synchronous) step, and hand the lane on no sooner than the next turn."""
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        async with lock:
            yield
            # Held over one yield to the loop: a step that became due during this one waits for a later turn,
            # after the callbacks that were ready by then (other clients' requests among them).
            await asyncio.sleep(0)
