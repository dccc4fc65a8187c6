"""The hash pool's fair share as a pure scheduler, and the pool's slots under cancellation."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time

import pytest

from auth.fair_share import FairShare, Key, Ticket
from auth.hash_pool import HashCharge, HashPool, hash_charge, ip_bucket


def keys(label: str) -> tuple[Key, ...]:
    """ "account@ip" → the keys of a hash for that account from that IP."""
    account, _, ip = label.partition("@")
    return (("account", account), ("ip", ip))


def label(ticket: Ticket) -> str:
    return f"{ticket.keys[0][1]}@{ticket.keys[1][1]}"


def serve_all(slots: int, arrivals: list[str]) -> list[str]:
    """Submit every arrival at once, then finish the oldest running hash until none is left; the grant order."""
    share = FairShare(slots)
    running: list[Ticket] = []
    order: list[str] = []
    for arrival in arrivals:
        ticket = share.submit(keys(arrival))
        if ticket.granted:
            running.append(ticket)
            order.append(label(ticket))
    while running:
        assert share.running == len(running) <= slots
        for ticket in share.finish(running.pop(0)):
            running.append(ticket)
            order.append(label(ticket))
    assert (share.running, share.waiting) == (0, 0)
    assert not share._keys and not share._queues and not share._active_per_dimension  # nothing leaks
    return order


ATTACKER_FLOOD = [f"a{i % 4}@X" for i in range(12)]


@pytest.mark.parametrize(
    ("slots", "arrivals", "expected"),
    [
        # Alone, one key uses every slot: nothing idles.
        (1, ["a@X", "a@X", "a@X"], ["a@X", "a@X", "a@X"]),
        # Accounts behind one IP alternate.
        (1, ["a@X", "a@X", "a@X", "b@X", "b@X", "b@X"], ["a@X", "b@X", "a@X", "b@X", "a@X", "b@X"]),
        # IPs alternate, whatever order the flood came in.
        (1, ["a@X", "a@X", "b@Y", "b@Y", "c@Z"], ["a@X", "b@Y", "c@Z", "a@X", "b@Y"]),
        # Four accounts of one attacker: the victim, arriving last, is served right after the running hash.
        (1, [*ATTACKER_FLOOD, "v@Y"], ["a0@X", "v@Y", "a1@X", "a2@X", "a3@X"] + ["a0@X", "a1@X", "a2@X", "a3@X"] * 2),
        # Two slots: the attacker holds both until the victim comes, then one at most.
        (2, [*ATTACKER_FLOOD[:4], "v@Y", "w@Y"], ["a0@X", "a1@X", "v@Y", "a2@X", "w@Y", "a3@X"]),
        # One account spread over many IPs is still one account.
        (2, ["a@X", "a@Y", "a@Z", "a@W", "b@V"], ["a@X", "a@Y", "b@V", "a@Z", "a@W"]),
    ],
    ids=["alone", "accounts-behind-one-ip", "ips", "four-account-flood", "two-slots", "one-account-many-ips"],
)
def test_grant_order(slots: int, arrivals: list[str], expected: list[str]) -> None:
    assert serve_all(slots, arrivals) == expected


@pytest.mark.parametrize("attackers", [1, 4, 50])
@pytest.mark.parametrize("slots", [1, 2, 4])
def test_a_newcomer_waits_for_one_hash_at_most_whatever_the_flood(slots: int, attackers: int) -> None:
    share = FairShare(slots)
    flood = [share.submit(keys(f"a{i % attackers}@X")) for i in range(200)]
    victim = share.submit(keys("v@Y"))
    assert not victim.granted and share.running == slots
    granted = share.finish(flood[0])
    assert granted == [victim]


@pytest.mark.parametrize("others", [1, 3, 20])
@pytest.mark.parametrize("slots", [2, 3, 4, 8])
def test_no_key_holds_more_than_its_share_while_others_wait(slots: int, others: int) -> None:
    share = FairShare(slots)
    flood = [share.submit(keys("a@X")) for _ in range(5 * slots)]
    assert share.holding(("ip", "X")) == slots  # alone, it may use every slot
    waiting = [share.submit(keys(f"u{i}@Y{i % others}")) for i in range(3 * slots)]
    running = [ticket for ticket in flood if ticket.granted]
    for _ in range(slots):  # what it held before the others came ends, one hash after another
        running.extend(share.finish(running.pop(0)))
    while any(not ticket.granted and not ticket.done for ticket in waiting):
        assert share.holding(("ip", "X")) <= share.share("ip")
        running.extend(share.finish(running.pop(0)))


def test_a_slot_never_idles_while_someone_waits() -> None:
    share = FairShare(5)
    a = [share.submit(keys("a@X")) for _ in range(3)]
    share.submit(keys("b@Y"))
    share.submit(keys("c@Z"))
    late = share.submit(keys("a@X"))
    assert not late.granted and share.running == 5
    # a holds 2, its share of 5 among 3 IPs; nobody else waits, so it gets the free slot anyway.
    assert share.finish(a[0]) == [late]


def test_a_cancelled_waiting_hash_gives_its_place_back_and_leaks_nothing() -> None:
    share = FairShare(1)
    first = share.submit(keys("a@X"))
    cancelled = share.submit(keys("v@Y"))
    after = share.submit(keys("a@X"))
    assert share.finish(cancelled) == []  # withdrawn while waiting: nothing granted, nothing freed
    assert share.waiting == 1 and share.running == 1
    assert share.finish(first) == [after]
    assert share.finish(cancelled) == []  # a second finish is harmless
    assert share.finish(after) == []
    assert (share.running, share.waiting) == (0, 0)
    assert not share._keys and not share._queues and not share._active_per_dimension


def test_a_granted_hash_that_is_cancelled_passes_its_slot_on() -> None:
    share = FairShare(1)
    first = share.submit(keys("a@X"))
    woken = share.submit(keys("b@Y"))
    last = share.submit(keys("c@Z"))
    assert share.finish(first) == [woken]
    # Woken, then cancelled before its thread started: its slot goes to the next one.
    assert share.finish(woken) == [last]
    assert share.finish(last) == []
    assert not share._keys


@pytest.mark.parametrize(
    "bad",
    [lambda: FairShare(0), lambda: FairShare(-1), lambda: FairShare(1).submit((("ip", "a"), ("ip", "b")))],
    ids=["zero-slots", "negative-slots", "two-keys-one-dimension"],
)
def test_refused_shapes(bad) -> None:
    with pytest.raises(ValueError, match="slot|dimension"):
        bad()


@pytest.mark.parametrize(
    ("ip", "bucket"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        (None, "unknown"),
        ("", "unknown"),
        ("not an ip\x00", "unknown"),
    ],
)
def test_ip_buckets(ip: str | None, bucket: str) -> None:
    assert ip_bucket(ip) == bucket


def test_known_and_unknown_emails_are_charged_alike() -> None:
    # The charge depends on the text typed only: the same email, typed in another case, is the same account key.
    assert hash_charge(" Ada@Example.com ", "203.0.113.7") == hash_charge("ada@example.com", "203.0.113.7")
    assert hash_charge("ada@example.com", "203.0.113.7") != hash_charge("nobody@example.com", "203.0.113.7")
    assert "ada" not in hash_charge("ada@example.com", None).account  # no raw email held in memory


class Blocking:
    """A stand-in for argon2: counts threads inside it and holds each one until ``gate`` opens."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.inside = self.peak = 0
        self.lock = threading.Lock()

    def __call__(self) -> str:
        with self.lock:
            self.inside += 1
            self.peak = max(self.peak, self.inside)
        try:
            self.gate.wait(10)
            time.sleep(0.01)
            return "done"
        finally:
            with self.lock:
                self.inside -= 1


