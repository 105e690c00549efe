"""Measure threads, processes and asyncio on this machine; write JSON.

Run it for real with ``make figures`` or::

    python snippets/ch_concurrency_models/bench_models.py --out auto

Under the test suite (``BOOK_SNIPPET_TEST=1``) it runs a tiny workload and
writes to a temporary directory instead of the committed data.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

SNIPPETS = Path(__file__).resolve().parents[1]
if str(SNIPPETS) not in sys.path:  # pragma: no cover - only when run as a script
    sys.path.insert(0, str(SNIPPETS))

from ch_concurrency_models import _workloads as work  # noqa: E402

DEFAULT_OUT = SNIPPETS.parent / "book" / "concurrency" / "data" / "models.json"


@dataclass(frozen=True)
class Plan:
    """How much work each experiment does."""

    cpu_tasks: int = 8
    cpu_limit: int = 60_000  # about 0.1 s of pure Python per task
    workers: tuple[int, ...] = (1, 2, 4)
    io_delay: float = 0.025  # the server's fixed service time, seconds
    io_levels: tuple[int, ...] = (1, 10, 100, 1000)
    hash_tasks: int = 8
    hash_mib: int = 32
    repeats: int = 5


SMALL = Plan(
    cpu_tasks=4,
    cpu_limit=3_000,
    workers=(1, 2),
    io_delay=0.01,
    io_levels=(1, 10),
    hash_tasks=4,
    hash_mib=1,
    repeats=1,
)


# [start machine]
def describe_machine() -> dict[str, Any]:
    """What produced the numbers: a chart without this is folklore."""
    affinity = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    )
    gil_check = getattr(sys, "_is_gil_enabled", None)
    return {
        "os_cpu_count": os.cpu_count(),
        "sched_getaffinity": affinity,
        "cgroup_cpu_max": _read_text("/sys/fs/cgroup/cpu.max"),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "gil_enabled": gil_check() if gil_check is not None else True,
        "start_method": process_context().get_start_method(),
        "load_average_at_start": list(os.getloadavg()),
        "date_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


# [end machine]


def _read_text(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:  # pragma: no cover - no cgroup v2 file on this machine
        return None


def process_context() -> Any:
    """``forkserver`` where it exists (the Linux default from 3.14), else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    return multiprocessing.get_context(method)


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """The fastest of ``repeats`` runs: the least disturbed by other processes."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


# [start cpu-bound]
def cpu_in_pool(pool: Executor, tasks: int, limit: int) -> list[int]:
    return list(pool.map(work.count_primes, [limit] * tasks))


async def cpu_in_asyncio(tasks: int, limit: int) -> list[int]:
    async def one() -> int:
        return work.count_primes(limit)  # no await inside: nothing overlaps

    return list(await asyncio.gather(*(one() for _ in range(tasks))))


# [end cpu-bound]


# [start cpu-measure]
def interleaved(
    repeats: int, runs: dict[str, Callable[[], object]]
) -> dict[str, float]:
    """Best time of each run, taking turns, so a burst of load hits all of them."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            best[name] = min(best[name], best_of(1, run))
    return best


def measure_cpu(plan: Plan) -> dict[str, Any]:
    n, limit = plan.cpu_tasks, plan.cpu_limit
    runs: dict[str, Callable[[], object]] = {
        "serial": lambda: [work.count_primes(limit) for _ in range(n)],
        "asyncio": lambda: asyncio.run(cpu_in_asyncio(n, limit)),
    }
    with ExitStack() as stack:
        for w in plan.workers:
            threads = stack.enter_context(ThreadPoolExecutor(w))
            procs = stack.enter_context(
                ProcessPoolExecutor(w, mp_context=process_context())
            )
            for kind, pool in (("threads", threads), ("processes", procs)):
                cpu_in_pool(pool, w, limit)  # start the workers before timing
                runs[f"{kind}/{w}"] = partial(cpu_in_pool, pool, n, limit)
        best = interleaved(plan.repeats, runs)
    return {"tasks": n, "limit": limit} | split_by_kind(best)


# [end cpu-measure]


def split_by_kind(best: dict[str, float]) -> dict[str, Any]:
    """{"serial": 1.0, "threads/2": 0.5} -> {"serial_s": 1.0, "threads": {"2": 0.5}}"""
    result: dict[str, Any] = {}
    for name, seconds in best.items():
        kind, _, workers = name.partition("/")
        if workers:
            result.setdefault(kind, {})[workers] = seconds
        else:
            result[f"{kind}_s"] = seconds
    return result


