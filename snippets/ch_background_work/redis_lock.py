"""A Redis lock with an owner token, released only by its owner."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import redis.asyncio as aioredis

# [start lock]
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


@dataclass
class RedisLock:
    redis: aioredis.Redis
    key: str
    ttl_ms: int
    token: str = field(default_factory=lambda: secrets.token_hex(16))

    async def acquire(self) -> bool:
        """SET key token NX PX ttl: true only for the one caller that set it."""
        return bool(await self.redis.set(self.key, self.token, nx=True, px=self.ttl_ms))

    async def release(self) -> bool:
        """Compare-and-delete: never removes a lock someone else now holds."""
        deleted = await self.redis.eval(RELEASE, 1, self.key, self.token)
        return bool(deleted)


# [end lock]


# [start once-per-tick]
async def claim_tick(r: aioredis.Redis, job: str, tick: int, ttl_ms: int) -> bool:
    """True for exactly one instance per (job, tick).

    The claim is left to expire instead of being released: a peer whose
    timer fires 50 ms later must still find it taken.
    """
    return await RedisLock(r, f"tick:{job}:{tick}", ttl_ms).acquire()


# [end once-per-tick]
