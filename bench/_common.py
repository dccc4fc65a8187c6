"""Shared plumbing for the benchmarks: ports, server processes, /proc readings, GraphQL over HTTP.

Nothing here asserts anything about timing; the benchmarks only measure and report.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import logging
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
RESULTS = BENCH / "results"
PYTHON = sys.executable
# Where the application code comes from: the working tree, or a commit exported by ``use_app_ref``.
APP_DIR = REPO
APP_COMMIT: str | None = None

PASSWORD = "correct horse battery staple"
# A few realistic agents so the sessions list shows parsed devices, as on the Security page.
USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
)

SIGN_UP = (
    "mutation($email: String!, $password: String!) { signUp(input: {email: $email, password: $password, "
    "client: MOBILE}) { __typename ... on SignedIn { token session { id } } } }"
)
SIGN_IN = (
    "mutation($email: String!, $password: String!) { signIn(input: {email: $email, password: $password, "
    "client: MOBILE}) { __typename ... on SignedIn { token session { id } } } }"
)
REVOKE = "mutation($id: ID!) { revokeSession(id: $id) { __typename ... on SessionRevoked { id } } }"


# -- environment -------------------------------------------------------------------------------


def raise_nofile_limit(wanted: int = 65536) -> tuple[int, int]:
    """Raise this process's soft open-files limit (children inherit it); returns (soft, hard)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def _child_setup() -> None:
    # Runs in the child between fork and exec: own process group, and the raised open-files limit.
    os.setpgid(0, 0)
    raise_nofile_limit()


