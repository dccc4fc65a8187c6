"""Fair sharing of the hash pool: which waiting hash gets the next free slot (pure, no I/O, no clock).

Every hash is charged to keys, one per dimension (the account or normalised email, the client's IP
bucket). A key of a dimension with ``n`` active keys (running or waiting) may hold at most
``ceil(slots / n)`` slots, at least 1, while another key waits: a flood from one account or one IP
queues behind itself. Among the waiting hashes that respect that share, the next slot goes to the one
whose keys hold the fewest slots, then to the one whose keys were served least recently (round-robin
over keys; keys compared busiest and most recent first), then first come first served. When every
waiting hash is over its share, the least loaded one still runs, so a slot never idles while somebody
waits.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from dataclasses import dataclass, field

Key = tuple[str, str]
"""A key one hash is charged to: (dimension, value), e.g. ("ip", "203.0.113.7")."""


@dataclass(eq=False)
class Ticket:
    """One hash waiting for, or holding, a slot."""

    keys: tuple[Key, ...]
    number: int
    granted: bool = False
    done: bool = False


@dataclass
class _KeyState:
    running: int = 0
    waiting: int = 0
    last_served: int = -1


@dataclass
class FairShare:
    """The scheduling state of a pool of ``slots`` hashes; callers submit, then finish, every ticket once."""

    slots: int
    _keys: dict[Key, _KeyState] = field(default_factory=dict)
    # Waiting tickets grouped by their exact keys: first come first served within a group, so only the
    # head of each group is a candidate and choosing costs one look per group, not per ticket.
    _queues: dict[tuple[Key, ...], deque[Ticket]] = field(default_factory=dict)
    _active_per_dimension: dict[str, int] = field(default_factory=dict)
    _running: int = 0
    _numbers: itertools.count[int] = field(default_factory=itertools.count)
    _grants: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        if self.slots < 1:
            raise ValueError("a hash pool needs at least one slot")

    @property
    def running(self) -> int:
        """Hashes holding a slot."""
        return self._running

    @property
    def waiting(self) -> int:
        """Hashes waiting for a slot."""
        return sum(len(queue) for queue in self._queues.values())

    def holding(self, key: Key) -> int:
        """Slots ``key`` holds right now."""
        state = self._keys.get(key)
        return state.running if state else 0

    def share(self, dimension: str) -> int:
        """The most slots one key of ``dimension`` may hold while others wait."""
        return max(1, math.ceil(self.slots / max(1, self._active_per_dimension.get(dimension, 0))))

    def submit(self, keys: tuple[Key, ...]) -> Ticket:
        """Queue a hash charged to ``keys``; the ticket is granted at once when a slot is free and nobody waits."""
        if len({dimension for dimension, _ in keys}) != len(keys):
            raise ValueError("one key per dimension")
        ticket = Ticket(keys, next(self._numbers))
        for key in keys:
            state = self._keys.get(key)
            if state is None:
                state = self._keys[key] = _KeyState()
                self._active_per_dimension[key[0]] = self._active_per_dimension.get(key[0], 0) + 1
            state.waiting += 1
        self._queues.setdefault(keys, deque()).append(ticket)
        self._dispatch()
        return ticket

    def finish(self, ticket: Ticket) -> list[Ticket]:
        """Free a granted ticket's slot, or withdraw a waiting one (cancelled); returns the tickets granted now.

        Finishing a ticket twice does nothing, so a cancelled request can always finish its ticket.
        """
        if ticket.done:
            return []
        ticket.done = True
        if ticket.granted:
            self._running -= 1
            for key in ticket.keys:
                self._keys[key].running -= 1
        else:
            queue = self._queues[ticket.keys]
            queue.remove(ticket)
            if not queue:
                del self._queues[ticket.keys]
            for key in ticket.keys:
                self._keys[key].waiting -= 1
        for key in ticket.keys:
            state = self._keys[key]
            if not state.running and not state.waiting:
                # An idle key is forgotten: the state stays as small as the set of active keys.
                del self._keys[key]
                self._active_per_dimension[key[0]] -= 1
                if not self._active_per_dimension[key[0]]:
                    del self._active_per_dimension[key[0]]
        return self._dispatch()

    def _dispatch(self) -> list[Ticket]:
        granted = []
        while self._running < self.slots and self._queues:
            ticket = min((queue[0] for queue in self._queues.values()), key=self._priority)
            self._grant(ticket)
            granted.append(ticket)
        return granted

    def _priority(self, ticket: Ticket) -> tuple[bool, tuple[int, ...], tuple[int, ...], int]:
        states = [self._keys[key] for key in ticket.keys]
        over_share = any(
            state.running >= self.share(dimension) for state, (dimension, _) in zip(states, ticket.keys, strict=True)
        )
        # Compared busiest / most recent key first, then the next: two accounts behind one IP tie on
        # the IP and are told apart by the account, so they alternate too.
        return (
            over_share,
            tuple(sorted((state.running for state in states), reverse=True)),
            tuple(sorted((state.last_served for state in states), reverse=True)),
            ticket.number,
        )

    def _grant(self, ticket: Ticket) -> None:
        queue = self._queues[ticket.keys]
        queue.popleft()
        if not queue:
            del self._queues[ticket.keys]
        ticket.granted = True
        self._running += 1
        served = next(self._grants)
        for key in ticket.keys:
            state = self._keys[key]
            state.waiting -= 1
            state.running += 1
            state.last_served = served
