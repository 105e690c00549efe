"""Do two workers ever run Python at the same instant? Record it and see."""

from __future__ import annotations

import time
from concurrent.futures import Executor

Timeline = list[tuple[float, float]]


# [start timeline]
def busy_timeline(seconds: float) -> Timeline:
    """Spin for ``seconds``; return the stretches when this worker really ran.

    The loop reads the clock on every pass. A jump of more than 0.1 ms means
    the worker was not running in between: the OS scheduled something else,
    or (for a thread) another thread held the GIL. Hand-offs shorter than
    0.1 ms go unseen, so the resolution of the result is about a millisecond.
    """
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


def parallel_seconds(pool: Executor, seconds: float) -> float:
    """Give two workers the same spin; measure how long they truly overlapped."""
    first, second = (
        pool.submit(busy_timeline, seconds),
        pool.submit(busy_timeline, seconds),
    )
    return overlap(first.result(), second.result())


# [end timeline]


if __name__ == "__main__":
    from concurrent.futures import ThreadPoolExecutor

    from ch_concurrency_models import parallelism

    with ThreadPoolExecutor(2) as threads:
        assert parallelism.parallel_seconds(threads, 0.05) < 0.001
