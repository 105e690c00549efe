"""The global vendor limiter: one Lua token bucket in Redis for every pod.

One script call decides and records atomically. It reads the time from Redis
(``TIME``), refills two buckets (requests and vendor tokens) kept in one hash,
and either reserves one request plus ``cost`` tokens and returns how long the
caller must wait before sending, or reserves nothing and says how long the
wait would have been. When Redis does not answer, :class:`FailoverLimiter`
falls back to a static per-pod share of the same budget.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("book.limiter")

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


# [start budget]
@dataclass(frozen=True)
class VendorBudget:
    """What this deployment may send to the vendor, for all pods together."""

    requests_per_second: float
    request_burst: float
    tokens_per_second: float
    token_burst: float

    def share(self, pods: int) -> VendorBudget:
        """The static slice one of ``pods`` pods may use on its own."""
        return VendorBudget(
            self.requests_per_second / pods,
            max(1.0, self.request_burst / pods),
            self.tokens_per_second / pods,
            self.token_burst / pods,
        )


class QuotaShortfall(Exception):
    """The vendor budget has no room within the caller's wait: answer 503."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"vendor budget exhausted for the next {wait:.3f} s")
        self.retry_after = wait


# [end budget]

# [start lua]
TOKEN_BUCKET = """
-- KEYS[1]: one hash (req, tok, ts) so that the script touches a single slot
-- ARGV: req_rate req_burst tok_rate tok_burst cost max_wait now ('' = TIME)
local req_rate, req_burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local tok_rate, tok_burst = tonumber(ARGV[3]), tonumber(ARGV[4])
local cost, max_wait = tonumber(ARGV[5]), tonumber(ARGV[6])
local now = tonumber(ARGV[7])
if now == nil then
  local t = redis.call('TIME')  -- one clock for every pod
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
if cost > tok_burst then return {-1, 'inf'} end  -- can never fit
local s = redis.call('HMGET', KEYS[1], 'req', 'tok', 'ts')
local req, tok = tonumber(s[1]) or req_burst, tonumber(s[2]) or tok_burst
local elapsed = math.max(0, now - (tonumber(s[3]) or now))
req = math.min(req_burst, req + elapsed * req_rate)
tok = math.min(tok_burst, tok + elapsed * tok_rate)
local wait = math.max(0, (1 - req) / req_rate, (cost - tok) / tok_rate)
if wait > max_wait then return {0, string.format('%.6f', wait)} end
redis.call('HSET', KEYS[1], 'req', string.format('%.6f', req - 1),
  'tok', string.format('%.6f', tok - cost), 'ts', string.format('%.6f', now))
local full = math.max(req_burst / req_rate, tok_burst / tok_rate)
redis.call('EXPIRE', KEYS[1], math.ceil(full + max_wait) + 1)
return {1, string.format('%.6f', wait)}
"""
# [end lua]


# [start global]
class GlobalLimiter:
    """Every pod calls ``reserve`` before it sends; Redis keeps the one bucket."""

    def __init__(
        self,
        client: redis.Redis,
        budget: VendorBudget,
        *,
        key: str = "vendor:{openai}:bucket",
        now: Clock | None = None,  # tests pin the time; production uses TIME
    ) -> None:
        self.budget, self.key, self._now = budget, key, now
        self._script = client.register_script(TOKEN_BUCKET)

    async def reserve(self, cost: int, max_wait: float) -> float:
        """Reserve one request and ``cost`` tokens; return the wait before sending."""
        b = self.budget
        now = "" if self._now is None else f"{self._now():.6f}"
        args: list[float | str] = [b.requests_per_second, b.request_burst]
        args += [b.tokens_per_second, b.token_burst, cost, f"{max_wait:.6f}", now]
        granted, wait = await self._script(keys=[self.key], args=args)
        if int(granted) == -1:
            raise ValueError(f"a cost of {cost} tokens exceeds the token burst")
        if int(granted) == 0:
            raise QuotaShortfall(float(wait))
        return float(wait)


# [end global]


# [start local]
class LocalBucket:
    """The same two buckets in process memory: one pod's static share."""

    def __init__(self, budget: VendorBudget, *, clock: Clock = time.monotonic) -> None:
        self.budget, self._clock = budget, clock
        self._req, self._tok = budget.request_burst, budget.token_burst
        self._ts = clock()

    async def reserve(self, cost: int, max_wait: float) -> float:
        b, now = self.budget, self._clock()
        if cost > b.token_burst:
            raise ValueError(f"a cost of {cost} tokens exceeds the token burst")
        elapsed, self._ts = max(0.0, now - self._ts), now
        self._req = min(b.request_burst, self._req + elapsed * b.requests_per_second)
        self._tok = min(b.token_burst, self._tok + elapsed * b.tokens_per_second)
        wait = max(
            0.0,
            (1 - self._req) / b.requests_per_second,
            (cost - self._tok) / b.tokens_per_second,
        )
        if wait > max_wait:
            raise QuotaShortfall(wait)
        self._req, self._tok = self._req - 1, self._tok - cost
        return wait


# [end local]


# [start failover]
class FailoverLimiter:
    """The global bucket while Redis answers; a static per-pod share otherwise."""

    def __init__(
        self,
        primary: GlobalLimiter,
        pods: int,
        *,
        recheck_after: float = 2.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.primary, self.recheck_after, self._clock = primary, recheck_after, clock
        self.fallback = LocalBucket(primary.budget.share(pods), clock=clock)
        self._down_until = -math.inf
        self.mode = "global"

    async def reserve(self, cost: int, max_wait: float) -> float:
        if self._clock() >= self._down_until:
            try:
                wait = await self.primary.reserve(cost, max_wait)
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                # Do not pay a connect timeout on every request while it is down.
                self._down_until = self._clock() + self.recheck_after
                if self.mode == "global":
                    log.warning("Redis unavailable, using the local share: %s", exc)
                self.mode = "local"
            else:
                self.mode = "global"
                return wait
        return await self.fallback.reserve(cost, max_wait)


# [end failover]


async def acquire(
    limiter: GlobalLimiter | LocalBucket | FailoverLimiter,
    cost: int,
    max_wait: float,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """Reserve, then sleep until the reserved start time (never busy-poll)."""
    wait = await limiter.reserve(cost, max_wait)
    if wait > 0:
        await sleep(wait)
