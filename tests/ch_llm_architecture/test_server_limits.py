"""uvicorn's admission limits on a real server: what they count, what they do."""

from __future__ import annotations

import importlib.util
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from ch_llm_architecture.server_limits import (
    connect_to_full_backlog,
    keep_alive_request,
    listen_queue_size,
    open_idle,
)
from tests.support.services import UvicornServer

POD = "ch_llm_architecture.server_limits:probe_app"
Start = Callable[..., UvicornServer]


def test_idle_connections_fill_limit_concurrency(uvicorn_server: Start) -> None:
    server = uvicorn_server(POD, extra_args=["--limit-concurrency", "2"])
    idle = open_idle(server.port, 2)  # connected, no request in flight
    sock, status = keep_alive_request(server.port)
    sock.close()
    assert status == 503  # nothing is running, yet the server is "full"
    for s in idle:
        s.close()
    deadline = time.monotonic() + 10
    while status == 503 and time.monotonic() < deadline:  # closes are async
        sock, status = keep_alive_request(server.port)
        sock.close()
    assert status == 200
    assert "Exceeded concurrency limit." in server.output()


def test_the_nth_connection_is_refused_and_probes_share_the_limit(
    uvicorn_server: Start,
) -> None:
    server = uvicorn_server(POD, extra_args=["--limit-concurrency", "3"])
    first, first_status = keep_alive_request(server.port, "/readyz")
    second, second_status = keep_alive_request(server.port, "/readyz")
    third, third_status = keep_alive_request(server.port, "/livez")  # a probe
    for sock in (first, second, third):
        sock.close()
    # Two finished, idle keep-alive connections plus the one being served:
    # 3 >= 3, so the liveness probe itself gets 503.
    assert [first_status, second_status, third_status] == [200, 200, 503]


def test_connections_beyond_the_backlog_wait_instead_of_failing() -> None:
    outcomes = connect_to_full_backlog(backlog=2, attempts=5, timeout=0.3)
    # Linux queues backlog + 1 handshakes; later SYNs are dropped, so the
    # client is not refused: it waits, retransmits, and times out.
    assert outcomes == ["queued", "queued", "queued", "timed out", "timed out"]


def test_the_kernel_caps_uvicorns_backlog_at_somaxconn(uvicorn_server: Start) -> None:
    somaxconn = int(Path("/proc/sys/net/core/somaxconn").read_text())
    small = uvicorn_server(POD, extra_args=["--backlog", "64"])
    huge = uvicorn_server(POD, extra_args=["--backlog", str(somaxconn * 10)])
    assert listen_queue_size(small.port) == 64
    assert listen_queue_size(huge.port) == somaxconn  # silently capped


def worker_pids(parent: int) -> set[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    pids = set()
    for pid in children:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        if b"spawn_main" in cmdline:  # a uvicorn worker, not a helper process
            pids.add(int(pid))
    return pids


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_uvicorn_workers_replaces_a_dead_worker(uvicorn_server: Start) -> None:
    server = uvicorn_server(POD, extra_args=["--workers", "2"])
    assert server.process is not None
    parent = server.process.pid
    assert wait_for(lambda: len(worker_pids(parent)) == 2)
    before = worker_pids(parent)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    assert wait_for(
        lambda: len(worker_pids(parent)) == 2 and victim not in worker_pids(parent)
    )
    # The supervisor's log line and the new worker come from two processes:
    # the process table can show the replacement before the parent's line
    # reaches the log file, so wait for the line itself (bounded).
    died = f"Child process [{victim}] died"
    assert wait_for(lambda: died in server.output()), server.output()


def test_the_gunicorn_worker_is_deprecated_and_ignores_worker_connections() -> None:
    spec = importlib.util.find_spec("uvicorn.workers")
    assert spec is not None
    assert spec.origin is not None
    source = Path(spec.origin).read_text()
    # Importing it needs gunicorn (not installed here); its first statement
    # after the imports is the deprecation warning pointing to uvicorn-worker.
    assert "The `uvicorn.workers` module is deprecated" in source
    assert "uvicorn-worker" in source
    # The worker builds uvicorn's Config from gunicorn's settings: keepalive,
    # timeout, max_requests, backlog... but neither gunicorn's
    # worker_connections nor uvicorn's limit_concurrency is among them.
    assert '"timeout_keep_alive": self.cfg.keepalive' in source
    assert "limit_concurrency" not in source
    assert "worker_connections" not in source
