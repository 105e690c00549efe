"""A small retry decorator factory for coroutine functions."""

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

logger = logging.getLogger(__name__)


# [start retry]
def retry(
    *,
    attempts: int = 3,
    on: tuple[type[Exception], ...] = (ConnectionError, TimeoutError),
    base_delay: float = 0.1,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Callable[
    [Callable[P, Coroutine[Any, Any, R]]], Callable[P, Coroutine[Any, Any, R]]
]:
    """Retry on the listed exceptions, doubling the delay each time."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")

    def decorator(
        func: Callable[P, Coroutine[Any, Any, R]],
    ) -> Callable[P, Coroutine[Any, Any, R]]:
        @functools.wraps(func)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            for attempt in range(1, attempts):
                try:
                    return await func(*args, **kwargs)  # errors surface here
                except on as exc:
                    delay = base_delay * 2 ** (attempt - 1)
                    logger.warning(
                        "%s failed (%r), attempt %d of %d, retrying in %.2f s",
                        func.__qualname__, exc, attempt, attempts, delay,
                    )  # fmt: skip
                    await sleep(delay)
            return await func(*args, **kwargs)  # last attempt: errors propagate

        return wrapper

    return decorator


# [end retry]


# [start retry-use]
@retry(attempts=4, on=(ConnectionError,))
async def create_embedding(text: str) -> list[float]:
    return await vendor_embed(text)


# [end retry-use]

failures_left = 2


async def vendor_embed(text: str) -> list[float]:
    """Stands in for a vendor SDK call that fails twice, then succeeds."""
    global failures_left
    await asyncio.sleep(0)
    if failures_left:
        failures_left -= 1
        raise ConnectionError("connection reset by peer")
    return [float(len(text))]


if __name__ == "__main__":
    assert asyncio.run(create_embedding("hello")) == [5.0]
    assert failures_left == 0
