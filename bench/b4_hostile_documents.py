"""B4: hostile documents. Attackers send the costliest documents the limits admit; a victim reads passwordPolicy.

Real app: ``python -m workestra serve`` (uvicorn, 1 worker, ``--loop asyncio``) on a temp SQLite file with the
default document limits, no credentials needed (every document targets the public ``passwordPolicy`` or is
refused before authentication). One invocation:

1. **Calibration**: for each family of hostile documents below, a binary search over its size parameter finds
   the largest document the server still admits (no ``QUERY_TOO_COMPLEX``, no token/depth/alias refusal).
   Those are the documents used; the same search is recorded in the JSON.
2. **Idle**: the victim alone for ``--seconds``: one keep-alive connection sending
   ``{ passwordPolicy { minLength maxLength historySize } }`` every ``--victim-interval`` ms → p50/p99.
3. **Per family**: ``--attackers`` closed-loop keep-alive connections (one separate process) sending that
   family's document as fast as they can for ``--family-seconds``; server CPU (``/proc/PID/stat``) over the
   window ÷ requests answered = **server CPU per hostile request**.
4. **Attack**: the same attackers cycling through every admitted family, for ``--seconds``, while the victim
   runs as in 2 → victim p50/p99 against the idle run, and the attackers' CPU per request (the victim's share,
   measured in 2, is subtracted).

Every attacker request carries a fresh random operation name (and, for the string family, fresh string
content), so neither the parser cache nor the validation cache ever hits. Attackers, victim and server share
this machine's cores. The script asserts nothing; it measures and reports.

    .venv/bin/python bench/b4_hostile_documents.py --app-ref HEAD     # ~1.5 min
    .venv/bin/python bench/b4_hostile_documents.py --seconds 5 --family-seconds 3 --no-save   # quick look
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c  # noqa: E402

VICTIM = json.dumps({"query": "{ passwordPolicy { minLength maxLength historySize } }"}).encode()
POLICY = ("minLength", "maxLength", "historySize", "__typename")


def _name() -> str:
    return "Q" + secrets.token_hex(6)


# Each family: size parameter → a document (with a fresh operation name each call). Sizes are searched.
def overlapping_fields(n: int) -> str:
    """``n`` same-name ``passwordPolicy`` selections with differing sub-selections (the overlap rule's worst case)."""
    return f"query {_name()} {{ " + " ".join(f"passwordPolicy {{ {POLICY[i % 4]} }}" for i in range(n)) + " }"


def nested_overlaps(n: int) -> str:
    """``n`` ``activeSessions { device { … } }`` selections (refused later by authentication, not before)."""
    body = " ".join(f"activeSessions {{ device {{ {('browser', 'os')[i % 2]} }} }}" for i in range(n))
    return f"query {_name()} {{ {body} }}"


def fragment_fanout(n: int) -> str:
    """Three fragments, each spreading the next ``n`` times: ``n**2`` selections once expanded."""
    spreads_b = " ".join(["...B"] * n)
    spreads_c = " ".join(["...C"] * n)
    return (
        f"query {_name()} {{ ...A }} fragment A on Query {{ {spreads_b} }} fragment B on Query {{ {spreads_c} }} "
        "fragment C on Query { passwordPolicy { minLength } }"
    )


def directives(n: int) -> str:
    """``n`` ``@include``/``@skip`` directives over the policy's fields."""
    fields = " ".join(f"{POLICY[i % 3]} {'@include(if: true)' if i % 2 else '@skip(if: false)'}" for i in range(n))
    return f"query {_name()} {{ passwordPolicy {{ {fields} }} }}"


def unknown_directives(n: int) -> str:
    """``n`` directives the schema does not know (each a validation error)."""
    return f"query {_name()} {{ passwordPolicy {{ minLength {' '.join(f'@d{i}' for i in range(n))} }} }}"


def many_arguments(n: int) -> str:
    """``n`` arguments the field does not take (each a validation error, with suggestions looked up)."""
    args = ", ".join(f"a{i}: {i}" for i in range(n))
    return f"query {_name()} {{ passwordPolicy({args}) {{ minLength }} }}"


def long_string(n: int) -> str:
    """One string argument of ``n`` characters (lexed character by character)."""
    return f'query {_name()} {{ securityEvents(after: "{secrets.token_hex(n // 2 + 1)[:n]}") {{ pageInfo {{ hasNextPage }} }} }}'


FAMILIES: dict[str, tuple[Callable[[int], str], int, int]] = {
    # name: (builder, smallest size to try, largest size to try)
    "overlapping fields": (overlapping_fields, 2, 600),
    "nested overlaps": (nested_overlaps, 2, 400),
    "fragment fan-out": (fragment_fanout, 2, 400),
    "directives": (directives, 1, 400),
    "unknown directives": (unknown_directives, 1, 400),
    "many arguments": (many_arguments, 1, 600),
    "long string": (long_string, 10, 60_000),
}
# Refused documents, for the cost of a refusal: the issue's 14 KB overlap document and a fragment bomb.
REFUSED = {
    "refused: 14 KB overlaps": lambda: overlapping_fields(500),
    "refused: fragment bomb 40^5": lambda: (
        f"query {_name()} {{ ...F0 }} "
        + " ".join(f"fragment F{i} on Query {{ {' '.join([f'...F{i + 1}'] * 40)} }}" for i in range(5))
        + " fragment F5 on Query { passwordPolicy { minLength } }"
    ),
}
LIMIT_MARKERS = ("QUERY_TOO_COMPLEX", "TOO_MANY_REQUESTS", "Parsing aborted", "exceeds maximum", "aliases")


def fresh_ip() -> str:
    """A client address never seen before (documentation range 10/8 is private; the server trusts 127.0.0.1)."""
    a, b, c3 = secrets.token_bytes(3)
    return f"10.{a}.{b}.{c3}"


def admitted(client: httpx.Client, document: str) -> bool:
    response = client.post("/graphql", json={"query": document}, headers={"X-Forwarded-For": fresh_ip()})
    if response.status_code == 413:
        return False
    return not any(marker in response.text for marker in LIMIT_MARKERS)


def calibrate(base_url: str) -> dict[str, dict[str, Any]]:
    """Largest admitted size per family (binary search; admission is monotonic in the size)."""
    out: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for name, (build, low, high) in FAMILIES.items():
            if not admitted(client, build(low)):
                out[name] = {"size": None}
                continue
            while low < high:
                middle = (low + high + 1) // 2
                low, high = (middle, high) if admitted(client, build(middle)) else (low, middle - 1)
            document = build(low)
            out[name] = {"size": low, "bytes": len(document), "sample": document[:160]}
    return out


# -- attackers (a child process) -------------------------------------------------------------------


async def attack(
    url: str, families: dict[str, int], refused: list[str], seconds: float, connections: int, fresh_clients: bool
) -> dict[str, Any]:
    """Closed-loop keep-alive POSTs of fresh hostile documents (the families in turn); answers per family.

    Each connection is one client (``X-Forwarded-For: 198.51.100.<k>``), or, with ``fresh_clients``, every
    request comes from a new client, so that no per-client budget answers in place of the document's own cost.
    """
    host, port = url.split("//", 1)[1].split(":")
    order = [*families, *refused]
    counts = dict.fromkeys(order, 0)
    over_budget = 0
    errors = 0
    deadline = time.monotonic() + seconds

    def body(name: str) -> bytes:
        document = FAMILIES[name][0](families[name]) if name in families else REFUSED[name]()
        return json.dumps({"query": document}).encode()

    async def worker(offset: int) -> None:
        nonlocal errors, over_budget
        reader, writer = await asyncio.open_connection(host, int(port))
        i = offset
        while time.monotonic() < deadline:
            name = order[i % len(order)]
            i += 1
            payload = body(name)
            client = fresh_ip() if fresh_clients else f"198.51.100.{offset + 1}"
            writer.write(
                f"POST /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                f"X-Forwarded-For: {client}\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n".encode()
                + payload
            )
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                answer = await asyncio.wait_for(reader.readexactly(length), 30)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, StopIteration):
                errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, int(port))
                continue
            counts[name] += 1
            over_budget += b"TOO_MANY_REQUESTS" in answer
        writer.close()

    await asyncio.gather(*(worker(k) for k in range(connections)))
    return {"requests": sum(counts.values()), "per_family": counts, "over_budget": over_budget, "errors": errors}


