"""What a script sees when it hands a process pool something unpicklable."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from ch_executors._work import square as module_level_square

# [start errors]
square_lambda = lambda x: x * x  # noqa: E731 - the mistake: a lambda has no importable name


def make_scaler(factor: int) -> Callable[[int], int]:
    def scale(x: int) -> int:
        return x * factor

    return scale


def submit_each(jobs: list[Callable[[int], int]]) -> list[str]:
    ctx = multiprocessing.get_context("spawn")  # as on macOS and Windows
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        futures = [pool.submit(job, 7) for job in jobs]
        return [
            f"{type(e).__name__}: {e}" if (e := f.exception()) else f"ok: {f.result()}"
            for f in futures
        ]


# [end errors]


if __name__ == "__main__":
    assert make_scaler(3)(7) == 21  # fine in this process: only pickling fails
    # The closure's message changed wording in 3.13: pickling.pycon shows both.
    for line in submit_each([module_level_square, square_lambda]):
        print(line)
