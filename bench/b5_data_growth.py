"""B5: cost of the hot requests as the data grows, on SQLite and PostgreSQL, against an empty database in one run.

Per backend: the measured account is signed up on an empty (migrated) database and every hot request is
measured (p50/p99 and server CPU per request, c=1 and c=50); then 100,000 accounts, 1,000,000 sessions
(most ended, some idle past their timeout), 1,000,000 events, counters and API keys are bulk-inserted
(executemany / COPY) and ``ANALYZE`` is run (all × ``--scale``), and the same requests are measured
again. Then a backlog of 100,000 expired sessions (× scale) is added with the sweep running every
second: each pass's duration and a cheap query's p99 meanwhile, against its idle p99. Last, the SQL
of each hot query is recorded in process and its plan printed (EXPLAIN QUERY PLAN on SQLite, EXPLAIN
ANALYZE on PostgreSQL, rolled back), with a ``FAIL`` line for any full scan or sort beyond one account.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as c  # noqa: E402
from bench._bulk import TABLES, Bulk, account_rows, counter_rows, event_rows, session_rows  # noqa: E402
from bench._plans import explain_hot_queries  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
ME = json.dumps({"query": "{ me { id email } }"})
SESSIONS = json.dumps({"query": "{ activeSessions { id lastActiveAt current } }"})
EVENTS = "query($after: String) { securityEvents(first: 20, after: $after) { edges { cursor node { id type } } } }"


def now() -> datetime:
    return datetime.now(UTC)


async def grow(bulk: Bulk, scale: float, measured_account: int) -> dict[str, int]:
    """Insert the big database around the measured account (which also gets a long log, for the deep cursor)."""
    at = now()
    accounts, chunk = int(100_000 * scale), 10_000
    for start in range(0, accounts, chunk):
        await bulk.insert("account", account_rows(min(chunk, accounts - start), start, at))
    ids = [row[0] for row in await bulk.query("SELECT id FROM account WHERE email LIKE 'b5-%'")]
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        await bulk.insert("session", session_rows(part, 10, at))
        await bulk.insert("security_event", event_rows(part, 10, at))
        await bulk.insert("api_key", [(uuid.uuid4(), a, "bench", "wk_b5", uuid.uuid4().hex * 2, at) for a in part[::4]])
    await bulk.insert("security_event", event_rows([measured_account], 1000, at - timedelta(days=1)))
    counters, ips = counter_rows(int(200_000 * scale), at)
    await bulk.insert("attempt_counter", counters)
    await bulk.insert("ip_failure", ips)
    await bulk.insert("ip_sign_up", ips)
    await bulk.analyze()
    counts = {}
    for table in TABLES:
        counts[table] = (await bulk.query(f'SELECT count(*) FROM "{table}"'))[0][0]  # noqa: S608
    return counts


# -- load ----------------------------------------------------------------------------------------------


async def load(port: int, bodies: list[str], token: str, concurrency: int, total: int, pid: int) -> dict[str, Any]:
    """Send ``total`` requests (cycling ``bodies``) over ``concurrency`` connections; latency and server CPU each."""
    latencies: list[float] = []
    queue = list(range(total))
    headers = {"Authorization": f"Bearer {token}"}

    async def worker() -> None:
        http = c.RawHttp(port)
        try:
            while queue:
                n = queue.pop()
                started = time.perf_counter()
                status, body = await http.request("POST", "/graphql", bodies[n % len(bodies)].encode(), headers)
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 200 or b'"errors"' in body:
                    raise RuntimeError(f"{status}: {body[:300]!r}")
        finally:
            await http.close()

    cpu = c.cpu_seconds(pid)
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result = c.dist(latencies)
    result["cpu_ms_per_request"] = (c.cpu_seconds(pid) - cpu) * 1000 / total
    return result


def operation_bodies(base_url: str, email: str, token: str, sessions: int) -> dict[str, list[str]]:
    """The request bodies of each measured operation (revokes of fresh sessions, sign-ins of the account)."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        edges = c.gql(client, "{ securityEvents(first: 100) { edges { cursor } } }", token=token)
        deep = edges["securityEvents"]["edges"][-1]["cursor"]
    doomed = _sign_ins(base_url, email, sessions)
    sign_in = {"query": c.SIGN_IN, "variables": {"email": email, "password": c.PASSWORD}}
    return {
        "me": [ME],
        "activeSessions": [SESSIONS],
        "securityEvents first": [json.dumps({"query": EVENTS})],
        "securityEvents deep": [json.dumps({"query": EVENTS, "variables": {"after": deep}})],
        "signIn": [json.dumps(sign_in)],
        "revokeSession": [json.dumps({"query": c.REVOKE, "variables": {"id": sid}}) for sid in doomed],
    }


