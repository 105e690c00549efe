"""Caching decorators: what they keep alive, and what they cannot cache."""

import asyncio
import gc
import weakref

import pytest

from ch_decorators import cache_async, cache_methods
from ch_decorators.cache_async import async_cached


def test_lru_cache_on_a_method_keeps_the_instance_alive() -> None:
    cache_methods.RateTable.rate.cache_clear()
    table = cache_methods.RateTable("rates.json")
    assert table.rate("USD") == 1.08
    ref = weakref.ref(table)
    del table
    gc.collect()
    assert ref() is not None  # the cache key (self, "USD") holds it
    cache_methods.RateTable.rate.cache_clear()
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize(
    "factory",
    [cache_methods.RateTableOnce, cache_methods.RateTablePerInstance],
)
def test_per_instance_caches_die_with_the_instance(factory: type) -> None:
    assert not cache_methods.survives_del(factory, "rate")


def test_per_instance_cache_still_caches() -> None:
    table = cache_methods.RateTablePerInstance("rates.json")
    table.rate("USD")
    table.rate("USD")
    info = table.rate.cache_info()  # type: ignore[attr-defined]
    assert (info.hits, info.misses) == (1, 1)


def test_lru_cache_on_async_def_fails_on_the_second_await() -> None:
    async def twice() -> None:
        cache_async.fetch_profile_cached.cache_clear()
        assert await cache_async.fetch_profile_cached(7) == {"id": 7}
        with pytest.raises(
            RuntimeError, match="cannot reuse already awaited coroutine"
        ):
            await cache_async.fetch_profile_cached(7)

    asyncio.run(twice())


def test_async_cached_shares_one_call_between_concurrent_callers() -> None:
    calls: list[int] = []
    release = asyncio.Event()

    @async_cached
    async def fetch(user_id: int) -> dict[str, int]:
        calls.append(user_id)
        await release.wait()
        return {"id": user_id}

    async def scenario() -> None:
        waiting = asyncio.gather(*(fetch(1) for _ in range(5)))
        await asyncio.sleep(0)  # let the five callers start
        release.set()
        assert await waiting == [{"id": 1}] * 5
        assert await fetch(1) == {"id": 1}  # later callers: cached result
        assert await fetch(2) == {"id": 2}  # another key: another call

    asyncio.run(scenario())
    assert calls == [1, 2]


def test_async_cached_does_not_cache_failures() -> None:
    outcomes = [ConnectionError("reset"), {"id": 1}]

    @async_cached
    async def fetch(user_id: int) -> object:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def scenario() -> None:
        with pytest.raises(ConnectionError):
            await fetch(1)
        assert await fetch(1) == {"id": 1}  # retried, not a cached error
        assert await fetch(1) == {"id": 1}  # now cached

    asyncio.run(scenario())
    assert outcomes == []


def test_async_cached_survives_one_caller_being_cancelled() -> None:
    release = asyncio.Event()

    @async_cached
    async def fetch(user_id: int) -> int:
        await release.wait()
        return user_id

    async def scenario() -> None:
        impatient = asyncio.create_task(fetch(3))
        patient = asyncio.create_task(fetch(3))
        await asyncio.sleep(0)  # both are now awaiting the shared task
        impatient.cancel()
        with pytest.raises(asyncio.CancelledError):
            await impatient
        release.set()
        assert await patient == 3

    asyncio.run(scenario())
