"""A private redis-server for tests that stop, freeze or restart Redis without disturbing anyone else."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import redis

# Seconds to wait for the server to start or stop.
WAIT = 10.0


class RedisServerError(RuntimeError):
    """The private redis-server could not be started."""


class RedisServer:
    """A throwaway redis-server process that tests may kill, freeze and restart."""

    def __init__(self, binary: str, port: int, workdir: Path) -> None:
        self.binary = binary
        self.port = port
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        logfile = self.workdir / "redis.log"
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
                "--logfile",
                str(logfile),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + WAIT
        try:
            while True:
                if self.proc.poll() is not None:
                    tail = logfile.read_text(errors="replace")[-500:] if logfile.exists() else ""
                    raise RedisServerError(f"redis-server exited early: {tail}")
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    raise RedisServerError(f"redis-server did not answer PING on port {self.port}")
                time.sleep(0.02)
        finally:
            client.close()

    def stop(self) -> None:
        """SIGKILL, like a crash: no graceful close of client connections."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=WAIT)
        self.proc = None

    def freeze(self) -> None:
        """SIGSTOP: sockets stay open but nothing answers, like a black-holed network."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