def machine_info() -> dict[str, Any]:
    """CPU model, core count, Python and library versions: what a reader needs to compare numbers."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions: dict[str, str] = {}
    from importlib import metadata

    for dist in (
        "strawberry-graphql",
        "graphql-core",
        "starlette",
        "uvicorn",
        "tortoise-orm",
        "aiosqlite",
        "websockets",
        "httptools",
        "httpx",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[dist] = metadata.version(dist)
    mem_total = ""
    with contextlib.suppress(OSError):
        mem_total = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    return {
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu_model": cpu,
        "cpus": os.cpu_count(),
        "mem_total": mem_total,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None,
        "versions": versions,
        "git_head": _git_head(),
    }


def _git_head() -> str:
    with contextlib.suppress(Exception):
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=5
        ).stdout.strip()
    return ""


def use_app_ref(ref: str, dest: Path) -> str:
    """Benchmark the app as committed at ``ref`` (``git archive`` into ``dest``; the repo is only read).

    Other people may be editing the working tree while a benchmark runs; an export keeps one run on one
    version. The bench's own modules still come from this checkout (``PYTHONPATH`` puts the export first).
    """
    global APP_DIR, APP_COMMIT
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=REPO, capture_output=True, check=True, timeout=120
    )
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True, timeout=120)
    APP_DIR, APP_COMMIT = dest, commit
    return commit


def app_source() -> dict[str, Any]:
    """Which application code a run measured (recorded with every result)."""
    if APP_COMMIT is not None:
        return {"app": f"commit {APP_COMMIT}", "commit": APP_COMMIT, "working_tree": False}
    dirty = ""
    with contextlib.suppress(Exception):
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    return {
        "app": "working tree" + (" (uncommitted changes outside bench/)" if dirty else ""),
        "commit": _git_head(),
        "working_tree": True,
        "dirty_files": dirty.splitlines(),
    }


def add_app_arguments(parser: argparse.ArgumentParser) -> None:
    """``--app-ref`` / ``--app-dir``: which app a script benchmarks (see ``app_checkout``)."""
    parser.add_argument(
        "--app-ref",
        default=None,
        help="benchmark the app as committed at this git ref (exported with git archive) "
        "instead of the working tree, e.g. HEAD",
    )
    parser.add_argument(
        "--app-dir", default=None, help="benchmark the app in this directory (another checkout or a patched copy)"
    )


def run_on_app(args: argparse.Namespace, run: Callable[[argparse.Namespace, dict[str, Any]], int]) -> int:
    """``run(args, source)`` against the app that ``args.app_ref`` / ``args.app_dir`` name."""
    with app_checkout(args.app_ref, args.app_dir) as source:
        return run(args, source)


@contextlib.contextmanager
def app_checkout(ref: str | None, directory: str | None = None) -> Iterator[dict[str, Any]]:
    """Run against the working tree, against ``ref`` exported to a temp directory, or against another
    checkout ``directory`` (e.g. a patched copy, to try a change without touching this tree)."""
    global APP_DIR, APP_COMMIT
    if directory is not None:
        APP_DIR = Path(directory).resolve()
        try:
            yield {"app": f"directory {APP_DIR}", "commit": None, "working_tree": False}
        finally:
            APP_DIR = REPO
        return
    if ref is None:
        yield app_source()
        return
    with temp_dir("bench-app-") as root:
        use_app_ref(ref, root / "app")
        try:
            yield app_source()
        finally:
            APP_DIR, APP_COMMIT = REPO, None


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1 (tiny race until the server binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as name:
        yield Path(name)


def real_app_env(
    database_url: str, broadcast_url: str = "memory://", extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Environment for ``python -m workestra serve``: cheap Argon2, quiet logs, a temp database."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in _settings_names()}
    env.update(
        PYTHONPATH=os.pathsep.join(dict.fromkeys((str(APP_DIR), str(REPO)))),
        DATABASE_URL=database_url,
        BROADCAST_URL=broadcast_url,
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_COST="8",
        ARGON2_PARALLELISM="1",
        LOG_LEVEL="warning",
        ENVIRONMENT="development",
        # B2 may be asked for more than the default 1,000 sockets of one account (--large).
        MAX_SOCKETS_PER_ACCOUNT="100000",
        MAX_SUBSCRIPTIONS_PER_ACCOUNT="100000",
    )
    env.update(extra or {})
    return env


@functools.cache
def _settings_names() -> frozenset[str]:
    # Every Settings field as an env var: cleared so a developer's shell cannot skew a run. Read on first
    # use, not at import: a bench's child process that imports the app under test from its PYTHONPATH can
    # import this module without this repository's copy of the app coming first.
    try:
        sys.path.insert(0, str(REPO))
        from dataclasses import fields

        from workestra.settings import Settings

        return frozenset(f.name.upper() for f in fields(Settings))
    except Exception:  # noqa: BLE001 - the bench still works, just without the scrub
        return frozenset()


# -- server processes --------------------------------------------------------------------------


class Server:
    """A server in its own process group; stopped (group killed) on ``stop()`` or context exit."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], port: int, log_path: Path) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.port = port
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, ready_path: str, timeout: float = 30.0) -> Server:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            self.argv,
            cwd=APP_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_child_setup,
        )
        _LIVE.add(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; log:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base_url + ready_path, timeout=1.0).status_code < 500:
                    return self
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {timeout}s; log:\n{self.log_tail()}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        _LIVE.discard(self)
        if proc is not None and proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 8.0), (signal.SIGKILL, 5.0)):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, sig)
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if proc is not None:
            # Anything left in the group (there should be nothing) goes too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_LIVE: set[Server] = set()


def stop_all_servers() -> None:
    for server in list(_LIVE):
        server.stop()


def install_signal_handlers() -> None:
    """SIGTERM/SIGINT/SIGHUP unwind through ``finally`` blocks so servers are always stopped."""

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, handler)


