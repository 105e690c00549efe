"""A breaker whose state lives in Redis: one Lua script per decision.

Keys share the hash tag ``{breaker:NAME}`` so they live in one Redis Cluster
slot, as a script's keys must. Time comes from Redis ``TIME`` (one clock for
every pod) unless a test passes a clock.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from ch_llm_resilience.breaker import CircuitBreaker, Permit, Verdict

log = logging.getLogger(__name__)

# [start lua-acquire]
ACQUIRE = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local open_for, trials = tonumber(ARGV[2]), tonumber(ARGV[3])
local trial_ttl = tonumber(ARGV[4])
local gen = tonumber(redis.call('GET', KEYS[4]) or '0')
local mode = redis.call('HGET', KEYS[1], 'mode')
if mode == 'open' then
  local left = tonumber(redis.call('HGET', KEYS[1], 'until')) - now
  if left > 0 then return {0, left, gen} end
  gen = redis.call('INCR', KEYS[4])                  -- open -> half-open
  redis.call('HSET', KEYS[1], 'mode', 'half_open', 'started', 0, 'ok', 0)
  redis.call('PEXPIRE', KEYS[1], trial_ttl)           -- lost probes cannot wedge it
  mode = 'half_open'
end
if mode == 'half_open' then
  if tonumber(redis.call('HGET', KEYS[1], 'started')) >= trials then
    return {0, math.floor(open_for / 10), gen}       -- probes already running
  end
  redis.call('HINCRBY', KEYS[1], 'started', 1)
  return {1, 1, gen}                                  -- admitted as a trial
end
return {1, 0, gen}                                    -- closed
"""
# [end lua-acquire]

# [start lua-record]
RECORD = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local gen, verdict, trial = tonumber(ARGV[2]), ARGV[3], ARGV[4]
local window, min_calls, rate = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local open_for, trials = tonumber(ARGV[8]), tonumber(ARGV[9])
local trial_ttl = tonumber(ARGV[10])
if gen ~= tonumber(redis.call('GET', KEYS[4]) or '0') then return 'stale' end
local mode = redis.call('HGET', KEYS[1], 'mode') or 'closed'
local function open()
  redis.call('INCR', KEYS[4])
  redis.call('DEL', KEYS[2], KEYS[3])
  redis.call('HSET', KEYS[1], 'mode', 'open', 'until', now + open_for)
  redis.call('PEXPIRE', KEYS[1], open_for + trial_ttl)  -- never open forever
  return 'open'
end
if verdict == 'ignore' then
  if mode == 'half_open' and trial == '1' then
    redis.call('HINCRBY', KEYS[1], 'started', -1)    -- give the probe back
  end
  return mode
end
if mode == 'half_open' then
  if verdict == 'failure' then return open() end
  if redis.call('HINCRBY', KEYS[1], 'ok', 1) >= trials then
    redis.call('INCR', KEYS[4])
    redis.call('DEL', KEYS[1])                         -- closed
    return 'closed'
  end
  return mode
end
local member = redis.call('INCR', KEYS[5])           -- unique, unlike a timestamp
redis.call('ZADD', KEYS[2], now, member)
if verdict == 'failure' then redis.call('ZADD', KEYS[3], now, member) end
for i = 2, 3 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  redis.call('PEXPIRE', KEYS[i], window)
end
local calls, fails = redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3])
if calls >= min_calls and fails >= rate * calls then return open() end
return mode
"""
# [end lua-record]


@dataclass(frozen=True)
class SharedPermit:
    generation: int
    trial: bool
    local: Permit | None = None  # set when Redis was down: the local breaker's


class SharedBreakerOpen(Exception):
    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"shared breaker {name!r} is open")
        self.name, self.retry_after = name, retry_after


# [start shared-breaker]
class SharedBreaker:
    def __init__(
        self,
        client: aioredis.Redis,
        name: str = "vendor",
        *,
        window: float = 30.0,
        min_calls: int = 20,
        failure_rate: float = 0.5,
        open_for: float = 10.0,
        trial_calls: int = 2,
        trial_ttl: float = 30.0,  # a half-open state nobody reports on expires
        clock: Callable[[], float] | None = None,  # None: Redis TIME
        fallback: CircuitBreaker | None = None,
    ) -> None:
        tag = f"{{breaker:{name}}}"
        self.keys = [f"{tag}:state", f"{tag}:calls", f"{tag}:fails"]
        self.keys += [f"{tag}:gen", f"{tag}:seq"]
        self.name, self.clock = name, clock
        self.ms = {"window": window, "open_for": open_for, "trial_ttl": trial_ttl}
        self.ms = {k: round(v * 1000) for k, v in self.ms.items()}
        self.min_calls, self.failure_rate = min_calls, failure_rate
        self.trial_calls = trial_calls
        self._acquire = client.register_script(ACQUIRE)
        self._record = client.register_script(RECORD)
        self.fallback = fallback or CircuitBreaker(
            f"{name}-local", window=window, min_calls=min_calls,
            failure_rate=failure_rate, open_for=open_for, trial_calls=trial_calls,
        )  # fmt: skip

    def _now(self) -> str:
        return "" if self.clock is None else str(round(self.clock() * 1000))

    # [end shared-breaker]

    # [start shared-acquire]
    async def acquire(self) -> SharedPermit:
        ms = self.ms
        args: list[str | int | float] = [
            self._now(),
            ms["open_for"],
            self.trial_calls,
            ms["trial_ttl"],
        ]
        try:
            admitted, extra, gen = await self._acquire(keys=self.keys, args=args)
        except RedisError as exc:  # fail open: Redis is not the vendor
            log.warning("breaker state unavailable, using local breaker: %s", exc)
            return SharedPermit(-1, False, local=self.fallback.acquire())
        if not admitted:
            raise SharedBreakerOpen(self.name, extra / 1000)
        return SharedPermit(int(gen), trial=bool(extra))

    async def record(self, permit: SharedPermit, verdict: Verdict) -> str:
        if permit.local is not None:
            self.fallback.record(permit.local, verdict)
            return f"local-{self.fallback.state.value}"
        ms = self.ms
        args: list[str | int | float] = [
            self._now(), permit.generation, verdict.value, int(permit.trial),
            ms["window"], self.min_calls, self.failure_rate,
            ms["open_for"], self.trial_calls, ms["trial_ttl"],
        ]  # fmt: skip
        try:
            result = await self._record(keys=self.keys, args=args)
        except RedisError as exc:
            log.warning("could not record a breaker outcome: %s", exc)
            return "unrecorded"
        return result.decode() if isinstance(result, bytes) else str(result)

    # [end shared-acquire]
