"""A fake clock for unit tests and console sessions: sleeping advances time."""

import asyncio


class FakeClock:
    """``now()`` reads the fake time; ``await sleep(d)`` moves it forward by d."""

    def __init__(self, start: float = 0.0) -> None:
        self.time = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.time += delay
        await asyncio.sleep(0)  # still a real suspension point