def start_real_app(
    name: str, database_url: str, work: Path, broadcast_url: str = "memory://", env: dict[str, str] | None = None
) -> Server:
    """``python -m workestra serve`` (migrations, then uvicorn with --loop asyncio, 1 worker); ``env`` adds settings."""
    port = free_port()
    argv = [PYTHON, "-m", "workestra", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = Server(name, argv, real_app_env(database_url, broadcast_url, env), port, work / f"{name}.log")
    return server.start("/healthz", timeout=60.0)


def start_uvicorn_factory(name: str, factory: str, env_extra: dict[str, str], work: Path) -> Server:
    """A bench app under uvicorn with the real server's options: 1 worker, asyncio loop, httptools,
    websockets-sansio (uvicorn's 'auto') without permessage-deflate, no proxy headers, no server header,
    warning logs."""
    port = free_port()
    argv = [
        PYTHON,
        "-m",
        "uvicorn",
        factory,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--loop",
        "asyncio",
        "--http",
        "auto",
        "--ws",
        "auto",
        "--no-proxy-headers",
        "--no-server-header",
        "--log-level",
        "warning",
        "--ws-max-size",
        "65536",
        # The real server turns deflate off (workestra/cli.py); a bare server compressing every frame would
        # spend a sixth of its fan-out in zlib and flatter the real app.
        "--ws-per-message-deflate",
        "false",
        "--timeout-graceful-shutdown",
        "5",
    ]
    env = real_app_env("sqlite://:memory:")
    env.update(env_extra)
    server = Server(name, argv, env, port, work / f"{name}.log")
    return server.start("/healthz", timeout=60.0)


# -- /proc readings ----------------------------------------------------------------------------


def vm_rss_kb(pid: int) -> int:
    """VmRSS of ``pid`` in KiB (from /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by ``pid`` (threads included)."""
    fields_ = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields_[11]) + int(fields_[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


# -- GraphQL over HTTP (setup only; the measured paths use wrk or raw sockets) -------------------


def gql(
    client: httpx.Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    user_agent: str | None = None,
) -> dict[str, Any]:
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if user_agent:
        headers["User-Agent"] = user_agent
    response = client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code} for {query[:60]!r}: {response.text[:2000]}")
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(f"GraphQL errors for {query[:60]!r}: {json.dumps(body['errors'])[:2000]}")
    return body["data"]


def open_sessions(base_url: str, email: str, count: int) -> list[tuple[str, str]]:
    """Sign up, then sign in ``count - 1`` more times (MOBILE); returns [(session id, token)] in order."""
    out: list[tuple[str, str]] = []
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        data = gql(client, SIGN_UP, {"email": email, "password": PASSWORD}, user_agent=USER_AGENTS[0])["signUp"]
        if data["__typename"] != "SignedIn":
            raise RuntimeError(f"signUp returned {data}")
        out.append((data["session"]["id"], data["token"]))
        for i in range(1, count):
            data = gql(
                client, SIGN_IN, {"email": email, "password": PASSWORD}, user_agent=USER_AGENTS[i % len(USER_AGENTS)]
            )["signIn"]
            if data["__typename"] != "SignedIn":
                raise RuntimeError(f"signIn returned {data}")
            out.append((data["session"]["id"], data["token"]))
    return out


# -- statistics --------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def write_result(stem: str, payload: dict[str, Any], text: str) -> tuple[Path, Path]:
    """Keep a run's raw output: ``bench/results/<stem>-<UTC time>.json`` and ``.txt``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    json_path = RESULTS / f"{stem}-{stamp}.json"
    txt_path = RESULTS / f"{stem}-{stamp}.txt"
    json_path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    txt_path.write_text(text if text.endswith("\n") else text + "\n")
    return json_path, txt_path


# -- distributions and CPU windows --------------------------------------------------------------------------------


def dist(values: list[float]) -> dict[str, Any]:
    """Count, p50/p90/p99, max and mean of ``values`` (``{"n": 0}`` when empty)."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "max": max(values),
        "mean": statistics.fmean(values),
    }


