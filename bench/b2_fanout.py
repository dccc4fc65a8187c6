"""B2: subscription fan-out latency and idle memory per socket, real app vs a bare Starlette fan-out.

For each scenario, a fresh real server (``python -m workestra serve``: uvicorn, 1 worker, --loop asyncio,
SQLite temp file, BROADCAST_URL=memory://) and then a fresh bare server (``bench/bare_ws.py``):

* one account with 6 MOBILE sessions: S0–S4 carry the sockets (socket i uses session i mod 5), S5 is a
  spare "trigger" session no socket uses;
* N sockets (graphql-transport-ws: connection_init with the Bearer token → ack → subscribe
  ``subscription { activeSessions { id current lastActiveAt } }`` → first ``next``), opened 50 at a time;
* server VmRSS before opening and after all sockets are subscribed and idle → KB per socket;
* R rounds, each one change of the account's sessions made over HTTP by the same client process:
  even rounds ``signIn`` a NEW session, odd rounds ``revokeSession`` that new session (authenticated as S5),
  so the list alternates 7/6 sessions and no socket's own session ends. Latency per subscriber =
  monotonic time its ``next`` arrives − monotonic time the mutation's HTTP response arrived (negative when
  the push beats the response). The bare server gets ``POST /trigger`` instead and sends every socket a
  ``next`` captured from the real app (the largest one socket 0 received) with one ``asyncio.gather``.

Client and servers share the machine's cores; the client's own receive work is inside the numbers. The
client offers permessage-deflate like browsers do (``--no-compression`` to turn it off).

    .venv/bin/python bench/b2_fanout.py --app-ref HEAD    # both scenarios, ~1 minute, the committed app
    .venv/bin/python bench/b2_fanout.py --app-ref HEAD --no-compression
    .venv/bin/python bench/b2_fanout.py --only 10 --rounds-small 40 --no-save

``--subs-per-socket K`` makes every socket run K subscriptions (ids 1…K) of the same document, as one account
at its caps would (sockets × subscriptions per socket); a socket's round ends with its K-th ``next``, and
the bare baseline (one ``next`` per socket) is not run. The per-event cost at the caps:

    .venv/bin/python bench/b2_fanout.py --app-ref HEAD --only 10 --subs-per-socket 10   # 100 subscriptions
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c  # noqa: E402

SUBSCRIPTION = "subscription { activeSessions { id current lastActiveAt } }"
SOCKET_SESSIONS = 5
OPEN_CONCURRENCY = 50
# The largest N a scenario accepts (the open-files limit is raised for the client and the servers).
MAX_SOCKETS = 15_000
# ``--py-spy PATH``: the py-spy binary that records each server during its rounds (None: no profile).
PROFILER: dict[str, Any] = {}


# -- client side -------------------------------------------------------------------------------


@dataclass(eq=False)
class Sub:
    index: int
    ws: ClientConnection
    times: list[float] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    hit: bool = False
    close_code: int | None = None
    first_text: str = ""
    task: asyncio.Task[None] | None = None
    # Messages this round, and how many end it (one per subscription of the socket).
    got: int = 0
    expected: int = 1


class RoundState:
    def __init__(self) -> None:
        self.waiting = False
        self.pending = 0
        self.done = asyncio.Event()


async def _reader(sub: Sub, state: RoundState) -> None:
    try:
        async for message in sub.ws:
            now = time.monotonic()
            sub.times.append(now)
            sub.texts.append(message if isinstance(message, str) else message.decode())
            if state.waiting and not sub.hit:
                sub.got += 1
                if sub.got < sub.expected:
                    continue
                sub.hit = True
                state.pending -= 1
                if state.pending <= 0:
                    state.done.set()
    except ConnectionClosed:
        pass
    finally:
        sub.close_code = sub.ws.close_code


async def _recv_json(ws: ClientConnection, timeout: float) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def open_sub(
    url: str, token: str, index: int, state: RoundState, compression: str | None, subs_per_socket: int = 1
) -> Sub:
    ws = await connect(
        url,
        subprotocols=["graphql-transport-ws"],
        compression=compression,
        open_timeout=30,
        ping_interval=None,
        close_timeout=5,
        max_size=2**20,
    )
    try:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
        ack = await _recv_json(ws, 30)
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"socket {index}: expected connection_ack, got {ack}")
        for op in range(1, subs_per_socket + 1):
            await ws.send(json.dumps({"id": str(op), "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
            first = await _recv_json(ws, 30)
            if first.get("type") != "next":
                raise RuntimeError(f"socket {index}: expected the first next, got {json.dumps(first)[:500]}")
    except BaseException:
        await ws.close()
        raise
    sub = Sub(index, ws, first_text=json.dumps(first, separators=(",", ":")), expected=subs_per_socket)
    sub.task = asyncio.create_task(_reader(sub, state))
    return sub


async def open_all(
    url: str, tokens: list[str], n: int, state: RoundState, compression: str | None, subs_per_socket: int = 1
) -> list[Sub]:
    gate = asyncio.Semaphore(OPEN_CONCURRENCY)

    async def one(i: int) -> Sub:
        async with gate:
            return await open_sub(url, tokens[i % len(tokens)], i, state, compression, subs_per_socket)

    results = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
    subs = [r for r in results if isinstance(r, Sub)]
    failures = [r for r in results if not isinstance(r, Sub)]
    if failures:
        await close_all(subs)
        raise RuntimeError(f"{len(failures)} of {n} sockets failed to open; first: {failures[0]!r}")
    return subs


async def close_all(subs: list[Sub]) -> None:
    gate = asyncio.Semaphore(100)

    async def one(sub: Sub) -> None:
        async with gate:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sub.ws.close(), 10)
        if sub.task is not None:
            sub.task.cancel()

    await asyncio.gather(*(one(s) for s in subs), return_exceptions=True)


class RawHttp:
    """One keep-alive HTTP/1.1 connection with as little client work as possible (timed path)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        reused = self.writer is not None
        try:
            return await self._post(path, body, headers)
        except (ConnectionError, asyncio.IncompleteReadError):
            if not reused:
                raise
            # The server closed the kept-alive connection while it idled (uvicorn's keep-alive timeout is 5 s,
            # which a round at 10,000 sockets on a busy machine outlasts): the request never reached it.
            await self.close()
            return await self._post(path, body, headers)

    async def _post(self, path: str, body: bytes, headers: dict[str, str] | None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n"
        )
        self.writer.write(head.encode() + body)
        assert self.reader is not None
        raw = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 30)
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
            if name.strip().lower() == "transfer-encoding":
                raise RuntimeError("chunked responses are not supported by this tiny client")
        data = await asyncio.wait_for(self.reader.readexactly(length or 0), 30)
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
            self.writer = None


