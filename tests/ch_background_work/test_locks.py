"""Redis locks: owner tokens, expiry during slow work, fencing tokens."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis

from ch_background_work.fencing import FencedLock, fenced_write
from ch_background_work.redis_lock import RedisLock, claim_tick
from tests.ch_background_work.conftest import eventually
from tests.support.services import RedisServer


async def _wait_gone(r: aioredis.Redis, key: str) -> None:
    async def gone() -> bool:
        return not await r.exists(key)

    await eventually(gone, within=10, what=f"{key} to expire")


def test_only_one_caller_acquires_and_only_the_owner_releases(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        async with aioredis.Redis.from_url(redis_server.url) as r:
            a, b = (
                RedisLock(r, "lock:reindex", 10_000),
                RedisLock(r, "lock:reindex", 10_000),
            )
            assert await a.acquire() is True
            assert await b.acquire() is False
            assert await b.release() is False  # not the owner: nothing deleted
            assert await r.get("lock:reindex") == a.token.encode()
            assert await a.release() is True
            assert await b.acquire() is True

    asyncio.run(scenario())


def test_a_tick_is_claimed_once_even_after_the_winner_finishes(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        async with aioredis.Redis.from_url(redis_server.url) as r:
            claims = [await claim_tick(r, "report", 1000, 30_000) for _ in range(3)]
            assert claims == [True, False, False]
            assert await claim_tick(r, "report", 1001, 30_000) is True

    asyncio.run(scenario())


def test_lock_expiry_lets_a_second_holder_in_while_the_first_still_works(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        async with aioredis.Redis.from_url(redis_server.url) as r:
            first = RedisLock(r, "lock:reindex", ttl_ms=100)
            second = RedisLock(r, "lock:reindex", ttl_ms=10_000)
            assert await first.acquire()
            await _wait_gone(r, "lock:reindex")  # first is "paused" (GC, slow call)
            assert await second.acquire()  # both now believe they hold it
            assert await first.release() is False  # and first cannot free it

    asyncio.run(scenario())


def test_fencing_token_rejects_the_expired_holders_late_write(
    redis_server: RedisServer,
) -> None:
    async def scenario() -> None:
        async with aioredis.Redis.from_url(
            redis_server.url, decode_responses=True
        ) as r:
            first = FencedLock(RedisLock(r, "lock:index", ttl_ms=100))
            second = FencedLock(RedisLock(r, "lock:index", ttl_ms=10_000))
            assert await first.acquire()
            await _wait_gone(r, "lock:index")
            assert await second.acquire()
            assert not await FencedLock(RedisLock(r, "lock:index", 100)).acquire()
            assert second.fencing_token > first.fencing_token
            assert await fenced_write(r, "index", second.fencing_token, "v2")
            assert not await fenced_write(r, "index", first.fencing_token, "v1")
            assert await r.get("index") == "v2"

    asyncio.run(scenario())