def fmt_dist(d: dict[str, Any], unit: str = "ms") -> str:
    """One line for a ``dist`` result."""
    if not d.get("n"):
        return "no samples"
    return f"p50 {d['p50']:.2f} / p99 {d['p99']:.2f} / max {d['max']:.2f} {unit} (n={d['n']})"


# -- /proc -------------------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM, VmSize, VmPeak (KiB) and Threads of ``pid``, from /proc/PID/status."""
    out: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "VmSize", "VmPeak", "Threads"):
                out[key] = int(value.split()[0])
    return out


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    fields_ = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tck = os.sysconf("SC_CLK_TCK")
    total = sum(fields_[:8])
    idle = fields_[3] + fields_[4]
    return (total - idle) / tck, total / tck


def self_cpu() -> float:
    """User + system CPU seconds of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class CpuWindow:
    """CPU used by the server, this process, the probe and the whole machine over a window."""

    def __init__(self, server_pid: int, probe_pid: int | None) -> None:
        self.server_pid, self.probe_pid = server_pid, probe_pid
        self.t0 = time.monotonic()
        self.server0 = cpu_seconds(server_pid)
        self.probe0 = self._probe_cpu()
        self.self0 = self_cpu()
        self.busy0, _ = machine_cpu()

    def _probe_cpu(self) -> float:
        if self.probe_pid is None:
            return 0.0
        with contextlib.suppress(OSError):
            return cpu_seconds(self.probe_pid)
        return 0.0

    def end(self) -> dict[str, float]:
        """Cores each used since the window opened (others' work = the machine's remainder)."""
        dt = time.monotonic() - self.t0
        server = (cpu_seconds(self.server_pid) - self.server0) / dt
        probe = (self._probe_cpu() - self.probe0) / dt
        me = (self_cpu() - self.self0) / dt
        machine = (machine_cpu()[0] - self.busy0) / dt
        return {
            "seconds": dt,
            "server_cores": server,
            "loadgen_cores": me,
            "probe_cores": probe,
            "machine_busy_cores": machine,
            "other_processes_cores": max(0.0, machine - server - me - probe),
        }


async def sleep_overshoot(deadline: float, lags: list[float]) -> None:
    """Until ``deadline``: sleep 10 ms, append by how many ms the wake-up was late (event-loop lag)."""
    while (start := time.monotonic()) < deadline:
        await asyncio.sleep(0.010)
        lags.append((time.monotonic() - start - 0.010) * 1000)


# -- raw HTTP/1.1 client (little client CPU in the timed path) ------------------------------


class RawHttp:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1."""

    def __init__(self, port: int, source: str | None = None) -> None:
        self.port = port
        self.source = source  # a loopback address to connect from (127.0.0.2 …): the server sees another client IP
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        timeout: float = 60.0,
    ) -> tuple[int, bytes]:
        """Send one request on the kept-alive connection; (status, body). The connection closes on any failure."""
        try:
            return await asyncio.wait_for(self._request(method, path, body, headers or {}), timeout)
        except BaseException:
            await self.close()
            raise

    async def _request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None:
            local = (self.source, 0) if self.source else None
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, local_addr=local)
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        if method == "POST":
            extra += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{extra}\r\n".encode() + body)
        assert self.reader is not None
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
            elif name.strip().lower() == "transfer-encoding":
                raise RuntimeError("chunked responses are not supported by this tiny client")
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        writer, self.writer, self.reader = self.writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 2)


# -- responsiveness probe (a child process sending requests on a tick) ---------------------------

PASSWORD_POLICY = json.dumps({"query": "{ passwordPolicy { minLength } }"}).encode()
_CHILDREN: set[subprocess.Popen[bytes]] = set()


