"""Two processes on one database: exactly one of them sweeps, and a killed sweeper is replaced."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.databases import Backend
from tests.support.live import server_env, two_servers
from tests.support.server import ServerProcess

pytestmark = pytest.mark.server

# The sweep runs every second; its lease lasts three intervals.
INTERVAL = 1


@pytest.fixture
def pair(clean_backend: Backend, tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    # The same directory: on SQLite both processes open the same file.
    env = server_env(clean_backend, tmp_path, SESSION_SWEEP_INTERVAL=str(INTERVAL), METRICS_ALLOWED_IPS="127.0.0.1")
    with two_servers(env, tmp_path) as servers:
        yield servers


def sweeps(server: ServerProcess) -> float:
    """How many sweeps this process has run (its ``workestra_sweep_duration_seconds`` count)."""
    page = httpx.get(f"{server.url}/metrics", timeout=5).text
    found = re.search(r"^workestra_sweep_duration_seconds_count (\S+)$", page, re.MULTILINE)
    assert found, page[:2000]
    return float(found.group(1))


async def test_one_process_sweeps_at_a_time_and_takes_over_from_a_killed_holder(pair) -> None:
    first, second = pair
    await asyncio.sleep(6 * INTERVAL)
    counts = [sweeps(first), sweeps(second)]
    assert [count > 0 for count in counts].count(True) == 1, counts
    holder, other = (first, second) if counts[0] else (second, first)
    held = max(counts)
    assert held >= 3, counts  # it sweeps every period, not once
    await asyncio.sleep(3 * INTERVAL)
    assert sweeps(other) == 0
    assert sweeps(holder) > held

    assert holder.process is not None
    os.killpg(holder.process.pid, signal.SIGKILL)  # no release: its lease must run out
    holder.process.wait(timeout=10)
    killed_at = time.monotonic()
    while not sweeps(other):
        assert time.monotonic() - killed_at < 10 * INTERVAL, "the survivor never took the sweep over"
        await asyncio.sleep(0.2)
    # Not before the lease ran out (three intervals, less the part of it already used).
    assert time.monotonic() - killed_at >= INTERVAL