# -- triggers ----------------------------------------------------------------------------------


class RealTrigger:
    """Alternates signIn (a new session) and revokeSession (that session, as the spare session S5)."""

    def __init__(self, port: int, email: str, spare_token: str) -> None:
        self.http = RawHttp(port)
        self.email = email
        self.spare_token = spare_token
        self.new_session: str | None = None
        self.problems: list[str] = []

    async def fire(self, round_no: int) -> tuple[str, int, bytes]:
        if self.new_session is None:
            body = json.dumps({"query": c.SIGN_IN, "variables": {"email": self.email, "password": c.PASSWORD}})
            status, data = await self.http.post("/graphql", body.encode(), {"User-Agent": "bench-b2-trigger/1.0"})
            kind = "signIn"
            with contextlib.suppress(Exception):
                self.new_session = json.loads(data)["data"]["signIn"]["session"]["id"]
        else:
            body = json.dumps({"query": c.REVOKE, "variables": {"id": self.new_session}})
            status, data = await self.http.post(
                "/graphql", body.encode(), {"Authorization": f"Bearer {self.spare_token}"}
            )
            kind = "revokeSession"
            self.new_session = None
        if status != 200 or b'"errors"' in data or (b"SignedIn" not in data and b"SessionRevoked" not in data):
            self.problems.append(f"round {round_no} {kind}: HTTP {status} {data[:500]!r}")
        return kind, status, data


class BareTrigger:
    def __init__(self, port: int) -> None:
        self.http = RawHttp(port)
        self.problems: list[str] = []

    async def fire(self, round_no: int) -> tuple[str, int, bytes]:
        status, data = await self.http.post("/trigger", b"{}")
        if status != 200:
            self.problems.append(f"round {round_no} trigger: HTTP {status} {data[:500]!r}")
        return "trigger", status, data


# -- one scenario on one server ----------------------------------------------------------------


