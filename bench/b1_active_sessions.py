"""B1: throughput and latency of the authenticated ``activeSessions`` query, real app vs bare Starlette.

Real app: ``python -m workestra serve`` (uvicorn, 1 worker, --loop asyncio, httptools) on a temp SQLite file,
one account with 5 MOBILE sessions (sign-up + 4 sign-ins). Bare app (``bench/bare_app.py``): the same
authentication and DB read through ``auth.sessions.authenticate`` + ``list_active_sessions`` on a copy of
that SQLite file, JSON built by hand. Both answer ``POST /graphql`` with the same body and the same
Bearer token; before measuring, the two answers are compared (reported as "identical JSON").

Load: ``wrk -t2 -c50 --timeout 10s --latency`` with a Lua script (POST body + headers); per app and
repetition a 3 s warm-up then a 10 s measurement; 3 repetitions alternating which app goes first; then
one light-load run (c=1, 5 s) per app. Load generator and servers share this machine's cores. Falls back
to ``bench/_loadgen.py`` (raw asyncio HTTP/1.1, its own process) when wrk is missing and cannot be installed.

    .venv/bin/python bench/b1_active_sessions.py --app-ref HEAD   # ~2 minutes, the committed app
    .venv/bin/python bench/b1_active_sessions.py                  # the working tree as it is now
    .venv/bin/python bench/b1_active_sessions.py --reps 1 --duration 5 --warmup 2 --no-save   # quick look
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c  # noqa: E402

QUERY = (
    "{ activeSessions { id client device { browser os } location ipAddress lastActiveAt createdAt expiresAt current } }"
)
BODY = json.dumps({"query": QUERY})

LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer __TOKEN__"
wrk.body = [==[__BODY__]==]

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"err_connect":%d,"err_read":%d,"err_write":%d,' ..
    '"err_status":%d,"err_timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,' ..
    '"mean_us":%.1f,"stdev_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean, latency.stdev))
end
"""


