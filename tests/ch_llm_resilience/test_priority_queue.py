"""Priority queues: the naive worker dies; the safe one is fair and survives."""

import asyncio

import pytest

from ch_llm_fundamentals._fake_clock import FakeClock
from ch_llm_resilience.naive_priority import NaivePriorityQueue, heap_order
from ch_llm_resilience.priority_queue import Job, PriorityExecutor, WeightedQueues
from ch_llm_resilience.shedding import LoadShedder, Priority, Shed


class Vendor:
    """A handler that blocks until released, and records what it was asked."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.started = asyncio.Event()
        self.gate = asyncio.Event()

    async def __call__(self, payload: str) -> str:
        self.calls.append(payload)
        self.started.set()
        await self.gate.wait()
        return payload.upper()


def test_naive_worker_dies_with_invalid_state_error() -> None:
    async def go() -> None:
        vendor = Vendor()
        queue = NaivePriorityQueue(vendor)
        worker = asyncio.create_task(queue.worker())
        waiter = asyncio.create_task(queue.submit("a", 1))
        await vendor.started.wait()
        waiter.cancel()  # the client disconnected, or its timeout fired
        with pytest.raises(asyncio.CancelledError):
            await waiter
        vendor.gate.set()
        with pytest.raises(asyncio.InvalidStateError):
            await worker  # set_result, then set_exception, on a cancelled future
        later = asyncio.create_task(queue.submit("b", 1))
        await asyncio.sleep(0)
        assert queue.heap  # the job waits...
        assert not later.done()  # ...and nobody will ever serve it
        later.cancel()

    asyncio.run(go())


def test_a_heap_without_sequence_numbers_is_not_fifo() -> None:
    order = heap_order([(1, c) for c in "abcdefgh"])
    assert order[0] == "a"
    assert order != list("abcdefgh")


def run_executor(
    submissions: list[tuple[str, Priority]], clock: FakeClock | None = None
) -> tuple[list[str], Vendor]:
    """Queue everything while the worker is busy, then let it drain."""

    async def go() -> tuple[list[str], Vendor]:
        vendor = Vendor()
        shedder = LoadShedder(max_in_flight=100, clock=(clock or FakeClock()).now)
        executor = PriorityExecutor(vendor, shedder)
        blocker = asyncio.create_task(executor.submit("first", Priority.CRITICAL))
        worker = asyncio.create_task(executor.worker())
        await vendor.started.wait()  # the worker is busy with "first"
        tasks = [
            asyncio.create_task(executor.submit(p, prio)) for p, prio in submissions
        ]
        await asyncio.sleep(0)  # every submission is queued now
        vendor.gate.set()
        await blocker
        await asyncio.gather(*tasks)
        worker.cancel()
        return vendor.calls[1:], vendor

    return asyncio.run(go())


def test_equal_priorities_are_served_first_in_first_out() -> None:
    payloads = [f"job{i}" for i in range(8)]
    served, _ = run_executor([(p, Priority.NORMAL) for p in payloads])
    assert served == payloads


def test_low_priority_is_served_under_sustained_high_priority_load() -> None:
    submissions = [(f"c{i}", Priority.CRITICAL) for i in range(40)]
    submissions += [(f"b{i}", Priority.BATCH) for i in range(5)]
    served, _ = run_executor(submissions)
    first_eighteen = served[:18]
    assert [p for p in first_eighteen if p.startswith("b")] == ["b0", "b1"]
    assert served.index("b0") < 9  # not after all 40 critical jobs


def test_weights_share_the_picks_when_everything_is_queued() -> None:
    loop = asyncio.new_event_loop()
    try:
        queues = WeightedQueues()
        for prio in Priority:
            for i in range(20):
                queues.put(Job(f"{prio.name}{i}", prio, loop.create_future(), 0.0))
        picks = [queues.pop().priority for _ in range(11)]
    finally:
        loop.close()
    assert picks.count(Priority.CRITICAL) == 8
    assert picks.count(Priority.NORMAL) == 2
    assert picks.count(Priority.BATCH) == 1
    assert len(queues) == 60 - 11


def test_safe_worker_skips_cancelled_waiters_and_keeps_serving() -> None:
    async def go() -> tuple[list[str], str, int]:
        vendor = Vendor()
        executor = PriorityExecutor(vendor, LoadShedder(max_in_flight=10))
        assert executor.clock is executor.shedder.clock
        worker = asyncio.create_task(executor.worker())
        busy = asyncio.create_task(executor.submit("busy", Priority.NORMAL))
        await vendor.started.wait()
        queued = asyncio.create_task(executor.submit("queued", Priority.NORMAL))
        await asyncio.sleep(0)
        busy.cancel()  # cancelled while the vendor works on it
        queued.cancel()  # cancelled while still queued
        for task in (busy, queued):
            with pytest.raises(asyncio.CancelledError):
                await task
        vendor.gate.set()
        answer = await executor.submit("after", Priority.NORMAL)
        assert not worker.done()
        worker.cancel()
        return vendor.calls, answer, executor.skipped

    calls, answer, skipped = asyncio.run(go())
    assert answer == "AFTER"
    assert calls == ["busy", "after"]  # the queued, cancelled job never ran
    assert skipped == 1


def test_jobs_whose_deadline_passed_in_the_queue_never_reach_the_vendor() -> None:
    clock = FakeClock()

    async def go() -> tuple[list[str], list[BaseException | None]]:
        vendor = Vendor()
        shedder = LoadShedder(max_in_flight=10, max_queue_time=60, clock=clock.now)
        executor = PriorityExecutor(vendor, shedder)
        worker = asyncio.create_task(executor.worker())
        first = asyncio.create_task(executor.submit("first", Priority.NORMAL))
        await vendor.started.wait()
        late = asyncio.create_task(
            executor.submit("late", Priority.NORMAL, deadline=clock.now() + 2.0)
        )
        fine = asyncio.create_task(executor.submit("fine", Priority.NORMAL))
        await asyncio.sleep(0)
        clock.time += 5.0  # "first" took 5 s; "late" had only 2 s to live
        vendor.gate.set()
        results = await asyncio.gather(first, late, fine, return_exceptions=True)
        worker.cancel()
        return vendor.calls, [
            r if isinstance(r, BaseException) else None for r in results
        ]

    calls, errors = asyncio.run(go())
    assert calls == ["first", "fine"]
    assert isinstance(errors[1], Shed)
    assert errors[1].reason == "deadline passed while queued"


def test_jobs_queued_too_long_are_shed() -> None:
    clock = FakeClock()

    async def go() -> BaseException:
        vendor = Vendor()
        shedder = LoadShedder(max_in_flight=10, max_queue_time=1.0, clock=clock.now)
        executor = PriorityExecutor(vendor, shedder)
        worker = asyncio.create_task(executor.worker())
        first = asyncio.create_task(executor.submit("first", Priority.NORMAL))
        await vendor.started.wait()
        stale = asyncio.create_task(executor.submit("stale", Priority.NORMAL))
        await asyncio.sleep(0)
        clock.time += 1.5
        vendor.gate.set()
        await first
        with pytest.raises(Shed) as caught:
            await stale
        worker.cancel()
        assert vendor.calls == ["first"]
        return caught.value

    shed = asyncio.run(go())
    assert isinstance(shed, Shed)
    assert shed.status == 503
    assert shed.reason == "queued too long"
