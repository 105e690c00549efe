"""Bounded fan-out, completion order, and a bounded queue with workers."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator

from ch_asyncio_structured.as_completed_order import (
    answer,
    completed_tasks,
    first_come_first_served,
)
from ch_asyncio_structured.bounded_fanout import InFlight, embed_all
from ch_asyncio_structured.queue_workers import process_all, run_pipeline


async def _settle(rounds: int = 50) -> None:
    """Let every ready callback run; no wall-clock time involved."""
    for _ in range(rounds):
        await asyncio.sleep(0)


def test_semaphore_caps_in_flight_calls_at_the_bound() -> None:
    for limit in (1, 3, 5):
        gauge = InFlight()
        texts = [f"text-{i}" for i in range(20)]
        vectors = asyncio.run(embed_all(texts, limit=limit, gauge=gauge))
        assert vectors == [[float(len(t))] for t in texts]
        assert gauge.peak == limit  # reached, and never exceeded
        assert gauge.now == 0


def test_as_completed_yields_in_completion_order_not_argument_order() -> None:
    async def main() -> list[str]:
        gates = {name: asyncio.Event() for name in ["slow", "medium", "fast"]}
        order = ["fast", "slow", "medium"]
        gates[order[0]].set()
        return await first_come_first_served(gates, order)

    assert asyncio.run(main()) == ["fast", "slow", "medium"]


def test_completed_tasks_returns_the_original_task_objects() -> None:
    async def main() -> bool:
        ready = asyncio.Event()
        ready.set()
        tasks = [asyncio.create_task(answer(n, ready)) for n in "abc"]
        done = await completed_tasks(tasks)
        return sorted(map(id, done)) == sorted(map(id, tasks))

    assert asyncio.run(main())


def test_as_completed_async_iteration_exists_only_from_313() -> None:
    async def main() -> bool:
        ready = asyncio.Event()
        ready.set()
        tasks = [asyncio.create_task(answer("a", ready))]
        iterator = asyncio.as_completed(tasks)
        supports = hasattr(iterator, "__aiter__")
        for remaining in iterator:
            await remaining
        return supports

    assert asyncio.run(main()) is (sys.version_info >= (3, 13))


def test_producer_blocks_when_the_bounded_queue_is_full() -> None:
    produced: list[int] = []
    gate = asyncio.Event()
    handled: list[str] = []

    def items() -> Iterator[str]:
        for i in range(10):
            produced.append(i)
            yield f"doc-{i}"

    async def slow_handler(item: str) -> None:
        await gate.wait()
        handled.append(item)

    async def main() -> None:
        pipeline = asyncio.create_task(process_all(items(), slow_handler, workers=1))
        await _settle()
        # One item held by the worker, two in the queue (maxsize=2), and the
        # producer parked in put() with the fourth: not all ten.
        assert len(produced) == 4
        assert not pipeline.done()
        gate.set()
        await asyncio.wait_for(pipeline, timeout=10)

    asyncio.run(main())
    assert handled == [f"doc-{i}" for i in range(10)]


def test_workers_are_stopped_cleanly_after_join() -> None:
    async def handler(item: str) -> None:
        await asyncio.sleep(0)

    async def main() -> set[asyncio.Task[object]]:
        await process_all([f"doc-{i}" for i in range(5)], handler, workers=3)
        return asyncio.all_tasks() - {asyncio.current_task()}  # type: ignore[arg-type]

    assert asyncio.run(main()) == set()  # no worker left behind, no error raised


def test_queue_shutdown_exists_from_313_and_the_pipeline_works_either_way() -> None:
    assert hasattr(asyncio.Queue, "shutdown") is (sys.version_info >= (3, 13))
    handled: list[str] = []

    async def handler(item: str) -> None:
        await asyncio.sleep(0)
        handled.append(item)

    items = [f"doc-{i}" for i in range(7)]
    asyncio.run(run_pipeline(items, handler, workers=2))
    assert sorted(handled) == sorted(items)
