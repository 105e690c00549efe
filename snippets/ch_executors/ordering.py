"""Results in completion order (as_completed) or in input order (map)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed


# [start gated]
def gated_job(item: int, gate: threading.Event) -> int:
    """A job that finishes when its gate opens: we choose the finishing order."""
    if not gate.wait(timeout=10):  # pragma: no cover - a test forgot a gate
        raise TimeoutError(item)
    if item < 0:
        raise ValueError(f"bad item {item}")
    return item


# [end gated]


# [start compare]
def in_completion_order(items: list[int], finish_order: list[int]) -> list[int]:
    gates = {item: threading.Event() for item in items}
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        futures: list[Future[int]] = [
            pool.submit(gated_job, i, gates[i]) for i in items
        ]
        finished = as_completed(futures)
        results = []
        for item in finish_order:
            gates[item].set()  # let exactly one job finish...
            results.append(next(finished).result())  # ...and take the next result
        return results


def in_input_order(items: list[int], finish_order: list[int]) -> list[int]:
    gates = {item: threading.Event() for item in items}
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        results = pool.map(gated_job, items, [gates[i] for i in items])
        for item in finish_order:
            gates[item].set()
        return list(results)


# [end compare]


# [start map-raises]
def consume_map(items: list[int], seen: list[int]) -> None:
    """Iterate ``map``: the error surfaces when iteration reaches its item."""
    gates = [threading.Event() for _ in items]
    for gate in gates:
        gate.set()
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        results: Iterator[int] = pool.map(gated_job, items, gates)
        for result in results:
            seen.append(result)  # items before the bad one arrive normally


# [end map-raises]


if __name__ == "__main__":
    assert in_completion_order([1, 2, 3], finish_order=[3, 1, 2]) == [3, 1, 2]
    assert in_input_order([1, 2, 3], finish_order=[3, 1, 2]) == [1, 2, 3]
