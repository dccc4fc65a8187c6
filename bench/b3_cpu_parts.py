"""B3 (where the CPU goes): server CPU per sign-in besides the hash, and its parts, for two apps in one run.

Production argon2 takes ≈ 150 ms of CPU per verify; the rest of a sign-in (HTTP, GraphQL, the brute-force
guard, the session's transaction, the new-device mail) is what keeps B3 under the raw verify rate. That
rest is measured here with the cheap argon2 parameters B1/B2 use (the hash itself ≈ 0.1 ms), on a fresh
``python -m workestra serve`` (SQLite, development outbox) per run: ``--accounts`` (16) accounts, 200
warm-up sign-ins, then ``-n`` (600) MOBILE sign-ins from ``--concurrency`` (4) keep-alive clients, each
client on its own accounts (no claim waits), every one from a new device as in B3. Server CPU per sign-in
from ``/proc/PID/stat``; runs of the two apps alternate (``--reps``). With ``--py-spy PATH`` each measured
window is recorded and split by part (``parts``): busy samples of the event-loop thread by the first
marker its stack holds, and of the other threads (SQLite's worker, the hash pool).

    .venv/bin/python bench/b3_cpu_parts.py --a-ref main --b-ref HEAD --reps 2
    .venv/bin/python bench/b3_cpu_parts.py --parts results/raw/b3-cpu-a0-….txt   # split a recorded profile
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402
import b3_sign_in_flood as b3  # noqa: E402

# Loop-thread parts, by the first marker (in this order) found in a sample's stack.
MARKERS = [
    ("guard claim (counter update, IP reservation)", "AttemptGuard.claim (auth/throttle.py"),
    ("hash pool, loop side", "HashPool.run"),
    ("guard success", "AttemptGuard.succeeded"),
    ("session transaction (session, audit, device, mail row)", "open_session"),
    ("account read", "verify_password"),
    ("device credential lookup", "recognized_device"),
    ("resolver and payload", "sign_in (resolvers"),
    ("GraphQL execution and result", "Schema.execute"),
    ("Strawberry HTTP view", "AsyncBaseHTTPView"),
    ("middleware and HTTP", "RequestResponseCycle"),
    ("uvicorn protocol", "httptools_impl"),
    ("claim renewer", "_renew_held"),
    ("mail sender: composing", "MailSender._compose"),
    ("mail sender: outbox reads and writes", "MailSender."),
    ("session announcer", "SessionAnnouncer"),
    ("event loop (wake-ups, callbacks)", "_run_once"),
]
# Leaf frames of a thread blocked in a wait: py-spy counts them as busy on this machine's kernel.
WAITS = {"EpollSelector.select", "_worker", "_connection_worker_thread", "Condition.wait", "Thread.run"}


def parts(path: Path) -> dict[str, Any]:
    """Busy samples of a py-spy ``--threads`` raw profile by thread kind and, on the loop thread, by part."""
    threads: Counter[str] = Counter()
    loop: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack.rsplit(";", 1)[-1].split(" (")[0] in WAITS:
            continue
        thread = stack.split(";", 1)[0].split(": ", 1)[-1]
        kind = "hash pool" if thread.startswith("hash-pool") else "sqlite" if "_connection_worker" in stack else thread
        threads[kind] += int(count)
        if thread == "MainThread":
            loop[next((name for name, marker in MARKERS if marker in stack), "other")] += int(count)
    return {"threads": dict(threads.most_common()), "loop_thread": dict(loop.most_common())}


def describe_parts(p: dict[str, Any]) -> list[str]:
    total = sum(p["threads"].values()) or 1
    lines = [f"busy samples {total}: " + ", ".join(f"{k} {v / total:.1%}" for k, v in p["threads"].items())]
    loop_total = sum(p["loop_thread"].values()) or 1
    lines += [f"  loop thread {v / loop_total:6.1%}  {k}" for k, v in p["loop_thread"].items()]
    return lines


def seed(database_url: str, n: int, work: Path) -> None:
    """Migrate, then ``n`` accounts with cheap hashes (the parameters the server verifies with)."""
    import argon2

    env = c.real_app_env(database_url)
    subprocess.run([c.PYTHON, "-m", "workestra", "migrate"], cwd=c.APP_DIR, env=env, check=True, capture_output=True)
    hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    rows = work / "accounts.json"
    rows.write_text(json.dumps([[b3.account_email(i), hasher.hash(b3.account_password(i))] for i in range(n)]))
    seeder = [c.PYTHON, str(Path(b3.__file__).resolve()), "_seed", database_url, str(rows)]
    subprocess.run(seeder, cwd=c.APP_DIR, env=env, check=True, capture_output=True, timeout=120)


async def sign_ins(port: int, n: int, concurrency: int, accounts: int) -> dict[str, int]:
    outcomes: Counter[str] = Counter()

    async def client(k: int) -> None:
        conn = c.RawHttp(port)
        try:
            for j in range(n // concurrency):
                i = k + concurrency * (j % (accounts // concurrency))
                body = b3.sign_in_body(b3.account_email(i), b3.account_password(i))
                outcomes[b3.outcome(*await conn.request("POST", "/graphql", body, {"User-Agent": b3.MOBILE_UA}))] += 1
        finally:
            await conn.close()

    await asyncio.gather(*(client(k) for k in range(concurrency)))
    return dict(outcomes)


def one_run(label: str, app_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    c.APP_DIR = app_dir
    with c.temp_dir("b3-cpu-") as work:
        database_url = f"sqlite://{work}/db.sqlite3"
        seed(database_url, args.accounts, work)
        port = c.free_port()
        argv = [c.PYTHON, "-m", "workestra", "serve", "--host", "127.0.0.1", "--port", str(port)]
        server = c.Server(label, argv, c.real_app_env(database_url), port, work / f"{label}.log").start(
            "/healthz", timeout=120.0
        )
        try:
            asyncio.run(sign_ins(server.port, 200, args.concurrency, args.accounts))
            profiler = c.start_profiler("b3-cpu", label, server.pid, {"py_spy": args.py_spy})
            cpu, t0 = c.cpu_seconds(server.pid), time.monotonic()
            outcomes = asyncio.run(sign_ins(server.port, args.n, args.concurrency, args.accounts))
            cpu, wall = c.cpu_seconds(server.pid) - cpu, time.monotonic() - t0
            profile = c.stop_profiler(profiler)
        finally:
            server.stop()
    done = sum(outcomes.values())
    result = {"label": label, "sign_ins": done, "outcomes": outcomes, "cpu_ms_per_sign_in": cpu / done * 1000}
    result |= {"per_s": done / wall, "profile": profile, "load": Path("/proc/loadavg").read_text().split()[:3]}
    if profile:
        result["parts"] = parts(c.REPO / profile)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a-ref", default="main", help="the first app (a git ref)")
    parser.add_argument("--b-ref", default="HEAD", help="the second app (a git ref)")
    parser.add_argument("-n", type=int, default=600, help="measured sign-ins per run")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--accounts", type=int, default=16)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--py-spy", metavar="PATH", help="record each measured window with this py-spy")
    parser.add_argument("--parts", metavar="PROFILE", help="only split a recorded profile by part")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if args.parts:
        print("\n".join(describe_parts(parts(Path(args.parts)))))
        return 0
    args.concurrency = max(1, min(args.concurrency, 64))
    args.accounts = max(args.concurrency, args.accounts)
    c.raise_nofile_limit()
    c.install_signal_handlers()
    runs: list[dict[str, Any]] = []
    lines = [f"B3 CPU per sign-in besides the hash — {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}"]
    with c.temp_dir("b3-cpu-apps-") as root:
        apps = {"a": root / "a", "b": root / "b"}
        commits = {k: c.use_app_ref(ref, apps[k]) for k, ref in (("a", args.a_ref), ("b", args.b_ref))}
        lines.append(f"a = {args.a_ref} ({commits['a'][:7]}), b = {args.b_ref} ({commits['b'][:7]})")
        for rep in range(args.reps):
            for key in ("a", "b") if rep % 2 == 0 else ("b", "a"):
                run = one_run(f"{key}{rep}", apps[key], args)
                runs.append(run)
                first = len(lines)
                lines.append(
                    f"{run['label']}: {run['sign_ins']} sign-ins c={args.concurrency}: server CPU "
                    f"{run['cpu_ms_per_sign_in']:.2f} ms per sign-in, {run['per_s']:.0f}/s, {run['outcomes']}, "
                    f"load {run['load']}"
                )
                lines += ["  " + line for line in describe_parts(run["parts"])] if "parts" in run else []
                print("\n".join(lines[first:]), flush=True)
    for key in ("a", "b"):
        values = [r["cpu_ms_per_sign_in"] for r in runs if r["label"].startswith(key)]
        lines.append(f"{key}: CPU ms per sign-in {', '.join(f'{v:.2f}' for v in values)}")
    print("\n".join(lines[-2:]))
    if not args.no_save:
        payload = {"machine": c.machine_info(), "args": vars(args), "commits": commits, "runs": runs}
        for path in c.write_result("b3-cpu", payload, "\n".join(lines) + "\n"):
            print(f"wrote {path.relative_to(c.REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
