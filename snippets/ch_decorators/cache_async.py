"""Caching a coroutine function: ``lru_cache`` caches the wrong object."""

import asyncio
import functools
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

vendor_calls: list[int] = []


# [start lru-async]
@functools.lru_cache(maxsize=128)
async def fetch_profile_cached(user_id: int) -> dict[str, int]:
    vendor_calls.append(user_id)
    await asyncio.sleep(0)  # stands in for an HTTP call
    return {"id": user_id}


# [end lru-async]


# [start async-cached]
def async_cached(
    func: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Cache the *result* of awaiting; concurrent callers share one call.

    The cache belongs to one event loop and is unbounded: keep it for
    small key spaces, and create it per application (for example in a
    FastAPI lifespan), not per request.
    """
    tasks: dict[Hashable, asyncio.Task[R]] = {}

    def forget_failure(key: Hashable, task: asyncio.Task[R]) -> None:
        if task.cancelled() or task.exception() is not None:
            tasks.pop(key, None)  # the next caller tries again

    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        key = (args, tuple(sorted(kwargs.items())))
        task = tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(func(*args, **kwargs))
            task.add_done_callback(functools.partial(forget_failure, key))
            tasks[key] = task
        # shield: one caller's cancellation does not cancel the shared call
        return await asyncio.shield(task)

    return wrapper


# [end async-cached]


# [start async-cached-use]
@async_cached
async def fetch_profile(user_id: int) -> dict[str, int]:
    vendor_calls.append(user_id)
    await asyncio.sleep(0)
    return {"id": user_id}


# [end async-cached-use]


async def main() -> None:
    assert await fetch_profile_cached(1) == {"id": 1}
    error = ""
    try:
        await fetch_profile_cached(1)
    except RuntimeError as exc:
        error = str(exc)
    assert error == "cannot reuse already awaited coroutine"
    vendor_calls.clear()
    results = await asyncio.gather(*(fetch_profile(2) for _ in range(5)))
    assert results == [{"id": 2}] * 5
    assert await fetch_profile(2) == {"id": 2}
    assert vendor_calls == [2]  # one vendor call served six callers


if __name__ == "__main__":
    asyncio.run(main())
