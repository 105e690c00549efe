"""A priority queue for asyncio: FIFO per priority, weighted, cancellation-safe."""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from ch_llm_resilience.shedding import LoadShedder, Priority

Handler = Callable[[str], Awaitable[str]]


@dataclass
class Job:
    payload: str
    priority: Priority
    future: "asyncio.Future[str]"
    enqueued_at: float
    deadline: float | None = None


# [start weighted-queue]
@dataclass
class WeightedQueues:
    """One FIFO per priority; picks by smooth weighted round-robin.

    Under full load CRITICAL gets 8/11 of the picks, NORMAL 2/11 and BATCH
    1/11: high priority goes first, low priority is never starved.
    """

    weights: Mapping[Priority, int] = field(
        default_factory=lambda: {
            Priority.CRITICAL: 8,
            Priority.NORMAL: 2,
            Priority.BATCH: 1,
        }
    )
    queues: dict[Priority, deque[Job]] = field(default_factory=dict)
    credit: dict[Priority, int] = field(default_factory=dict)

    def put(self, job: Job) -> None:
        self.queues.setdefault(job.priority, deque()).append(job)

    def pop(self) -> Job:
        ready = [p for p, q in self.queues.items() if q]
        for p in ready:  # nginx's smooth weighted round-robin
            self.credit[p] = self.credit.get(p, 0) + self.weights[p]
        best = max(ready, key=lambda p: (self.credit[p], -p))
        self.credit[best] -= sum(self.weights[p] for p in ready)
        return self.queues[best].popleft()

    def __len__(self) -> int:
        return sum(len(q) for q in self.queues.values())


# [end weighted-queue]


# [start safe-worker]
class PriorityExecutor:
    def __init__(self, handle: Handler, shedder: LoadShedder) -> None:
        self.handle, self.shedder = handle, shedder
        self.clock = shedder.clock  # one clock for queue times and deadlines
        self.jobs = WeightedQueues()
        self.ready = asyncio.Semaphore(0)  # counts queued jobs
        self.skipped = 0

    async def submit(
        self, payload: str, priority: Priority, deadline: float | None = None
    ) -> str:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.jobs.put(Job(payload, priority, future, self.clock(), deadline))
        self.ready.release()
        return await future

    async def worker(self) -> None:
        while True:
            await self.ready.acquire()
            job = self.jobs.pop()
            if job.future.done():  # the caller was cancelled while queued
                self.skipped += 1
                continue
            try:
                self.shedder.check_dequeue(job.enqueued_at, job.deadline)
                result = await self.handle(job.payload)
            except Exception as exc:  # Shed included: the caller gets a 503
                if not job.future.done():
                    job.future.set_exception(exc)
            else:
                if not job.future.done():  # cancelled while we worked
                    job.future.set_result(result)


# [end safe-worker]
