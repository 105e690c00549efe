"""Two popular shared limiters that do not hold under concurrency (mistakes).

Both split "read the state" and "record the decision" into separate round
trips, so concurrent pods read the same state and all decide to send.
"""

from __future__ import annotations

from collections.abc import Callable

import redis.asyncio as redis


# [start get-then-set]
class GetThenSetBucket:
    """A token bucket whose read and write are two round trips (a mistake)."""

    def __init__(
        self, client: redis.Redis, rate: float, burst: float, now: Callable[[], float]
    ) -> None:
        self.client, self.rate, self.burst, self.now = client, rate, burst, now

    async def try_acquire(self, key: str) -> bool:
        state = await self.client.hgetall(key)  # every pod reads the same level
        now = self.now()
        level = float(state.get(b"level", self.burst))
        last = float(state.get(b"ts", now))
        level = min(self.burst, level + (now - last) * self.rate)
        if level < 1:
            return False
        await self.client.hset(key, mapping={"level": level - 1, "ts": now})
        return True


# [end get-then-set]


# [start check-then-add]
class CheckThenAddWindow:
    """A sliding-window log: count in one pipeline, add later (a mistake).

    ``now`` is the pod's own clock, e.g. ``asyncio.get_running_loop().time``,
    and the member is ``str(now)``: both are part of the mistake.
    """

    def __init__(
        self, client: redis.Redis, limit: int, window: float, now: Callable[[], float]
    ) -> None:
        self.client, self.limit, self.window, self.now = client, limit, window, now

    async def try_acquire(self, key: str) -> bool:
        now = self.now()
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now - self.window)
            pipe.zcard(key)
            _, count = await pipe.execute()
        if count >= self.limit:
            return False
        await self.client.zadd(key, {str(now): now})  # equal times collide
        await self.client.expire(key, int(self.window) + 1)
        return True


# [end check-then-add]
