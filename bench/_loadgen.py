"""Fallback HTTP load generator (only used when wrk is unavailable): closed loop, C keep-alive connections.

    python bench/_loadgen.py URL BODY_FILE TOKEN SECONDS CONNECTIONS

Prints one line ``BENCHJSON {...}`` with the same keys the wrk Lua script prints (latencies in µs).
Runs in its own process. It speaks HTTP/1.1 over raw asyncio streams rather than through httpx: an
httpx client costs more CPU per request than the bare app under test and would cap it (measured: the
bare app fell from ~580 to ~200 req/s behind an httpx generator). With raw streams a check run gave the
same req/s and ratio as wrk within a few per cent, but wrk stays the reference (less CPU, C latency histogram).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from urllib.parse import urlsplit


async def main(url: str, body: bytes, token: str, seconds: float, connections: int) -> dict[str, float]:
    parts = urlsplit(url)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/"
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    latencies: list[float] = []
    errors = {"err_connect": 0, "err_read": 0, "err_write": 0, "err_status": 0, "err_timeout": 0}
    size = 0
    start = time.monotonic()
    deadline = start + seconds

    async def worker() -> None:
        nonlocal size
        reader = writer = None
        while time.monotonic() < deadline:
            if writer is None:
                try:
                    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
                except (OSError, TimeoutError):
                    errors["err_connect"] += 1
                    await asyncio.sleep(0.01)
                    continue
            t0 = time.monotonic()
            try:
                writer.write(request)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                payload = await asyncio.wait_for(reader.readexactly(length), 10)
            except TimeoutError:
                errors["err_timeout"] += 1
                writer.close()
                writer = None
                continue
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                errors["err_read"] += 1
                writer.close()
                writer = None
                continue
            latencies.append((time.monotonic() - t0) * 1e6)
            size += len(head) + len(payload)
            if not head.startswith((b"HTTP/1.1 2", b"HTTP/1.0 2")):
                errors["err_status"] += 1
        if writer is not None:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    duration = time.monotonic() - start
    ordered = sorted(latencies) or [float("nan")]

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, int(-(-q * len(ordered) // 100)) - 1))]

    return {
        "requests": len(latencies),
        "duration_us": int(duration * 1e6),
        "bytes": size,
        **errors,
        "p50_us": pct(50),
        "p90_us": pct(90),
        "p99_us": pct(99),
        "p999_us": pct(99.9),
        "max_us": ordered[-1],
        "mean_us": statistics.fmean(ordered),
        "stdev_us": statistics.pstdev(ordered) if len(ordered) > 1 else 0.0,
    }


if __name__ == "__main__":
    url, body_file, token, seconds, connections = sys.argv[1:6]
    with open(body_file, "rb") as f:
        body = f.read()
    result = asyncio.run(main(url, body, token, float(seconds), int(connections)))
    print("BENCHJSON " + json.dumps(result), flush=True)