def _same_sessions(base_url: str, email: str, token: str) -> None:
    """The measured account back to its requester's session plus 4 others, whatever earlier rounds signed in."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        c.gql(client, "mutation { revokeAllOtherSessions { __typename } }", token=token)
    _sign_ins(base_url, email, 4)


def _sign_ins(base_url: str, email: str, count: int) -> list[str]:
    ids = []
    with httpx.Client(base_url=base_url, timeout=60) as client:
        for _ in range(count):
            data = c.gql(client, c.SIGN_IN, {"email": email, "password": c.PASSWORD})["signIn"]
            ids.append(data["session"]["id"])
    return ids


async def measure_requests(server: c.Server, email: str, token: str, requests: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for concurrency in (1, 50):
        _same_sessions(server.base_url, email, token)
        total = max(requests, concurrency * 4)
        bodies = operation_bodies(server.base_url, email, token, total)
        for name, options in bodies.items():
            out[f"{name} c={concurrency}"] = await load(server.port, options, token, concurrency, total, server.pid)
    return out


# -- the sweep -------------------------------------------------------------------------------------------


async def cheap_latencies(port: int, seconds: float, out: list[float] | None = None) -> list[float]:
    """``passwordPolicy`` latencies (appended to ``out``), one request every 20 ms for ``seconds``."""
    http, out = c.RawHttp(port), [] if out is None else out
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            await http.request("POST", "/graphql", c.PASSWORD_POLICY)
            out.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.02)
    finally:
        await http.close()
    return out


def sweep_metrics(server: c.Server) -> tuple[float, float]:
    """(count, sum in seconds) of the server's sweep passes so far."""
    page = httpx.get(f"{server.base_url}/metrics", timeout=10).text
    values = {}
    for line in page.splitlines():
        if line.startswith("workestra_sweep_duration_seconds_"):
            name, _, value = line.partition(" ")
            values[name] = float(value)
    return values.get("workestra_sweep_duration_seconds_count", 0.0), values.get(
        "workestra_sweep_duration_seconds_sum", 0.0
    )


async def first_sweep_done(server: c.Server, timeout: float = 300) -> None:
    """Wait for the grown database's first sweep (its prunes of the seeded counters) to end, then measure."""
    deadline = time.monotonic() + timeout
    while not sweep_metrics(server)[0] and time.monotonic() < deadline:
        await asyncio.sleep(0.5)


async def measure_sweep(server: c.Server, bulk: Bulk, scale: float, timeout: float) -> dict[str, Any]:
    """A cheap query's p99 idle, then while the sweep ends a backlog of expired sessions; the passes' durations."""
    idle = await cheap_latencies(server.port, 5)
    backlog = int(100_000 * scale)
    accounts = await bulk.query(f"SELECT id FROM account WHERE email LIKE 'b5-%' LIMIT {backlog}")  # noqa: S608
    await bulk.insert("session", session_rows([row[0] for row in accounts], 1, now(), expired=True))
    count, total = sweep_metrics(server)
    started = time.monotonic()
    # The probe runs for the whole drain, beside the polls of what is left.
    during: list[float] = []
    probe = asyncio.create_task(cheap_latencies(server.port, timeout, during))
    remaining = backlog
    while remaining and time.monotonic() - started < timeout:
        await asyncio.sleep(1)
        remaining = (await bulk.query(backlog_left_sql()))[0][0]
    drained = time.monotonic() - started
    # The pass that ended the last of them is counted when it returns.
    while sweep_metrics(server)[0] <= count and time.monotonic() - started < timeout:
        await asyncio.sleep(0.2)
    probe.cancel()
    await asyncio.gather(probe, return_exceptions=True)
    passes, spent = sweep_metrics(server)
    n = passes - count
    return {
        "backlog": backlog,
        "left_after": remaining,
        "drained_seconds": drained,
        "passes": n,
        "seconds_per_pass": (spent - total) / n if n else None,
        "idle": c.dist(idle),
        "during": c.dist(during),
    }