async def test_a_request_deadline_never_lets_more_hashes_overlap_than_the_slots() -> None:
    """A cancelled request's thread keeps its slot until it is really done (its memory is still in use)."""
    pool = HashPool(1)
    work = Blocking()

    async def with_deadline(i: int) -> str:
        try:
            async with asyncio.timeout(0.1):
                return await pool.run(HashCharge(f"a{i}", "X"), work)
        except TimeoutError:
            return "timed out"

    assert await asyncio.gather(*(with_deadline(i) for i in range(4))) == ["timed out"] * 4
    assert (pool.running, pool.waiting) == (1, 0)  # the three waiting ones left; the running thread did not
    later = asyncio.create_task(pool.run(HashCharge("v", "Y"), work))
    await asyncio.sleep(0.05)
    assert work.peak == 1 and pool.waiting == 1
    work.gate.set()
    assert await later == "done"
    assert work.peak == 1
    assert (pool.running, pool.waiting) == (0, 0)


async def test_an_error_in_the_hash_frees_the_slot() -> None:
    pool = HashPool(1)

    def broken() -> None:
        raise RuntimeError("corrupt")

    with pytest.raises(RuntimeError, match="corrupt"):
        await pool.run(HashCharge("a", "X"), broken)
    assert await pool.run(HashCharge("a", "X"), lambda: 7) == 7
    assert (pool.running, pool.waiting) == (0, 0)


async def test_a_freed_slot_passes_to_the_next_hash_while_the_event_loop_is_busy() -> None:
    """Under a flood the loop is busy: the next hash must not wait for a loop turn to get the slot just freed."""
    pool = HashPool(1)
    gate, second_started = threading.Event(), threading.Event()

    def first_hash() -> str:
        gate.wait(10)
        return "first"

    def second_hash() -> str:
        second_started.set()
        return "second"

    first = asyncio.create_task(pool.run(HashCharge("a", "X"), first_hash))
    second = asyncio.create_task(pool.run(HashCharge("b", "Y"), second_hash))
    while (pool.running, pool.waiting) != (1, 1):
        await asyncio.sleep(0)
    gate.set()
    # Blocks the event loop itself: only a worker thread can start the second hash now.
    assert second_started.wait(10), "the second hash waited for the event loop"
    assert (await first, await second) == ("first", "second")
    assert (pool.running, pool.waiting) == (0, 0)


@pytest.mark.skipif(sys.platform != "linux", reason="nice values are per thread on Linux only")
@pytest.mark.parametrize("niceness", [0, 10])
async def test_hash_threads_run_below_the_event_loop(niceness: int) -> None:
    """Hashes fill every core under a flood: the loop must still get the CPU first when it has work."""
    pool = HashPool(2, niceness=niceness)
    loop_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def own_nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    seen = await asyncio.gather(*(pool.run(HashCharge(f"a{i}", "X"), own_nice) for i in range(4)))
    assert seen == [min(19, loop_nice + niceness)] * 4
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == loop_nice  # the loop's own is untouched