async def run_on_server(
    label: str,
    server: c.Server,
    tokens: list[str],
    n: int,
    rounds: int,
    gap: float,
    idle: float,
    trigger: RealTrigger | BareTrigger,
    compression: str | None,
    subs_per_socket: int = 1,
) -> dict[str, Any]:
    state = RoundState()
    ws_url = f"ws://127.0.0.1:{server.port}/graphql"
    await asyncio.sleep(1.0)
    rss_before = c.vm_rss_kb(server.pid)
    t_open = time.monotonic()
    open_timeout = 240 + n * subs_per_socket * 0.05
    subs = await asyncio.wait_for(open_all(ws_url, tokens, n, state, compression, subs_per_socket), open_timeout)
    open_seconds = time.monotonic() - t_open
    await asyncio.sleep(idle)
    rss_after = c.vm_rss_kb(server.pid)
    result: dict[str, Any] = {
        "label": label,
        "n": n,
        "subs_per_socket": subs_per_socket,
        "rounds": rounds,
        "open_seconds": open_seconds,
        "rss_before_kb": rss_before,
        "rss_after_kb": rss_after,
        "rss_per_socket_kb": (rss_after - rss_before) / n,
    }
    latencies: list[float] = []
    from_send: list[float] = []
    per_round: list[dict[str, Any]] = []
    round_timeout = 10.0 + n * 0.03
    profiler = c.start_profiler("b2", label, server.pid, PROFILER)
    try:
        for r in range(rounds):
            await asyncio.sleep(gap)
            before = [len(s.times) for s in subs]
            for s in subs:
                s.hit = s.close_code is not None
                s.got = 0
            state.pending = sum(1 for s in subs if not s.hit)
            state.done.clear()
            state.waiting = True
            cpu0 = c.cpu_seconds(server.pid)
            t_send = time.monotonic()
            kind, status, _ = await trigger.fire(r)
            t_resp = time.monotonic()
            timed_out = False
            try:
                await asyncio.wait_for(state.done.wait(), round_timeout)
            except TimeoutError:
                timed_out = True
            state.waiting = False
            cpu1 = c.cpu_seconds(server.pid)
            lat = []
            for s, k in zip(subs, before, strict=True):
                # A socket has its answer when the last of its subscriptions has (the first, for one).
                k += subs_per_socket - 1
                if len(s.times) > k:
                    lat.append((s.times[k] - t_resp) * 1000)
                    from_send.append((s.times[k] - t_send) * 1000)
            latencies.extend(lat)
            per_round.append(
                {
                    "round": r + 1,
                    "kind": kind,
                    "status": status,
                    "mutation_rtt_ms": (t_resp - t_send) * 1000,
                    "received": len(lat),
                    "timed_out": timed_out,
                    "p50_ms": c.percentile(lat, 50),
                    "max_ms": max(lat) if lat else None,
                    "min_ms": min(lat) if lat else None,
                    "server_cpu_ms": (cpu1 - cpu0) * 1000,
                }
            )
        await asyncio.sleep(gap)
        result["profile"] = c.stop_profiler(profiler)
        # The first `next` is read while opening; afterwards exactly one per round is expected.
        extra = sum(max(0, len(s.times) - rounds * subs_per_socket) for s in subs)
        closed = {s.index: s.close_code for s in subs if s.close_code is not None}
        result.update(
            {
                "latency_ms": {
                    "p50": c.percentile(latencies, 50),
                    "p99": c.percentile(latencies, 99),
                    "max": max(latencies) if latencies else None,
                    "min": min(latencies) if latencies else None,
                    "mean": statistics.fmean(latencies) if latencies else None,
                    "samples": len(latencies),
                    "negative": sum(1 for x in latencies if x < 0),
                },
                "latency_from_send_ms": {
                    "p50": c.percentile(from_send, 50),
                    "p99": c.percentile(from_send, 99),
                    "max": max(from_send) if from_send else None,
                },
                "last_socket_ms": {
                    "median": statistics.median([x["max_ms"] for x in per_round if x["max_ms"] is not None] or [0]),
                    "max": max((x["max_ms"] for x in per_round if x["max_ms"] is not None), default=None),
                },
                "mutation_rtt_ms_median": statistics.median([x["mutation_rtt_ms"] for x in per_round]),
                # /proc counts in 10 ms ticks: the mean over rounds is the usable figure (mutation included).
                "server_cpu_ms_per_event": statistics.fmean([x["server_cpu_ms"] for x in per_round]),
                "server_cpu_us_per_socket_event": statistics.fmean([x["server_cpu_ms"] for x in per_round]) * 1000 / n,
                "server_cpu_us_per_subscription_event": statistics.fmean([x["server_cpu_ms"] for x in per_round])
                * 1000
                / (n * subs_per_socket),
                "per_round": per_round,
                "missing": sum(n - x["received"] for x in per_round),
                "extra_messages": extra,
                "closed_sockets": closed,
                "trigger_problems": trigger.problems,
            }
        )
        # The payload for the bare server: the largest `next` socket 0 received during the rounds.
        result["captured_next"] = max(subs[0].texts, key=len) if subs[0].texts else subs[0].first_text
        result["next_sizes"] = sorted({len(t) for t in subs[0].texts})
        with contextlib.suppress(Exception):
            result["sessions_per_next_socket0"] = [
                len(json.loads(t)["payload"]["data"]["activeSessions"]) for t in subs[0].texts
            ]
    finally:
        await trigger.http.close()
        await close_all(subs)
    return result