def backlog_left_sql() -> str:
    """Count the backlog sessions not yet ended."""
    # By the sweep's own index (live WEB sessions idle past a cutoff): counting it costs the backlog, not the table.
    cutoff = (now() - timedelta(days=7, hours=12)).isoformat(" ")
    return f"SELECT count(*) FROM session WHERE ended_at IS NULL AND client = 'WEB' AND last_active_at <= '{cutoff}'"  # noqa: S608


# -- one backend ----------------------------------------------------------------------------------------


async def run_backend(name: str, url: str, work: Path, args: argparse.Namespace, out: list[str]) -> dict[str, Any]:
    env = {"SESSION_SWEEP_INTERVAL": "1", "METRICS_ALLOWED_IPS": "127.0.0.1", "SIGNUP_IP_LIMIT": "100000"}
    bulk = Bulk(url)
    result: dict[str, Any] = {"backend": name}
    server = c.start_real_app(f"b5-{name}-empty", url, work, env=env)
    try:
        email = f"measured-{uuid.uuid4().hex[:8]}@example.com"
        _, token = c.open_sessions(server.base_url, email, 5)[0]
        result["empty"] = await measure_requests(server, email, token, args.requests)
    finally:
        server.stop()
    account = (await bulk.query(f"SELECT id FROM account WHERE email = '{email}'"))[0][0]  # noqa: S608 (our own value)
    started = time.monotonic()
    result["rows"] = await grow(bulk, args.scale, account)
    result["grow_seconds"] = time.monotonic() - started
    out.append(f"[{name}] grown in {result['grow_seconds']:.0f} s: {result['rows']}")
    server = c.start_real_app(f"b5-{name}-grown", url, work, env=env)
    try:
        await first_sweep_done(server)
        result["grown"] = await measure_requests(server, email, token, args.requests)
        result["sweep"] = await measure_sweep(server, bulk, args.scale, args.sweep_timeout)
    finally:
        server.stop()
    out += _summary(name, result)
    print("\n".join(out), flush=True)
    plans = await explain_hot_queries(url, token)
    print("\n".join(plans), flush=True)
    result["plans"] = plans
    out += plans
    return result


def _summary(name: str, result: dict[str, Any]) -> list[str]:
    lines = [f"[{name}] operation: empty p50/p99 ms (cpu ms) -> grown p50/p99 ms (cpu ms), p50 ratio"]
    for op, empty in result["empty"].items():
        grown = result["grown"][op]
        ratio = grown["p50"] / empty["p50"] if empty["p50"] else float("nan")
        lines.append(
            f"  {op:28} {empty['p50']:7.2f}/{empty['p99']:7.2f} ({empty['cpu_ms_per_request']:.2f})"
            f" -> {grown['p50']:7.2f}/{grown['p99']:7.2f} ({grown['cpu_ms_per_request']:.2f})  x{ratio:.2f}"
        )
    sweep = result["sweep"]
    lines.append(
        f"  sweep: backlog {sweep['backlog']} drained in {sweep['drained_seconds']:.1f} s ({sweep['left_after']} left),"
        f" {sweep['passes']} passes, {sweep['seconds_per_pass'] or 0:.3f} s per pass;"
        f" cheap query idle {c.fmt_dist(sweep['idle'])}; during {c.fmt_dist(sweep['during'])}"
    )
    return lines


async def postgres_database() -> tuple[str, str]:
    name = f"b5_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", name


async def drop_postgres(name: str) -> None:
    admin = await asyncpg.connect(PG_ADMIN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def main_async(args: argparse.Namespace) -> int:
    texts = [f"B5 data growth, scale {args.scale}, load average {os.getloadavg()}"]
    print(texts[0], flush=True)
    results = []
    with c.temp_dir("b5-") as work:
        for backend in args.backends.split(","):
            lines: list[str] = []
            if backend == "sqlite":
                results.append(await run_backend("sqlite", f"sqlite://{work / 'b5.sqlite3'}", work, args, lines))
            else:
                url, name = await postgres_database()
                try:
                    results.append(await run_backend("postgres", url, work, args, lines))
                finally:
                    await drop_postgres(name)
            texts += lines
    texts.append(f"load average after: {os.getloadavg()}")
    print(texts[-1])
    text = "\n".join(texts)
    if not args.no_save:
        payload = {"machine": c.machine_info(), "args": vars(args), "results": results}
        print("saved", *c.write_result("b5", payload, text))
    return 1 if "\nFAIL" in text else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 100,000 accounts / 1 M rows")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=200, help="requests per operation and concurrency")
    parser.add_argument("--sweep-timeout", type=float, default=120)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    c.raise_nofile_limit()
    c.install_signal_handlers()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