def _probe_child(port: int, seconds: float, interval_ms: float, out: str) -> None:
    """Child mode: two loops (GET /healthz, POST passwordPolicy), one request per tick each, for ``seconds``."""
    samples: list[tuple[str, float, float, int]] = []
    interval = interval_ms / 1000

    async def loop(kind: str) -> None:
        conn = RawHttp(port)
        method, path, body = ("GET", "/healthz", b"") if kind == "healthz" else ("POST", "/graphql", PASSWORD_POLICY)
        for _ in range(20):  # warm-up: connection, first GraphQL execution
            await conn.request(method, path, body, timeout=10)
        Path(out + f".ready-{kind}").write_text("1")
        start = time.monotonic()
        end = start + seconds
        tick = start
        for _ in range(int(seconds / interval) + 2):
            now = time.monotonic()
            if now >= end:
                break
            if tick > now:
                await asyncio.sleep(tick - now)
            t0 = time.monotonic()
            try:
                status, _ = await conn.request(method, path, body, timeout=10)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, RuntimeError, ValueError):
                status = -1
            t1 = time.monotonic()
            samples.append((kind, t0, (t1 - t0) * 1000, status))
            tick = max(tick + interval, t1)
        await conn.close()

    async def main() -> None:
        await asyncio.gather(loop("healthz"), loop("policy"))

    asyncio.run(main())
    Path(out).write_text(json.dumps(samples))


