"""B6: does requestPasswordReset take as long for an email with an account as for one without?

Real app: ``python -m workestra serve`` on a temp SQLite file (development outbox, so a known email's mail is
queued and "sent" to the log), the reset limits raised out of the way. ``--accounts`` accounts are signed up;
then ``--rounds`` rounds each send one request for a known email and one for an unknown one, in a random
order per round, over one keep-alive connection. Reported per kind: p50/p90/p99 of the answer time, and the
difference of the medians. Run twice: with the answer floor (``RESET_RESPONSE_FLOOR_MS``, default 200 ms)
and with it off (0), which shows the difference the floor hides. The script asserts nothing.

    .venv/bin/python bench/b6_reset_timing.py --app-ref HEAD          # ~1.5 min
    .venv/bin/python bench/b6_reset_timing.py --rounds 50 --no-save    # quick look
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c  # noqa: E402

REQUEST = (
    "mutation($email: String!) { requestPasswordReset(input: {email: $email}) { __typename "
    "... on PasswordResetRequested { message } } }"
)


def measure(base_url: str, known: list[str], rounds: int) -> dict[str, list[float]]:
    """Answer times (ms) of ``rounds`` known and ``rounds`` unknown requests, interleaved at random."""
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        for i in range(rounds):
            pair = [("known", known[i % len(known)]), ("unknown", f"{uuid.uuid4().hex[:12]}@example.com")]
            random.shuffle(pair)
            for kind, email in pair:
                started = time.perf_counter()
                answer = c.gql(client, REQUEST, {"email": email})["requestPasswordReset"]
                times[kind].append((time.perf_counter() - started) * 1000)
                if answer["__typename"] != "PasswordResetRequested":
                    raise RuntimeError(f"requestPasswordReset answered {answer}")
    return times


def one_run(work: Path, floor_ms: int, args: argparse.Namespace) -> dict[str, Any]:
    env = {
        "RESET_EMAIL_LIMIT": "1000000",
        "RESET_IP_LIMIT": "1000000",
        "SIGNUP_IP_LIMIT": "1000000",
        "RESET_RESPONSE_FLOOR_MS": str(floor_ms),
    }
    server = c.start_real_app(f"b6-floor{floor_ms}", f"sqlite://{work / f'b6-{floor_ms}.sqlite3'}", work, env=env)
    try:
        known = [f"known-{uuid.uuid4().hex[:8]}@example.com" for _ in range(args.accounts)]
        for email in known:
            c.open_sessions(server.base_url, email, 1)
        measure(server.base_url, known, args.warmup)
        times = measure(server.base_url, known, args.rounds)
    finally:
        server.stop()
    known_d, unknown_d = c.dist(times["known"]), c.dist(times["unknown"])
    return {
        "floor_ms": floor_ms,
        "known": known_d,
        "unknown": unknown_d,
        "median_difference_ms": known_d["p50"] - unknown_d["p50"],
    }


def run(args: argparse.Namespace, source: dict[str, Any]) -> int:
    load_before = os.getloadavg()
    with c.temp_dir("b6-") as work:
        runs = [one_run(work, floor, args) for floor in (200, 0)]
    load_after = os.getloadavg()
    lines = [f"B6 requestPasswordReset timing, known vs unknown email ({source['app']})"]
    lines.append(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    for result in runs:
        lines.append(f"floor {result['floor_ms']} ms:")
        lines.append(f"  known   {c.fmt_dist(result['known'])}")
        lines.append(f"  unknown {c.fmt_dist(result['unknown'])}")
        lines.append(f"  median difference (known - unknown) {result['median_difference_ms']:+.2f} ms")
    text = "\n".join(lines)
    print(text)
    if not args.no_save:
        payload = {
            "machine": c.machine_info(),
            "source": source,
            "load_average": {"before": load_before, "after": load_after},
            "args": vars(args),
            "runs": runs,
        }
        json_path, _ = c.write_result("b6", payload, text)
        print(f"saved {json_path}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_app_arguments(parser)
    parser.add_argument("--accounts", type=int, default=20, help="accounts signed up (known emails)")
    parser.add_argument("--rounds", type=int, default=200, help="known + unknown request pairs measured per run")
    parser.add_argument("--warmup", type=int, default=10, help="pairs sent before measuring")
    parser.add_argument("--no-save", action="store_true", help="print only; write nothing to bench/results")
    args = parser.parse_args()
    c.install_signal_handlers()
    return c.run_on_app(args, run)


if __name__ == "__main__":
    raise SystemExit(main())
