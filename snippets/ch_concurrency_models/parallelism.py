"""Do two workers ever run Python at the same instant? Record it and see."""

from __future__ import annotations

import os
import time
from concurrent.futures import Executor

Timeline = list[tuple[float, float]]


# [start timeline]
def busy_timeline(seconds: float, cpu: int | None = None) -> Timeline:
    """Spin for ``seconds``; return the stretches when this worker really ran.

    The loop reads the clock on every pass. A jump of more than 0.1 ms means
    the worker was not running in between: the OS scheduled something else,
    or (for a thread) another thread held the GIL. Hand-offs shorter than
    0.1 ms go unseen, so the resolution of the result is about a millisecond.
    """
    if cpu is not None:  # Linux: run this worker on that CPU only
        os.sched_setaffinity(0, {cpu})
    segments: Timeline = []
    start = last = time.perf_counter()  # CLOCK_MONOTONIC: one clock per machine
    while last - segments_start(segments, start) < seconds:
        now = time.perf_counter()
        if now - last > 0.0001:
            segments.append((start, last))
            start = now
        last = now
    segments.append((start, last))
    return segments


def segments_start(segments: Timeline, start: float) -> float:
    return segments[0][0] if segments else start


def overlap(a: Timeline, b: Timeline) -> float:
    """Seconds during which both workers were running at once."""
    return sum(
        max(0.0, min(a_end, b_end) - max(a_start, b_start))
        for a_start, a_end in a
        for b_start, b_end in b
    )


def parallel_seconds(pool: Executor, seconds: float, pin: bool = False) -> float:
    """Give two workers the same spin; measure how long they truly overlapped.

    ``pin`` puts each worker on a CPU of its own, so a busy scheduler cannot
    queue both of them on one core (use it for processes, on Linux).
    """
    cpus = sorted(os.sched_getaffinity(0))[:2] if pin else [None, None]
    first, second = [pool.submit(busy_timeline, seconds, cpu) for cpu in cpus]
    return overlap(first.result(), second.result())


# [end timeline]


if __name__ == "__main__":
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from ch_concurrency_models import parallelism

    with ThreadPoolExecutor(2) as threads:
        overlap_s = parallelism.parallel_seconds(threads, 0.05)
    if sys.gettrace() is None:  # a line tracer (coverage) blurs the hand-offs
        assert overlap_s < 0.001  # pragma: no cover - runs only without a tracer