async def scenario(
    n: int, rounds: int, gap: float, idle: float, compression: str | None, say, subs_per_socket: int = 1
) -> dict[str, Any]:
    out: dict[str, Any] = {"n": n, "rounds": rounds, "subs_per_socket": subs_per_socket}
    with c.temp_dir(f"bench-b2-{n}-") as work:
        try:
            db = work / "real.sqlite3"
            real = c.start_real_app(f"real-{n}", f"sqlite://{db}", work)
            email = f"bench-b2-{n}@example.com"
            sessions = await asyncio.to_thread(c.open_sessions, real.base_url, email, SOCKET_SESSIONS + 1)
            tokens = [tok for _, tok in sessions[:SOCKET_SESSIONS]]
            spare = sessions[SOCKET_SESSIONS][1]
            label = f"real N={n}" if subs_per_socket == 1 else f"real N={n}×{subs_per_socket}"
            trigger = RealTrigger(real.port, email, spare)
            real_result = await run_on_server(
                label, real, tokens, n, rounds, gap, idle, trigger, compression, subs_per_socket
            )
            real_result["server_log_tail"] = real.log_tail()
            real.stop()
            out["real"] = real_result
            say(describe(real_result))
            if subs_per_socket > 1:
                return out  # the bare baseline sends one `next` per socket

            payload_file = work / "next.json"
            payload_file.write_text(real_result["captured_next"])
            bare = c.start_uvicorn_factory(
                f"bare-{n}", "bench.bare_ws:create_app", {"BARE_WS_PAYLOAD_FILE": str(payload_file)}, work
            )
            bare_result = await run_on_server(
                f"bare N={n}", bare, tokens, n, rounds, gap, idle, BareTrigger(bare.port), compression
            )
            bare_result["server_log_tail"] = bare.log_tail()
            bare.stop()
            out["bare"] = bare_result
            say(describe(bare_result))
        finally:
            c.stop_all_servers()
    return out


def describe(r: dict[str, Any]) -> str:
    lat = r["latency_ms"]
    return (
        f"{r['label']:>13}: p50 {lat['p50']:7.2f} ms  p99 {lat['p99']:7.2f} ms  max {lat['max']:7.2f} ms  "
        f"last socket median {r['last_socket_ms']['median']:7.2f} ms (max {r['last_socket_ms']['max']:.2f})  "
        f"[{lat['samples']} samples, {lat['negative']} negative, missing {r['missing']}, extra {r['extra_messages']}, "
        f"closed {len(r['closed_sockets'])}]  open {r['open_seconds']:.2f} s  "
        f"RSS {r['rss_before_kb'] / 1024:.1f}→{r['rss_after_kb'] / 1024:.1f} MiB = {r['rss_per_socket_kb']:.1f} KB/socket  "
        f"server CPU/event {r['server_cpu_ms_per_event']:.1f} ms ({r['server_cpu_us_per_socket_event']:.0f} µs/socket"
        + (
            f", {r['server_cpu_us_per_subscription_event']:.0f} µs/subscription"
            if r.get("subs_per_socket", 1) > 1
            else ""
        )
        + ")  "
        f"mutation RTT median {r['mutation_rtt_ms_median']:.2f} ms  next sizes {r['next_sizes']} B  "
        f"(from request sent: p50 {r['latency_from_send_ms']['p50']:.2f} p99 {r['latency_from_send_ms']['p99']:.2f} ms)"
        + (f"\n    trigger problems: {r['trigger_problems']}" if r["trigger_problems"] else "")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=10, help="sockets in scenario (a)")
    parser.add_argument("--large", type=int, default=1000, help="sockets in scenario (b)")
    parser.add_argument("--rounds-small", type=int, default=20)
    parser.add_argument("--rounds-large", type=int, default=5)
    parser.add_argument("--only", type=int, choices=None, help="run only the scenario with this many sockets")
    parser.add_argument("--no-compression", action="store_true", help="client does not offer permessage-deflate")
    parser.add_argument(
        "--subs-per-socket", type=int, default=1, help="subscriptions per socket (>1: real app only, no bare run)"
    )
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument(
        "--py-spy", metavar="PATH", help="record each server's stacks during its rounds with this py-spy"
    )
    parser.add_argument("--py-spy-native", action="store_true", help="with --py-spy: record C frames too")
    c.add_app_arguments(parser)
    return c.run_on_app(parser.parse_args(), run)


