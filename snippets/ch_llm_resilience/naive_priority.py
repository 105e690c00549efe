"""A popular asyncio priority queue whose worker dies on a cancelled waiter."""

import asyncio
import heapq
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Handler = Callable[[str], Awaitable[str]]


# [start naive-queue]
@dataclass(order=True)
class Item:
    priority: int
    payload: str = field(compare=False)
    future: "asyncio.Future[str]" = field(compare=False)


class NaivePriorityQueue:
    def __init__(self, handle: Handler) -> None:
        self.heap: list[Item] = []
        self.wakeup = asyncio.Event()
        self.handle = handle

    async def submit(self, payload: str, priority: int) -> str:
        future: asyncio.Future[str] = asyncio.Future()
        heapq.heappush(self.heap, Item(priority, payload, future))
        self.wakeup.set()
        return await future  # the caller waits here, and may be cancelled here

    async def worker(self) -> None:
        while True:
            while not self.heap:
                self.wakeup.clear()
                await self.wakeup.wait()
            item = heapq.heappop(self.heap)
            try:
                item.future.set_result(await self.handle(item.payload))
            except Exception as exc:
                item.future.set_exception(exc)  # raises again if cancelled


# [end naive-queue]


def heap_order(priorities: list[tuple[int, str]]) -> list[str]:
    """The order a heap of ``Item`` pops equal-priority payloads in."""
    loop = asyncio.new_event_loop()
    try:
        heap: list[Item] = []
        for priority, payload in priorities:
            heapq.heappush(heap, Item(priority, payload, loop.create_future()))
        return [heapq.heappop(heap).payload for _ in range(len(heap))]
    finally:
        loop.close()
