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
from bench._bulk import (  # noqa: E402
    TABLES,
    Bulk,
    account_rows,
    counter_rows,
    device_rows,
    event_rows,
    reset_rows,
    session_rows,
    setup_code_rows,
    two_factor_rows,
)
from bench._plans import explain_hot_queries  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
ME = json.dumps({"query": "{ me { id email } }"})
SESSIONS = json.dumps({"query": "{ activeSessions { id lastActiveAt current } }"})
EVENTS = "query($after: String) { securityEvents(first: 20, after: $after) { edges { cursor node { id type } } } }"


def now() -> datetime:
    return datetime.now(UTC)


async def grow(bulk: Bulk, scale: float) -> dict[str, int]:
    """Insert the big database around the measured account (whose long log the empty database has already)."""
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
        await bulk.insert("known_device", device_rows(part, at))
        links, requests = reset_rows(part, at)
        await bulk.insert("password_reset_token", links)
        await bulk.insert("reset_request", requests)
        codes, setups, challenges = two_factor_rows(part, at)
        await bulk.insert("backup_code", codes)
        await bulk.insert("totp_setup", setups)
        await bulk.insert("sign_in_challenge", challenges)
    setups = await bulk.query("SELECT id, account_id FROM totp_setup")
    for start in range(0, len(setups), chunk):
        await bulk.insert("backup_code", setup_code_rows(setups[start : start + chunk], at))
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


async def load(
    server: c.Server, bodies: list[str], token: str, concurrency: int, total: int, profile: dict[str, Any] | None
) -> dict[str, Any]:
    """Send ``total`` requests (cycling ``bodies``) over ``concurrency`` connections; latency and server CPU each.

    Also what the sweep spent meanwhile (it runs in the server, so its CPU is in the figure); with
    ``profile`` (``py_spy``, ``label``), py-spy records the server for the window.
    """
    latencies: list[float] = []
    queue = list(range(total))
    headers = {"Authorization": f"Bearer {token}"}

    async def worker() -> None:
        http = c.RawHttp(server.port)
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

    profiler = c.start_profiler("b5", profile["label"], server.pid, profile) if profile else None
    passes, swept = sweep_metrics(server)
    cpu, started = c.cpu_seconds(server.pid), time.monotonic()
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        cpu, seconds = c.cpu_seconds(server.pid) - cpu, time.monotonic() - started
        profiled = c.stop_profiler(profiler)
    after, swept_after = sweep_metrics(server)
    result = c.dist(latencies)
    result["cpu_ms_per_request"] = cpu * 1000 / total
    result["seconds"] = seconds
    result["sweep_passes"] = after - passes
    result["sweep_ms_per_request"] = (swept_after - swept) * 1000 / total
    result["sweep_ms_per_pass"] = (swept_after - swept) * 1000 / (after - passes) if after > passes else None
    if profiled:
        result["profile"] = profiled
    return result


READS = {
    "me": ME,
    "activeSessions": SESSIONS,
    "securityEvents first": json.dumps({"query": EVENTS}),
}