def run_attackers(
    url: str, families: dict[str, int], refused: list[str], seconds: float, connections: int, fresh_clients: bool
) -> subprocess.Popen[str]:
    """The attackers in their own process, so their client work is not on the victim's event loop."""
    spec = json.dumps(
        {
            "url": url,
            "families": families,
            "refused": refused,
            "seconds": seconds,
            "connections": connections,
            "fresh_clients": fresh_clients,
        }
    )
    return subprocess.Popen(
        [sys.executable, __file__, "--attacker", spec], stdout=subprocess.PIPE, text=True, cwd=c.REPO
    )


def attackers_result(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = process.communicate(timeout=600)
    return json.loads(out.strip().splitlines()[-1])


# -- victim ---------------------------------------------------------------------------------------


async def victim(url: str, seconds: float, interval: float, starts: list[float] | None = None) -> list[float]:
    """Latencies (ms) of the public passwordPolicy query, one keep-alive connection, one request per tick.

    ``starts``, when given, receives each request's send time (s since the first request), for the time series.
    """
    host, port = url.split("//", 1)[1].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    request = (
        f"POST /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(VICTIM)}\r\n\r\n"
    ).encode() + VICTIM
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    next_tick = first = time.monotonic()
    while time.monotonic() < deadline:
        start = time.monotonic()
        if starts is not None:
            starts.append(start - first)
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
        await reader.readexactly(length)
        latencies.append((time.monotonic() - start) * 1000)
        next_tick += interval / 1000
        await asyncio.sleep(max(0.0, next_tick - time.monotonic()))
    writer.close()
    return latencies


def summary(latencies: list[float]) -> dict[str, float]:
    return {
        "n": len(latencies),
        "p50_ms": round(c.percentile(latencies, 50), 2),
        "p99_ms": round(c.percentile(latencies, 99), 2),
        "max_ms": round(max(latencies), 2) if latencies else float("nan"),
    }


def over_time(starts: list[float], latencies: list[float], slice_s: float = 1.0) -> list[dict[str, float]]:
    """The victim's p99 and max per ``slice_s`` window of the run: where in the attack the tail happens."""
    slices: dict[int, list[float]] = {}
    for start, latency in zip(starts, latencies, strict=True):
        slices.setdefault(int(start // slice_s), []).append(latency)
    return [{"from_s": k * slice_s, **summary(v)} for k, v in sorted(slices.items())]


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def busy_cores(before: tuple[float, float], after: tuple[float, float]) -> float:
    """Cores the whole machine kept busy between two readings (others' work on this shared box included)."""
    return round((after[0] - before[0]) / max(1, after[1] - before[1]) * (os.cpu_count() or 1), 2)


def run(args: argparse.Namespace, source: dict[str, Any]) -> int:
    c.install_signal_handlers()
    info = c.machine_info()
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"B4 hostile documents — {info['cpu_model']} ({info['cpus']} CPUs), app: {source['app']}")
    say(
        f"  load average at start {' '.join(info['loadavg_at_start'] or [])}; PARSE_CPU_MS_PER_SECOND={args.parse_budget}"
        + ("" if args.parse_burst is None else f", PARSE_CPU_BURST_MS={args.parse_burst}")
    )
    payload: dict[str, Any] = {"machine": info, "source": source, "args": vars(args)}
    with c.temp_dir("bench-b4-") as work:
        # The bench's clients connect from 127.0.0.1, a trusted proxy: each attacker is seen as its own client.
        env = {"TRUSTED_PROXIES": "127.0.0.1", "PARSE_CPU_MS_PER_SECOND": str(args.parse_budget)}
        if args.parse_burst is not None:
            env["PARSE_CPU_BURST_MS"] = str(args.parse_burst)
        server = c.start_real_app("real", f"sqlite://{work / 'b4.sqlite3'}", work, env=env)
        try:
            url = server.base_url
            calibration = calibrate(url)
            payload["calibration"] = calibration
            for name, found in calibration.items():
                say(f"  largest admitted {name:20s} size={found['size']} ({found.get('bytes')} bytes)")
            families = {name: found["size"] for name, found in calibration.items() if found["size"] is not None}

            cpu0, machine0, t0 = c.cpu_seconds(server.pid), machine_busy(), time.monotonic()
            idle = asyncio.run(victim(url, args.seconds, args.victim_interval))
            idle_cpu = c.cpu_seconds(server.pid) - cpu0
            machine1 = machine_busy()
            victim_cpu_per_request = idle_cpu / max(1, len(idle))
            payload["idle"] = {
                **summary(idle),
                "server_cpu_s": idle_cpu,
                "window_s": time.monotonic() - t0,
                "machine_busy_cores": busy_cores(machine0, machine1),
            }
            say(f"  idle victim: {summary(idle)}; server CPU {victim_cpu_per_request * 1000:.2f} ms per victim request")

            per_family: dict[str, Any] = {}
            for name in [*families, *REFUSED]:
                selected = {name: families[name]} if name in families else {}
                cpu0, busy0 = c.cpu_seconds(server.pid), machine_busy()
                refused = [] if selected else [name]
                process = run_attackers(url, selected, refused, args.family_seconds, args.attackers, True)
                result = attackers_result(process)
                cpu = c.cpu_seconds(server.pid) - cpu0
                busy1 = machine_busy()
                per_request = cpu / max(1, result["requests"])
                per_family[name] = {
                    **result,
                    "server_cpu_s": cpu,
                    "cpu_ms_per_request": per_request * 1000,
                    "machine_busy_cores": busy_cores(busy0, busy1),
                }
                say(
                    f"  {name:28s} {result['requests']:6d} requests, server CPU {per_request * 1000:6.2f} ms per request"
                )
            payload["per_family"] = per_family

            cpu0, busy0, t0 = c.cpu_seconds(server.pid), machine_busy(), time.monotonic()
            process = run_attackers(url, families, [], args.seconds, args.attackers, False)
            time.sleep(0.3)  # the attackers are connected and busy before the victim starts
            starts: list[float] = []
            attacked = asyncio.run(victim(url, args.seconds - 0.6, args.victim_interval, starts))
            result = attackers_result(process)
            cpu = c.cpu_seconds(server.pid) - cpu0
            busy1 = machine_busy()
            attacker_cpu = max(0.0, cpu - victim_cpu_per_request * len(attacked))
            per_request = attacker_cpu / max(1, result["requests"])
            payload["attack"] = {
                "victim": summary(attacked),
                "attackers": result,
                "server_cpu_s": cpu,
                "attacker_cpu_ms_per_request": per_request * 1000,
                "window_s": time.monotonic() - t0,
                "machine_busy_cores": busy_cores(busy0, busy1),
            }
            payload["attack"]["victim_over_time"] = series = over_time(starts, attacked)
            idle_s, attacked_s = summary(idle), summary(attacked)
            target = 2 * idle_s["p99_ms"] + 10
            say(
                f"  under attack: victim {attacked_s}; attackers {result['requests']} requests, "
                f"{per_request * 1000:.2f} ms server CPU per request, {result['over_budget']} refused over budget"
            )
            say("  victim p99 per second of the attack (ms): " + " ".join(f"{s['p99_ms']:.1f}" for s in series))
            worst = max(v["cpu_ms_per_request"] for k, v in per_family.items() if k in families)
            say(
                f"  targets: ≤ 5 ms server CPU per admitted document: worst family {worst:.2f} ms "
                f"({'met' if worst <= 5 else 'missed'}); victim p99 {attacked_s['p99_ms']} ms ≤ 2×{idle_s['p99_ms']}+10 = "
                f"{target:.1f} ms ({'met' if attacked_s['p99_ms'] <= target else 'missed'})"
            )
            say(f"  load average at end {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
        finally:
            server.stop()
    if not args.no_save:
        json_path, _ = c.write_result("b4", payload, "\n".join(lines))
        print(f"saved {json_path}")
    return 0


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--attacker":
        spec = json.loads(sys.argv[2])
        result = asyncio.run(
            attack(
                spec["url"],
                spec["families"],
                spec["refused"],
                spec["seconds"],
                spec["connections"],
                spec["fresh_clients"],
            )
        )
        print(json.dumps(result), flush=True)
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_app_arguments(parser)
    parser.add_argument("--seconds", type=float, default=15.0, help="idle and attack windows")
    parser.add_argument("--family-seconds", type=float, default=4.0, help="window per hostile family")
    parser.add_argument("--attackers", type=int, default=4, help="attacker connections")
    parser.add_argument("--victim-interval", type=float, default=20.0, help="ms between victim requests")
    parser.add_argument(
        "--parse-budget", type=int, default=10, help="the server's PARSE_CPU_MS_PER_SECOND (0: no per-client budget)"
    )
    parser.add_argument(
        "--parse-burst", type=int, default=None, help="the server's PARSE_CPU_BURST_MS (default: the app's default)"
    )
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    return c.run_on_app(args, run)


if __name__ == "__main__":
    raise SystemExit(main())
