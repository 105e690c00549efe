"""A semaphore inside a TaskGroup caps how many calls are in flight."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass
class InFlight:
    """Counts concurrent calls and remembers the peak."""

    now: int = 0
    peak: int = 0

    def enter(self) -> None:
        self.now += 1
        self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        self.now -= 1


# [start bounded-fanout]
async def embed(text: str, gauge: InFlight) -> list[float]:
    gauge.enter()
    try:
        await asyncio.sleep(0.001)  # the vendor call
        return [float(len(text))]
    finally:
        gauge.leave()


async def embed_all(texts: list[str], limit: int, gauge: InFlight) -> list[list[float]]:
    slots = asyncio.Semaphore(limit)

    async def one(text: str) -> list[float]:
        async with slots:  # at most `limit` calls past this line at once
            return await embed(text, gauge)

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(one(text)) for text in texts]
    return [task.result() for task in tasks]  # input order kept


# [end bounded-fanout]


if __name__ == "__main__":
    gauge = InFlight()
    vectors = asyncio.run(embed_all(["a", "bb", "ccc"] * 7, limit=3, gauge=gauge))
    assert vectors[:3] == [[1.0], [2.0], [3.0]]
    assert gauge.peak == 3
    assert gauge.now == 0