def read_bodies(base_url: str, token: str) -> tuple[dict[str, str], dict[str, int]]:
    """The bodies of the read operations, and how many rows each returns (a deep cursor whose page is full)."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        edges = c.gql(client, "{ securityEvents(first: 100) { edges { cursor } } }", token=token)
        deep = edges["securityEvents"]["edges"][-1]["cursor"]
        bodies = dict(READS, **{"securityEvents deep": json.dumps({"query": EVENTS, "variables": {"after": deep}})})
        rows = {}
        for name, body in bodies.items():
            data = c.gql(client, **_query(body), token=token)
            rows[name] = _row_count(data)
    return bodies, rows


def _query(body: str) -> dict[str, Any]:
    parsed = json.loads(body)
    return {"query": parsed["query"], "variables": parsed.get("variables")}


def _row_count(data: dict[str, Any]) -> int:
    if "activeSessions" in data:
        return len(data["activeSessions"])
    if "securityEvents" in data:
        return len(data["securityEvents"]["edges"])
    return 1


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


# Accounts signing in at once in the c=50 sign-in window, one per connection.
SIGNERS = 50

OUTBOX_PENDING_SQL = "SELECT count(*) FROM outbox_message WHERE sent_at IS NULL AND failed_at IS NULL"


async def outbox_drained(bulk: Bulk, timeout: float = 120) -> None:
    """Wait until the mail sender has sent every queued mail (each sign-in queues a new-device alert).

    The sender runs in the server: a window measured while it composes mails would count its CPU.
    """
    deadline = time.monotonic() + timeout
    while (await bulk.query(OUTBOX_PENDING_SQL))[0][0] and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(0.3)  # the last mail's "sent" write and the sender's return to its wait


async def measure_requests(
    server: c.Server,
    bulk: Bulk,
    email: str,
    token: str,
    signers: list[str],
    args: argparse.Namespace,
    label: str,
) -> dict[str, Any]:
    """Each operation on the work it names: the reads on the account of 5 sessions, revokes of fresh sessions,
    sign-ins of as many accounts as connections (``signers``, the measured account first).

    Each window starts with the outbox empty, so no earlier sign-in's alert mail is composed inside it.
    """
    out: dict[str, Any] = {}
    rows: dict[str, int] = {}
    await outbox_drained(bulk)
    out["idle"] = await idle_cost(server, bulk)
    for concurrency in (1, 50):
        total = max(args.requests, concurrency * 4)

        def profile(name: str, concurrency: int = concurrency) -> dict[str, Any] | None:
            if not args.py_spy or concurrency != 50:
                return None
            return {"py_spy": args.py_spy, "label": f"{label} {name} c{concurrency}"}

        _same_sessions(server.base_url, email, token)
        bodies, counts = read_bodies(server.base_url, token)
        for name, body in bodies.items():
            key = f"{name} c={concurrency}"
            rows[key] = counts[name]
            await outbox_drained(bulk)
            out[key] = await load(server, [body], token, concurrency, total, profile(name))
        # One person per connection: 50 sign-ins of one email at once would measure the wait for its claim.
        sign_ins = [
            json.dumps({"query": c.SIGN_IN, "variables": {"email": signer, "password": c.PASSWORD}})
            for signer in signers[:concurrency]
        ]
        await outbox_drained(bulk)
        out[f"signIn c={concurrency}"] = await load(server, sign_ins, token, concurrency, total, profile("signIn"))
        # Fresh sessions to revoke, beside the same 5, signed in just before (their alert mails sent first).
        _same_sessions(server.base_url, email, token)
        doomed = [
            json.dumps({"query": c.REVOKE, "variables": {"id": sid}})
            for sid in _sign_ins(server.base_url, email, total)
        ]
        await outbox_drained(bulk)
        out[f"revokeSession c={concurrency}"] = await load(
            server, doomed, token, concurrency, total, profile("revokeSession")
        )
    out["rows"] = rows
    return out


async def idle_cost(server: c.Server, bulk: Bulk, seconds: float = 5) -> dict[str, float]:
    """The server's CPU per second with no request (the sweep every second, the metrics refresh, the mail
    sender's polls) and its sweep passes meanwhile: what the background adds to every window."""
    passes, swept = sweep_metrics(server)
    cpu = c.cpu_seconds(server.pid)
    await asyncio.sleep(seconds)
    cpu = c.cpu_seconds(server.pid) - cpu
    after, swept_after = sweep_metrics(server)
    return {
        "cpu_ms_per_second": cpu * 1000 / seconds,
        "sweep_passes": after - passes,
        "sweep_ms_per_pass": (swept_after - swept) * 1000 / (after - passes) if after > passes else 0.0,
    }


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
        account = (await bulk.query(f"SELECT id FROM account WHERE email = '{email}'"))[0][0]  # noqa: S608 (ours)
        # "Empty" is one account with its own history: the same long log it has on the grown database.
        await bulk.insert("security_event", event_rows([account], 1000, now() - timedelta(days=1)))
        # Besides it, the people who sign in at c=50, one per connection (on both databases).
        signers = [email] + [f"signer{n}-{email}" for n in range(1, SIGNERS)]
        for signer in signers[1:]:
            c.open_sessions(server.base_url, signer, 1)
        result["empty"] = await measure_requests(server, bulk, email, token, signers, args, "empty")
    finally:
        server.stop()
    started = time.monotonic()
    result["rows"] = await grow(bulk, args.scale)
    result["grow_seconds"] = time.monotonic() - started
    out.append(f"[{name}] grown in {result['grow_seconds']:.0f} s: {result['rows']}")
    # The grown server once, or once per SQLite cache size alternating a, b, b, a, ... (same database, same run).
    caches = cache_sizes(args) if name == "sqlite" else [None]
    result["grown_runs"] = []
    server = None
    try:
        for n, cache in enumerate(caches):
            grown_env = env if cache is None else dict(env, SQLITE_CACHE_MIB=str(cache))
            label = "grown" if cache is None else f"grown cache={cache}MiB"
            server = c.start_real_app(f"b5-{name}-grown-{n}", url, work, env=grown_env)
            await first_sweep_done(server)
            measured = await measure_requests(server, bulk, email, token, signers, args, label)
            result["grown_runs"].append({"label": label, "cache_mib": cache, "requests": measured})
            if n < len(caches) - 1:
                server.stop()
        result["grown"] = result["grown_runs"][0]["requests"]
        assert server is not None
        result["sweep"] = await measure_sweep(server, bulk, args.scale, args.sweep_timeout)
    finally:
        if server is not None:
            server.stop()
    out += _summary(name, result)
    print("\n".join(out), flush=True)
    plans = await explain_hot_queries(url, token)
    print("\n".join(plans), flush=True)
    result["plans"] = plans
    out += plans
    return result


