"""Start the real processes of the multi-pod experiment (for scripts, not tests)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=0.2),
        ):
            return
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"{what} did not start")  # pragma: no cover
        time.sleep(0.02)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=15)


class Redis:
    """A private redis-server that can be stopped halfway and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="multipod-redis-")
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        program = shutil.which("redis-server") or "/usr/bin/redis-server"
        args = [program, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", self.dir]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        wait_for_port(self.port, self.process, "redis-server")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@contextlib.contextmanager
def running_redis() -> Iterator[Redis]:
    server = Redis()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.dir, ignore_errors=True)


@contextlib.contextmanager
def running_pods(count: int, env: Mapping[str, str]) -> Iterator[list[str]]:
    """Start ``count`` uvicorn pods of ``ch_llm_multipod.pod:app``; yield URLs."""
    processes, urls = [], []
    base = dict(os.environ, **env)
    base["PYTHONPATH"] = os.pathsep.join([str(SNIPPETS), base.get("PYTHONPATH", "")])
    try:
        for i in range(count):
            port = free_port()
            args = [sys.executable, "-m", "uvicorn", "ch_llm_multipod.pod:app"]
            args += ["--port", str(port), "--no-access-log"]
            args += ["--timeout-graceful-shutdown", "2"]
            process = subprocess.Popen(
                args, env={**base, "POD_NAME": f"pod-{i}"}, stderr=subprocess.DEVNULL
            )
            processes.append((process, port))
            urls.append(f"http://127.0.0.1:{port}")
        for process, port in processes:
            wait_for_port(port, process, "pod")
        yield urls
    finally:
        for process, _ in processes:
            stop(process)