@contextmanager
def delayed_server(delay: float) -> Iterator[int]:
    """A real TCP server in its own process, so its work does not share our GIL."""
    ctx = process_context()
    receiver, sender = ctx.Pipe(duplex=False)
    server = ctx.Process(target=work.serve_delayed, args=(delay, sender), daemon=True)
    server.start()
    if not receiver.poll(30):  # pragma: no cover - the server failed to start
        server.terminate()
        raise RuntimeError("the benchmark server did not start")
    port = int(receiver.recv())
    try:
        yield port
    finally:
        work.blocking_request(port, b"stop\n")  # a clean exit, not a signal
        server.join(10)
        if server.is_alive():  # pragma: no cover - the server ignored "stop"
            server.terminate()


# [start io-bound]
def io_serial(port: int, ops: int) -> None:
    for _ in range(ops):
        work.blocking_request(port)


def io_threads(port: int, ops: int, workers: int) -> None:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(work.blocking_request, [port] * ops))


async def io_asyncio(port: int, ops: int) -> None:
    async with asyncio.TaskGroup() as group:
        for _ in range(ops):
            group.create_task(work.async_request(port))


# [end io-bound]


def measure_level(port: int, c: int, repeats: int) -> dict[str, float]:
    return {
        "serial_s": best_of(1, lambda: io_serial(port, c)),
        "threads_s": best_of(repeats, lambda: io_threads(port, c, workers=c)),
        "thread_pool_40_s": best_of(
            repeats, lambda: io_threads(port, c, workers=min(c, 40))
        ),
        "asyncio_s": best_of(repeats, lambda: asyncio.run(io_asyncio(port, c))),
    }


def measure_io(plan: Plan) -> dict[str, Any]:
    work.raise_open_file_limit()
    with delayed_server(plan.io_delay) as port:
        levels = [measure_level(port, c, plan.repeats) for c in plan.io_levels]
    return {
        "server_delay_s": plan.io_delay,
        "concurrency": list(plan.io_levels),
    } | {key: [level[key] for level in levels] for key in levels[0]}


# [start gil-releasing]
def measure_hashing(plan: Plan) -> dict[str, Any]:
    buffer = os.urandom(plan.hash_mib * 2**20)
    n = plan.hash_tasks
    runs: dict[str, Callable[[], object]] = {
        "serial": lambda: [work.sha256_hex(buffer) for _ in range(n)]
    }
    with ExitStack() as stack:
        for w in plan.workers:
            pool = stack.enter_context(ThreadPoolExecutor(w))
            list(pool.map(work.sha256_hex, [buffer] * w))  # start the threads
            runs[f"threads/{w}"] = partial(
                lambda p: list(p.map(work.sha256_hex, [buffer] * n)), pool
            )
        best = interleaved(plan.repeats, runs)
    return {"tasks": n, "buffer_mib": plan.hash_mib} | split_by_kind(best)


# [end gil-releasing]


def run_all(plan: Plan) -> dict[str, Any]:
    started = time.perf_counter()
    data: dict[str, Any] = {"schema": 1, "machine": describe_machine()}
    data["cpu_bound"] = measure_cpu(plan)
    data["io_bound"] = measure_io(plan)
    data["gil_releasing"] = measure_hashing(plan)
    data["machine"]["load_average_at_end"] = list(os.getloadavg())
    data["machine"]["note"] = (
        "Best of several runs on a shared machine; other processes may have "
        "been running (see the load averages)."
    )
    data["duration_s"] = round(time.perf_counter() - started, 1)
    return data


# [start cli]
def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure threads, processes and asyncio on this machine."
    )
    parser.add_argument(
        "--out",
        default="auto",
        help="where to write the JSON ('auto': book/concurrency/data/models.json)",
    )
    parser.add_argument(
        "--small", action="store_true", help="a tiny workload (seconds, not minutes)"
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> Path:
    args = parse_args(argv)
    testing = os.environ.get("BOOK_SNIPPET_TEST") == "1"
    plan = SMALL if (args.small or testing) else Plan()
    if testing:  # never overwrite the committed data from a test run
        out = Path(tempfile.mkdtemp(prefix="bench-models-")) / "models.json"
    else:  # pragma: no cover - the real run (make figures)
        out = DEFAULT_OUT if args.out == "auto" else Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(run_all(plan), indent=2) + "\n")
    print(f"wrote {out}")
    return out


# [end cli]


if __name__ == "__main__":
    written = main(sys.argv[1:])
    if os.environ.get("BOOK_SNIPPET_TEST") == "1":  # checks on the small test run
        data = json.loads(written.read_text())
        assert data["machine"]["os_cpu_count"] == os.cpu_count()
        assert set(data) >= {"machine", "cpu_bound", "io_bound", "gil_releasing"}
        io = data["io_bound"]
        assert len(io["asyncio_s"]) == len(io["concurrency"])
        assert statistics.fmean(io["asyncio_s"]) > 0
        assert written.parent != DEFAULT_OUT.parent
