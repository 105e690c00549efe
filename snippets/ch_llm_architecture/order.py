"""The order of checks in front of a vendor call: cheap rejections first.

identity -> per-key limit -> breaker -> load shedding -> bounded wait for a
local slot -> global vendor token (just before sending) -> the call.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from ch_llm_architecture.global_limiter import (
    FailoverLimiter,
    GlobalLimiter,
    LocalBucket,
    QuotaShortfall,
    Sleep,
)
from ch_llm_architecture.per_key import PerKeyLimiter


# [start rejected]
class Rejected(Exception):
    """A request refused before it cost anything scarce."""

    def __init__(self, status: int, reason: str, retry_after: float | None) -> None:
        super().__init__(f"{status} {reason}")
        self.status, self.reason, self.retry_after = status, reason, retry_after

    def headers(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        return {"Retry-After": str(max(1, math.ceil(self.retry_after)))}


class Breaker(Protocol):
    def allow(self) -> bool: ...


# [end rejected]


@dataclass
class Checks:
    api_keys: Mapping[str, str]  # API key -> tenant, loaded server-side
    quota: PerKeyLimiter
    breaker: Breaker
    slots: asyncio.Semaphore
    max_waiting: int  # shed when this many requests already wait for a slot
    slot_wait: float  # the admission timeout: bounds the slot wait only
    limiter: GlobalLimiter | LocalBucket | FailoverLimiter
    sleep: Sleep = asyncio.sleep
    waiting: int = 0


# [start admit]
@asynccontextmanager
async def admitted(
    checks: Checks, api_key: str | None, cost: int
) -> AsyncIterator[str]:
    tenant = checks.api_keys.get(api_key or "")  # 1. identity: a dict lookup
    if tenant is None:
        raise Rejected(401, "unknown API key", None)
    if (wait := await checks.quota.hit(tenant)) > 0:  # 2. this caller's own limit
        raise Rejected(429, "per-key quota", wait)
    if not checks.breaker.allow():  # 3. the vendor is failing: do not queue
        raise Rejected(503, "breaker open", 5.0)
    if checks.waiting >= checks.max_waiting:  # 4. shed before queueing
        raise Rejected(503, "shedding", 1.0)
    checks.waiting += 1
    try:
        async with asyncio.timeout(checks.slot_wait):  # 5. bounded local wait
            await checks.slots.acquire()
    except TimeoutError:
        raise Rejected(503, "no local slot", 1.0) from None
    finally:
        checks.waiting -= 1
    try:
        try:  # 6. the scarce global token, as late as possible
            wait = await checks.limiter.reserve(cost, max_wait=checks.slot_wait)
        except QuotaShortfall as short:  # our capacity, not the caller's fault
            raise Rejected(503, "vendor budget", short.retry_after) from None
        await checks.sleep(wait)
        yield tenant  # 7. the caller sends now, holding the slot
    finally:
        checks.slots.release()


# [end admit]


# [start wrong-order]
@asynccontextmanager
async def token_first(checks: Checks, cost: int) -> AsyncIterator[None]:
    """The global token before the local slot (a mistake)."""
    await checks.sleep(await checks.limiter.reserve(cost, max_wait=checks.slot_wait))
    try:
        async with asyncio.timeout(checks.slot_wait):
            await checks.slots.acquire()
    except TimeoutError:
        raise Rejected(503, "no local slot", 1.0) from None  # the token is gone
    try:
        yield
    finally:
        checks.slots.release()


# [end wrong-order]
