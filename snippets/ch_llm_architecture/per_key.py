"""Per-key request limits in Redis, from async code: fixed and sliding windows.

Both scripts take the time in milliseconds as an argument (tests pin it) or,
when it is empty, read Redis ``TIME``. Both return ``{allowed, retry_ms}``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Literal

import redis.asyncio as redis

# [start fixed-lua]
FIXED_WINDOW = """
-- KEYS[1]: hash (start, count); ARGV: limit window_ms now_ms ('' = TIME)
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local start = now - now % window
local s = redis.call('HMGET', KEYS[1], 'start', 'count')
local count = 0
if tonumber(s[1]) == start then count = tonumber(s[2]) end
if count >= limit then return {0, start + window - now} end
redis.call('HSET', KEYS[1], 'start', start, 'count', count + 1)
redis.call('PEXPIRE', KEYS[1], start + window - now)
return {1, 0}
"""
# [end fixed-lua]

# [start sliding-lua]
SLIDING_WINDOW = """
-- KEYS[1]: sorted set of admitted hits; ARGV: limit window_ms now_ms member
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + window - now}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])  -- a unique member per hit
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0}
"""
# [end sliding-lua]


# [start per-key]
class PerKeyLimiter:
    """At most ``limit`` requests per ``window`` seconds for each API key."""

    def __init__(
        self,
        client: redis.Redis,
        limit: int,
        window: float,
        *,
        algorithm: Literal["fixed", "sliding"] = "sliding",
        now_ms: Callable[[], int] | None = None,  # tests pin the time
    ) -> None:
        script = SLIDING_WINDOW if algorithm == "sliding" else FIXED_WINDOW
        self._script = client.register_script(script)
        self.limit, self.window_ms, self._now_ms = limit, round(window * 1000), now_ms
        self.algorithm = algorithm

    async def hit(self, key: str) -> float:
        """Count one request for ``key``: 0.0 if allowed, else seconds to wait."""
        now = "" if self._now_ms is None else str(self._now_ms())
        args: list[int | str] = [self.limit, self.window_ms, now, uuid.uuid4().hex]
        allowed, retry_ms = await self._script(
            keys=[f"quota:{self.algorithm}:{key}"], args=args
        )
        return 0.0 if int(allowed) else int(retry_ms) / 1000


# [end per-key]
