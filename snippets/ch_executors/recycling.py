"""max_tasks_per_child (3.11) replaces each worker after N tasks."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from ch_executors._work import pid_of


# [start recycle]
def pids_with_recycling(tasks: int, per_child: int) -> list[int]:
    ctx = multiprocessing.get_context("forkserver")  # fork is refused (ValueError)
    with ProcessPoolExecutor(
        max_workers=2, mp_context=ctx, max_tasks_per_child=per_child
    ) as pool:
        return list(pool.map(pid_of, range(tasks)))


# [end recycle]


if __name__ == "__main__":
    pids = pids_with_recycling(tasks=4, per_child=1)
    assert len(set(pids)) == 4  # a fresh process for every task
