"""Initializers prepare each worker once; a failing one breaks the pool."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.thread import BrokenThreadPool

from ch_executors._work import broken_initializer, classify, load_model, square


# [start init]
def classify_all(texts: list[str]) -> list[str]:
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(
        max_workers=2,
        mp_context=ctx,
        initializer=load_model,  # runs once per worker process
        initargs=("tiny-model",),
    ) as pool:
        return list(pool.map(classify, texts))


# [end init]


# [start init-fails]
def with_failing_initializer() -> str:
    with ThreadPoolExecutor(max_workers=1, initializer=broken_initializer) as pool:
        future = pool.submit(square, 3)
        try:
            future.result(timeout=10)
        except BrokenThreadPool as error:
            return str(error)
    raise AssertionError("the initializer did not break the pool")  # pragma: no cover


# [end init-fails]


if __name__ == "__main__":
    assert classify_all(["a b", "c d e"]) == [
        "tiny-model:2 words",
        "tiny-model:3 words",
    ]
