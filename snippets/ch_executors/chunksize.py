"""chunksize ships items to process workers in batches."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from itertools import groupby

from ch_executors._work import slow_pid


# [start chunks]
def worker_runs(items: int, chunksize: int) -> list[int]:
    """Lengths of the runs of consecutive items that one worker handled."""
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        pids = list(pool.map(slow_pid, range(items), chunksize=chunksize))
    return [len(list(run)) for _, run in groupby(pids)]


# [end chunks]


if __name__ == "__main__":
    runs = worker_runs(items=20, chunksize=5)
    assert all(run % 5 == 0 for run in runs), runs  # whole chunks, never split
