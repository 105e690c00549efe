"""A worker that dies takes the whole process pool with it."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ch_executors._work import die, square


# [start broken]
def crash_one_worker() -> tuple[list[str], str]:
    """Return what each future raised, and what a later submit raises."""
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        futures: list[Future[object]] = [pool.submit(die, None)]
        futures += [pool.submit(square, i) for i in range(3)]  # queued behind it
        outcomes = [type(f.exception(timeout=30)).__name__ for f in futures]
        try:
            pool.submit(square, 4)
        except BrokenProcessPool as error:  # the pool is unusable from now on
            return outcomes, str(error)
    raise AssertionError("a broken pool accepted new work")  # pragma: no cover


# [end broken]


if __name__ == "__main__":
    outcomes, message = crash_one_worker()
    assert outcomes[0] == "BrokenProcessPool"
    assert "not usable anymore" in message