class Probe:
    """The responsiveness probe in its own process: ``GET /healthz`` and a tiny GraphQL query on a tick."""

    def __init__(self, port: int, seconds: float, interval_ms: float, work: Path, name: str) -> None:
        self.out = work / f"probe-{name}.json"
        argv = [
            PYTHON,
            str(Path(__file__).resolve()),
            "_probe",
            str(port),
            str(seconds),
            str(interval_ms),
            str(self.out),
        ]
        with open(work / f"probe-{name}.log", "wb") as log:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, preexec_fn=_child_setup
            )  # own process group, raised fd limit
        _CHILDREN.add(self.proc)
        self.timeout = seconds + 60

    def wait_ready(self) -> None:
        """Block until both loops are warmed up (or raise when the probe died or took 30 s)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if all(Path(f"{self.out}.ready-{k}").exists() for k in ("healthz", "policy")):
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"probe exited with {self.proc.returncode}")
            time.sleep(0.05)
        raise RuntimeError("probe not ready after 30 s")

    def result(self) -> list[tuple[str, float, float, int]]:
        """Wait for the probe to finish; its samples (kind, start, ms, status)."""
        try:
            self.proc.wait(timeout=self.timeout)
        finally:
            _kill(self.proc)
        return [tuple(s) for s in json.loads(self.out.read_text())]


def _kill(proc: subprocess.Popen[bytes]) -> None:
    _CHILDREN.discard(proc)
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)


def kill_children() -> None:
    """Kill every probe still running."""
    for proc in list(_CHILDREN):
        _kill(proc)


def window_stats(samples: list[tuple[str, float, float, int]], lo: float, hi: float) -> dict[str, Any]:
    """Per probe kind, the latency distribution and error count of the samples started in [lo, hi)."""
    out: dict[str, Any] = {}
    for kind in ("healthz", "policy"):
        picked = [s for s in samples if s[0] == kind and lo <= s[1] < hi]
        out[kind] = dist([s[2] for s in picked])
        out[kind]["errors"] = sum(1 for s in picked if s[3] != 200)
    return out


# -- in-process loop-lag probe (the real app served with one extra task on its loop) -------------


def start_profiler(
    bench: str, label: str, pid: int, options: dict[str, Any]
) -> tuple[subprocess.Popen[bytes], Path] | None:
    """py-spy (``options["py_spy"]``, None: no profile) recording the server's Python stacks until ``stop_profiler``.

    Collapsed format, one line per stack with its sample count, into ``results/raw/``;
    ``options["native"]`` adds the C frames (e.g. the garbage collector's).
    """
    binary = options.get("py_spy")
    if not binary:
        return None
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = RESULTS / "raw" / f"{bench}-{label.replace(' ', '_').replace('=', '')}-{stamp}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    argv = [binary, "record", "--pid", str(pid), "--rate", "250", "--format", "raw", "--threads", "--output", str(out)]
    if options.get("native"):
        argv.append("--native")
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # py-spy attaches before the measured window
    return proc, out


def stop_profiler(profiler: tuple[subprocess.Popen[bytes], Path] | None) -> str | None:
    """Stop a ``start_profiler`` recording; the profile's path relative to the repository."""
    if profiler is None:
        return None
    proc, out = profiler
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
    return str(out.relative_to(REPO))


def lagprobe_argv(port: int, out: Path, period_ms: float = 10) -> list[str]:
    """The command serving the app like ``python -m workestra serve``, recording its loop lag into ``out``."""
    return [PYTHON, str(Path(__file__).resolve()), "_serve_lagprobe", "127.0.0.1", str(port), str(out), str(period_ms)]


def _serve_lagprobe_child(host: str, port: int, out: str, period_ms: float) -> None:
    """Child mode: what ``python -m workestra serve`` does, plus a task on the server loop measuring lag."""
    import uvicorn
    from uvicorn._compat import asyncio_run

    from workestra.db import migrate
    from workestra.settings import Settings

    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(migrate(settings.database_url))
    config = uvicorn.Config(
        "workestra.cli:app_from_env",
        factory=True,
        host=host,
        port=port,
        proxy_headers=False,
        server_header=False,
        ws_max_size=settings.ws_max_message_bytes,
        loop="asyncio",
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)

    async def main() -> None:
        probe = asyncio.create_task(_record_lag(out, period_ms / 1000))
        try:
            await server.serve()
        finally:
            probe.cancel()

    asyncio_run(main(), loop_factory=config.get_loop_factory())


async def _record_lag(out: str, period: float) -> None:
    """Sleep ``period`` in a loop and append each wake-up's overshoot (ms) to ``out``, flushed every second."""
    pending: list[str] = []
    last_flush = time.monotonic()
    with open(out, "a") as sink:
        for _ in range(int(3600 / period)):  # bounded: at most an hour of samples
            t0 = time.monotonic()
            await asyncio.sleep(period)
            t1 = time.monotonic()
            pending.append(f"{t0:.6f} {(t1 - t0 - period) * 1000:.3f}\n")
            if t1 - last_flush >= 1.0:  # ~100 short lines per second: a few µs of loop time
                sink.write("".join(pending))
                sink.flush()
                pending.clear()
                last_flush = t1


def read_lag(path: Path) -> list[tuple[float, float]]:
    """The (start, overshoot ms) samples a lag-probe server wrote so far."""
    out = []
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            t, lag = line.split()
            out.append((float(t), float(lag)))
    return out


# -- a quiet machine ------------------------------------------------------------------------------


def wait_quiet(limit: float) -> dict[str, Any]:
    """Wait (at most ``limit`` s) for a 5 s stretch with < 0.15 core busy machine-wide; shares other people's box."""
    t0 = time.monotonic()
    busy = float("nan")
    for _ in range(int(limit / 5) + 1):
        b0, w0 = machine_cpu()[0], time.monotonic()
        time.sleep(5)
        busy = (machine_cpu()[0] - b0) / (time.monotonic() - w0)
        if busy < 0.15 or time.monotonic() - t0 >= limit:
            break
    return {"waited_s": time.monotonic() - t0, "busy_cores_last_5s": busy, "quiet": busy < 0.15}


def _child_main(argv: list[str]) -> int:
    """The child modes this module runs as its own process (``python bench/_common.py _probe …``)."""
    mode, rest = argv[0], argv[1:]
    if mode == "_probe":
        _probe_child(int(rest[0]), float(rest[1]), float(rest[2]), rest[3])
    elif mode == "_serve_lagprobe":
        _serve_lagprobe_child(rest[0], int(rest[1]), rest[2], float(rest[3]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