def ensure_wrk() -> str | None:
    """Path of wrk; installs it with apt-get when missing and running as root; None to fall back."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk not found; installing it with apt-get …", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for argv in (["apt-get", "install", "-y", "wrk"], ["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
            try:
                subprocess.run(argv, env=env, capture_output=True, timeout=300, check=False)
            except subprocess.TimeoutExpired:
                break
            if shutil.which("wrk"):
                return shutil.which("wrk")
    print("wrk unavailable: using the Python fallback load generator (bench/_loadgen.py)", flush=True)
    return None


def copy_sqlite(src: Path, dst: Path) -> None:
    """A consistent copy of a live SQLite file (WAL included) through the backup API."""
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)
    with sqlite3.connect(dst) as target:
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Load:
    def __init__(self, wrk: str | None, work: Path, token: str, threads: int) -> None:
        self.wrk = wrk
        self.threads = threads
        self.token = token
        self.lua = work / "post.lua"
        self.lua.write_text(LUA.replace("__TOKEN__", token).replace("__BODY__", BODY))
        self.body_file = work / "body.json"
        self.body_file.write_text(BODY)

    @property
    def tool(self) -> str:
        return "wrk" if self.wrk else "python-asyncio (bench/_loadgen.py)"

    def run(self, url: str, seconds: float, connections: int) -> tuple[dict[str, Any], str]:
        if self.wrk:
            threads = max(1, min(self.threads, connections))
            seconds = max(1, round(seconds))  # wrk takes whole seconds
            argv = [
                self.wrk,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                str(self.lua),
                url,
            ]
        else:
            argv = [
                c.PYTHON,
                str(c.BENCH / "_loadgen.py"),
                url,
                str(self.body_file),
                self.token,
                str(seconds),
                str(connections),
            ]
        out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
        text = out.stdout + out.stderr
        for line in out.stdout.splitlines():
            if line.startswith("BENCHJSON "):
                result = json.loads(line[len("BENCHJSON ") :])
                result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
                return result, text
        raise RuntimeError(f"load generator printed no result (exit {out.returncode}):\n{text}")


def measure(load: Load, server: c.Server, warmup: float, duration: float, connections: int) -> tuple[dict, str]:
    if warmup > 0:
        load.run(server.base_url + "/graphql", warmup, connections)
        time.sleep(0.5)
    cpu0, t0 = c.cpu_seconds(server.pid), time.monotonic()
    result, text = load.run(server.base_url + "/graphql", duration, connections)
    cpu1, t1 = c.cpu_seconds(server.pid), time.monotonic()
    result["server_cpu_cores"] = (cpu1 - cpu0) / (t1 - t0)
    result["server_rss_kb"] = c.vm_rss_kb(server.pid)
    time.sleep(0.5)
    return result, text


def fetch(server: c.Server, token: str) -> tuple[int, dict[str, Any], int]:
    response = httpx.post(
        server.base_url + "/graphql",
        content=BODY,
        timeout=10,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    return response.status_code, response.json(), len(response.content)


@contextlib.contextmanager
def _stopping_servers() -> Iterator[None]:
    """Stop every server before the temp directory holding their databases goes away."""
    try:
        yield
    finally:
        c.stop_all_servers()


def fmt_ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--load-tool",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="auto: wrk (installed with apt-get when missing and root), else the Python fallback",
    )
    parser.add_argument("--no-light", action="store_true", help="skip the extra c=1 light-load run")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/ files")
    c.add_app_arguments(parser)
    return c.run_on_app(parser.parse_args(), run)


def run(args: argparse.Namespace, source: dict[str, Any]) -> int:
    args.reps = max(1, min(args.reps, 10))
    args.duration = max(1.0, min(args.duration, 60.0))
    args.warmup = max(0.0, min(args.warmup, 30.0))

    c.install_signal_handlers()
    c.raise_nofile_limit()
    info = c.machine_info()
    wrk = None if args.load_tool == "python" else ensure_wrk()
    if wrk is None and args.load_tool == "wrk":
        raise SystemExit("wrk requested but not available")
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    payload: dict[str, Any] = {"bench": "B1 activeSessions", "machine": info, "app_source": source, "args": vars(args)}
    try:
        with c.temp_dir("bench-b1-") as work, _stopping_servers():
            real_db = work / "real.sqlite3"
            bare_db = work / "bare.sqlite3"
            real = c.start_real_app("real", f"sqlite://{real_db}", work)
            sessions = c.open_sessions(real.base_url, "bench-b1@example.com", 5)
            token = sessions[-1][1]
            copy_sqlite(real_db, bare_db)
            bare = c.start_uvicorn_factory(
                "bare", "bench.bare_app:create_app", {"BARE_DATABASE_URL": f"sqlite://{bare_db}"}, work
            )
            apps = {"real": real, "bare": bare}

            # Same answer from both, before any load (the activity write interval is 60 s, so no drift yet).
            answers = {name: fetch(server, token) for name, server in apps.items()}
            same = answers["real"][1] == answers["bare"][1]
            say(
                f"B1 activeSessions — {info['date_utc']} — {info['cpu_model']} ×{info['cpus']}, "
                f"Python {info['python']}, load tool {Load(wrk, work, token, args.threads).tool}, app {source['app']}"
            )
            say(
                f"responses: real HTTP {answers['real'][0]} {answers['real'][2]} B, "
                f"bare HTTP {answers['bare'][0]} {answers['bare'][2]} B, identical JSON: {same}, "
                f"{len(answers['real'][1].get('data', {}).get('activeSessions') or [])} sessions"
            )
            if not same:
                say("real: " + json.dumps(answers["real"][1])[:1500])
                say("bare: " + json.dumps(answers["bare"][1])[:1500])
            payload["responses"] = {name: {"status": a[0], "bytes": a[2], "body": a[1]} for name, a in answers.items()}
            payload["identical_json"] = same

            load = Load(wrk, work, token, args.threads)
            payload["load_tool"] = load.tool
            reps: list[dict[str, Any]] = []
            for rep in range(args.reps):
                order = ("real", "bare") if rep % 2 == 0 else ("bare", "real")
                row: dict[str, Any] = {"rep": rep + 1, "order": list(order)}
                for name in order:
                    result, text = measure(load, apps[name], args.warmup, args.duration, args.connections)
                    row[name] = result
                    row[name + "_raw"] = text
                    say(
                        f"rep {rep + 1} {name:4}: {result['rps']:8.1f} req/s  p50 {fmt_ms(result['p50_us'])} ms  "
                        f"p99 {fmt_ms(result['p99_us'])} ms  max {fmt_ms(result['max_us'])} ms  "
                        f"errors(status/timeout/conn/read) {result['err_status']}/{result['err_timeout']}/"
                        f"{result['err_connect']}/{result['err_read']}  server CPU {result['server_cpu_cores']:.2f} cores"
                    )
                row["ratio"] = row["real"]["rps"] / row["bare"]["rps"]
                say(f"rep {rep + 1} ratio real/bare = {row['ratio']:.3f}")
                reps.append(row)
            payload["reps"] = reps

            light: dict[str, Any] = {}
            if not args.no_light:
                for name in ("real", "bare"):
                    result, text = measure(load, apps[name], 1.0, 5.0, 1)
                    light[name] = result
                    say(
                        f"light load c=1 {name:4}: {result['rps']:7.1f} req/s  p50 {result['p50_us'] / 1000:.2f} ms  "
                        f"p99 {result['p99_us'] / 1000:.2f} ms"
                    )
            payload["light_c1"] = light

            # Still healthy and still the same answer after the load?
            after = {name: fetch(server, token) for name, server in apps.items()}
            payload["after_status"] = {name: a[0] for name, a in after.items()}
            for name, server in apps.items():
                payload[f"{name}_log_tail"] = server.log_tail()
            real.stop()
            bare.stop()

        summary: dict[str, Any] = {}
        say("")
        say(f"summary over {len(reps)} reps (c={args.connections}, {args.duration:g} s each, {load.tool}):")
        for name in ("real", "bare"):
            rps = [r[name]["rps"] for r in reps]
            p50 = [r[name]["p50_us"] / 1000 for r in reps]
            p99 = [r[name]["p99_us"] / 1000 for r in reps]
            summary[name] = {
                "rps_mean": statistics.fmean(rps),
                "rps_min": min(rps),
                "rps_max": max(rps),
                "p50_ms_median": statistics.median(p50),
                "p99_ms_median": statistics.median(p99),
                "p50_ms": p50,
                "p99_ms": p99,
                "p99_over_p50": [b / a for a, b in zip(p50, p99, strict=True)],
                "errors": sum(
                    r[name]["err_status"]
                    + r[name]["err_timeout"]
                    + r[name]["err_connect"]
                    + r[name]["err_read"]
                    + r[name]["err_write"]
                    for r in reps
                ),
            }
            s = summary[name]
            say(
                f"  {name}: {s['rps_mean']:.0f} req/s [{s['rps_min']:.0f}–{s['rps_max']:.0f}], "
                f"p50 {s['p50_ms_median']:.1f} ms, p99 {s['p99_ms_median']:.1f} ms (medians of reps), "
                f"p99/p50 per rep {', '.join(f'{x:.2f}' for x in s['p99_over_p50'])}, errors {s['errors']}"
            )
        ratios = [r["ratio"] for r in reps]
        summary["ratios"] = ratios
        summary["targets"] = {
            "ratio_ge_0.5": all(x >= 0.5 for x in ratios),
            "real_p99_le_3x_p50": all(x <= 3 for x in summary["real"]["p99_over_p50"]),
        }
        say(f"  ratio real/bare per rep: {', '.join(f'{x:.3f}' for x in ratios)} (mean {statistics.fmean(ratios):.3f})")
        say(
            f"  target ratio ≥ 0.5: {'met' if summary['targets']['ratio_ge_0.5'] else 'MISSED'}; "
            f"target real p99 ≤ 3× p50: {'met' if summary['targets']['real_p99_le_3x_p50'] else 'MISSED'}"
        )
        payload["summary"] = summary
    finally:
        c.stop_all_servers()
    if not args.no_save:
        json_path, txt_path = c.write_result("b1", payload, "\n".join(lines))
        print(f"saved {json_path.relative_to(c.REPO)} and {txt_path.relative_to(c.REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
