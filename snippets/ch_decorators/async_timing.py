"""A synchronous wrapper around ``async def`` times the wrong thing."""

import asyncio
import functools
import inspect
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
logger = logging.getLogger(__name__)


# [start timed-sync-only]
def timed_sync_only(func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)  # for async def: returns a coroutine
        finally:
            elapsed = time.perf_counter() - start
            logger.info(
                "%s took %.6f s",
                func.__qualname__,
                elapsed,
                extra={"duration_s": elapsed},
            )

    return wrapper


# [end timed-sync-only]


# [start timed-async]
def timed_async(
    func: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        start = time.perf_counter()
        try:
            return await func(*args, **kwargs)  # the clock runs until it ends
        finally:
            elapsed = time.perf_counter() - start
            logger.info(
                "%s took %.6f s",
                func.__qualname__,
                elapsed,
                extra={"duration_s": elapsed},
            )

    return wrapper


# [end timed-async]


# [start endpoints]
SLEEP_S = 0.05


@timed_sync_only
async def fetch_quote_naive() -> str:
    await asyncio.sleep(SLEEP_S)  # stands in for a vendor call
    return "quote"


@timed_async
async def fetch_quote() -> str:
    await asyncio.sleep(SLEEP_S)
    return "quote"


# [end endpoints]


# [start retry-naive]
attempts: list[str] = []


def retry_sync_only(func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for _ in range(2):
            try:
                return func(*args, **kwargs)
            except ConnectionError:
                logger.warning("retrying %s", func.__qualname__)
        return func(*args, **kwargs)

    return wrapper


@retry_sync_only
async def flaky_call() -> str:
    attempts.append("flaky_call")
    raise ConnectionError("vendor reset the connection")


# [end retry-naive]


async def main() -> None:
    from ch_decorators._capture import captured

    with captured(__name__) as records:
        assert await fetch_quote_naive() == "quote"
        assert await fetch_quote() == "quote"
    naive, aware = (record.__dict__["duration_s"] for record in records)
    assert naive < 0.005
    assert aware >= SLEEP_S * 0.99  # slack for clock rounding only
    assert not inspect.iscoroutinefunction(fetch_quote_naive)
    assert inspect.iscoroutinefunction(fetch_quote)
    error = None
    try:
        await flaky_call()
    except ConnectionError as exc:
        error = exc
    assert error is not None
    assert attempts == ["flaky_call"]  # the wrapper never saw the error

    @retry_sync_only
    def flaky_sync() -> str:
        attempts.append("flaky_sync")
        raise ConnectionError("vendor reset the connection")

    try:
        flaky_sync()
    except ConnectionError as exc:
        error = exc
    assert attempts.count("flaky_sync") == 3  # sync: retried as intended


if __name__ == "__main__":
    asyncio.run(main())
