"""A token-bucket rate limiter with a bounded wait, and Little's law sizing."""

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

from ch_llm_fundamentals.errors import AdmissionRejected

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


# [start little]
def max_in_flight(rate: float, time_in_flight: float, burst: int) -> int:
    """Worst-case calls in flight when starts are capped at ``rate`` per second.

    Little's law gives the average: in flight = arrival rate x time in
    system. A token bucket also lets ``burst`` calls start at once on top
    of the steady rate, so the bound the semaphore must allow is both.
    """
    return math.ceil(rate * time_in_flight) + burst


# [end little]


# [start bucket]
class TokenBucket:
    """Starts at most ``rate`` per second after an initial ``burst``."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate, self.burst = rate, burst
        self._clock, self._sleep = clock, sleep
        self._level = float(burst)  # a full bucket: this is the burst term
        self._updated = clock()

    async def acquire(self, cost: float = 1.0, *, max_wait: float) -> None:
        """Take ``cost`` tokens, waiting at most ``max_wait`` seconds for them."""
        now = self._clock()
        self._level = min(self.burst, self._level + (now - self._updated) * self.rate)
        self._updated = now
        wait = max(0.0, (cost - self._level) / self.rate)
        if wait > max_wait:  # fail now rather than after a wait we know is too long
            raise AdmissionRejected("rate", 0.0)
        self._level -= cost  # reserve: later callers queue behind us
        if wait > 0:
            try:
                await self._sleep(wait)
            except asyncio.CancelledError:
                self._level += cost  # give the reservation back
                raise


# [end bucket]


async def start_times(bucket: TokenBucket, count: int, clock: Clock) -> list[float]:
    """When each of ``count`` back-to-back callers gets through ``bucket``."""
    times = []
    for _ in range(count):
        await bucket.acquire(max_wait=math.inf)
        times.append(round(clock(), 3))
    return times
