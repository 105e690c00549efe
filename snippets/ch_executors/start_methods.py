"""Start methods: know which one you get, and choose it explicitly."""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor

from ch_executors._work import square


# [start default]
def default_start_method() -> str:
    """'fork' on Linux up to 3.13, 'forkserver' from 3.14; 'spawn' on macOS/Windows."""
    return multiprocessing.get_context().get_start_method()


# [end default]


# [start explicit]
def make_cpu_pool(workers: int) -> ProcessPoolExecutor:
    """The same behaviour on every Python version and platform."""
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    ctx = multiprocessing.get_context(method)
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


# [end explicit]


if __name__ == "__main__":
    if sys.platform == "linux":
        expected = "forkserver" if sys.version_info >= (3, 14) else "fork"
        assert default_start_method() == expected
    with make_cpu_pool(1) as pool:
        assert pool.submit(square, 5).result() == 25
