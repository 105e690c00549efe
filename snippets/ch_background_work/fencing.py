"""Fencing tokens: the resource rejects writes from a lock holder that expired."""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis

from ch_background_work.redis_lock import RedisLock


# [start fenced-lock]
@dataclass
class FencedLock:
    lock: RedisLock
    fencing_token: int = 0

    async def acquire(self) -> bool:
        if not await self.lock.acquire():
            return False
        # Every successful acquisition gets a larger number than the last one.
        self.fencing_token = int(await self.lock.redis.incr(f"fence:{self.lock.key}"))
        return True


# [end fenced-lock]


# [start fenced-write]
FENCED_WRITE = """
local highest = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) < highest then
    return 0
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
return 1
"""


async def fenced_write(r: aioredis.Redis, name: str, token: int, value: str) -> bool:
    """The storage side: accept a write only if no newer holder has written."""
    accepted = await r.eval(FENCED_WRITE, 2, f"{name}:fence", name, token, value)
    return bool(accepted)


# [end fenced-write]