def cache_sizes(args: argparse.Namespace) -> list[int | None]:
    """The SQLite cache sizes of the grown runs: ``--sqlite-cache-ab A,B`` as A, B, B, A, ... (``--ab-rounds``)."""
    if not args.sqlite_cache_ab:
        return [None]
    first, second = (int(v) for v in args.sqlite_cache_ab.split(","))
    pairs = [(first, second) if n % 2 == 0 else (second, first) for n in range(args.ab_rounds)]
    return [size for pair in pairs for size in pair]


def _summary(name: str, result: dict[str, Any]) -> list[str]:
    empty_run = result["empty"]
    lines = []
    for run in result["grown_runs"]:
        grown_run = run["requests"]
        lines.append(
            f"[{name}] operation: empty p50/p99 ms (cpu ms, sweep ms) -> {run['label']} p50/p99 ms"
            " (cpu ms, sweep ms), p50 ratio; rows empty/grown"
        )
        for op, empty in empty_run.items():
            if op in ("rows", "idle"):
                continue
            grown = grown_run[op]
            ratio = grown["p50"] / empty["p50"] if empty["p50"] else float("nan")
            rows = f"  rows {empty_run['rows'][op]}/{grown_run['rows'][op]}" if op in empty_run["rows"] else ""
            if rows and empty_run["rows"][op] != grown_run["rows"][op]:
                rows += "  UNLIKE: the two windows return different row counts"
            lines.append(
                f"  {op:28} {empty['p50']:7.2f}/{empty['p99']:7.2f} ({_cpu(empty)})"
                f" -> {grown['p50']:7.2f}/{grown['p99']:7.2f} ({_cpu(grown)})  x{ratio:.2f}{rows}"
            )
    for label, run in [("empty", empty_run)] + [(r["label"], r["requests"]) for r in result["grown_runs"]]:
        lines.append(f"  sweep passes inside the windows, {label}: {_sweep_share(run)}")
    sweep = result["sweep"]
    lines.append(
        f"  sweep: backlog {sweep['backlog']} drained in {sweep['drained_seconds']:.1f} s ({sweep['left_after']} left),"
        f" {sweep['passes']} passes, {sweep['seconds_per_pass'] or 0:.3f} s per pass;"
        f" cheap query idle {c.fmt_dist(sweep['idle'])}; during {c.fmt_dist(sweep['during'])}"
    )
    return lines


def _sweep_share(run: dict[str, Any]) -> str:
    """How many sweep passes ended inside the measured windows and their mean duration (wall time)."""
    windows = [w for op, w in run.items() if op not in ("rows", "idle")]
    passes = sum(w["sweep_passes"] for w in windows)
    spent = sum(w["sweep_ms_per_request"] * w["n"] for w in windows)
    seconds = sum(w["seconds"] for w in windows)
    mean = f"{spent / passes:.1f} ms each" if passes else "none"
    idle = run["idle"]
    return (
        f"{passes:.0f} in {seconds:.1f} s of windows, {mean}; idle server: {idle['cpu_ms_per_second']:.1f} ms"
        f" of CPU per second, {idle['sweep_passes']:.0f} passes of {idle['sweep_ms_per_pass']:.1f} ms"
    )


def _cpu(window: dict[str, Any]) -> str:
    return f"{window['cpu_ms_per_request']:.2f}, {window['sweep_ms_per_request']:.2f}"


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
    parser.add_argument(
        "--sqlite-cache-ab",
        default=None,
        help="A,B: run the grown SQLite server with SQLITE_CACHE_MIB=A and =B alternately (A, B, B, A, ...)",
    )
    parser.add_argument("--ab-rounds", type=int, default=2, help="pairs of grown runs with --sqlite-cache-ab")
    parser.add_argument("--py-spy", default=None, help="py-spy binary: profile the server's c=50 windows")
    args = parser.parse_args()
    c.raise_nofile_limit()
    c.install_signal_handlers()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
