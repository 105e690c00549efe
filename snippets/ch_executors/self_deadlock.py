"""A job that waits for another job of the same full pool waits forever."""

from __future__ import annotations

import queue
from concurrent.futures import Future, ThreadPoolExecutor

from ch_executors._work import square


# [start deadlock]
def outer(pool: ThreadPoolExecutor, handoff: queue.Queue[Future[int]]) -> int:
    inner = pool.submit(square, 3)  # queued behind... this very job
    handoff.put(inner)  # (only so the test can reach it)
    return inner.result()  # the pool's only worker waits for itself


# [end deadlock]


# [start two-pools]
def outer_fixed(inner_pool: ThreadPoolExecutor) -> int:
    return inner_pool.submit(square, 3).result()  # another pool: no cycle


def nested_without_deadlock() -> int:
    with (
        ThreadPoolExecutor(max_workers=1) as outer_pool,
        ThreadPoolExecutor(max_workers=1) as inner_pool,
    ):
        return outer_pool.submit(outer_fixed, inner_pool).result(timeout=10)


# [end two-pools]


if __name__ == "__main__":
    assert nested_without_deadlock() == 9
