"""Executor.map submits every item before it yields the first result."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from ch_executors._work import square


# [start eager]
def prompts(pulled: list[int], total: int) -> Iterator[int]:
    for i in range(total):
        pulled.append(i)  # record each item map takes from the input
        yield i


def first_result_after(total: int) -> tuple[int, int]:
    """Return (first result, items pulled before it reached the caller)."""
    pulled: list[int] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(square, prompts(pulled, total))
        first = next(results)
        return first, len(pulled)


# [end eager]


if __name__ == "__main__":
    assert first_result_after(10_000) == (0, 10_000)  # all of them, up front