def run(args: argparse.Namespace, source: dict[str, Any]) -> int:
    args.small = max(1, min(args.small, MAX_SOCKETS))
    args.large = max(1, min(args.large, MAX_SOCKETS))
    args.rounds_small = max(1, min(args.rounds_small, 200))
    args.rounds_large = max(1, min(args.rounds_large, 50))
    args.subs_per_socket = max(1, min(args.subs_per_socket, 100))

    PROFILER.update(py_spy=args.py_spy, native=args.py_spy_native)
    c.install_signal_handlers()
    limits = c.raise_nofile_limit()
    info = c.machine_info()
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    compression = None if args.no_compression else "deflate"
    say(
        f"B2 fan-out — {info['date_utc']} — {info['cpu_model']} ×{info['cpus']}, Python {info['python']}, "
        f"open-files limit {limits[0]}, client compression {compression or 'off'}, "
        f"{SOCKET_SESSIONS} sessions carry the sockets, app {source['app']}"
    )
    payload: dict[str, Any] = {
        "bench": "B2 fan-out",
        "machine": info,
        "app_source": source,
        "args": vars(args),
        "socket_sessions": SOCKET_SESSIONS,
        "nofile": limits,
    }
    plan = [(args.small, args.rounds_small, 0.2, 1.0), (args.large, args.rounds_large, 1.0, 3.0)]
    if args.only is not None:
        plan = [p for p in plan if p[0] == args.only] or [(args.only, args.rounds_small, 0.5, 2.0)]
    try:
        results = []
        for n, rounds, gap, idle in plan:
            results.append(asyncio.run(scenario(n, rounds, gap, idle, compression, say, args.subs_per_socket)))
    finally:
        c.stop_all_servers()
    payload["scenarios"] = results

    say("")
    targets: dict[str, Any] = {}
    for res in results:
        if "bare" not in res:
            real = res["real"]
            say(
                f"N={res['n']}×{res['subs_per_socket']}: {real['server_cpu_ms_per_event']:.1f} ms of server CPU per "
                f"change, {real['server_cpu_us_per_subscription_event']:.0f} µs per subscription; "
                f"p99 {real['latency_ms']['p99']:.2f} ms to a socket's last next"
            )
            continue
        n, real, bare = res["n"], res["real"], res["bare"]
        ratio = real["latency_ms"]["p99"] / bare["latency_ms"]["p99"] if bare["latency_ms"]["p99"] > 0 else float("nan")
        res["p99_ratio_real_over_bare"] = ratio
        say(
            f"N={n}: real p99 {real['latency_ms']['p99']:.2f} ms vs bare p99 {bare['latency_ms']['p99']:.2f} ms "
            f"(×{ratio:.1f}); real {real['rss_per_socket_kb']:.1f} KB/socket, bare {bare['rss_per_socket_kb']:.1f} KB/socket"
        )
        if n == args.small:
            targets[f"a_N{n}_p99_le_20ms"] = real["latency_ms"]["p99"] <= 20
        if n == args.large:
            targets[f"b_N{n}_p99_le_3x_bare"] = ratio <= 3
            targets[f"mem_N{n}_le_100KB_per_socket"] = real["rss_per_socket_kb"] <= 100
    for name, ok in targets.items():
        say(f"target {name}: {'met' if ok else 'MISSED'}")
    payload["targets"] = targets
    if not args.no_save:
        for res in results:
            res.get("bare", {}).pop("captured_next", None)  # the same text as the real side's
        json_path, txt_path = c.write_result("b2", payload, "\n".join(lines))
        print(f"saved {json_path.relative_to(c.REPO)} and {txt_path.relative_to(c.REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
