"""A production timing decorator: sync and async, perf_counter, logging."""

import functools
import inspect
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar, overload

P = ParamSpec("P")
R = TypeVar("R")

logger = logging.getLogger(__name__)


# [start timed]
def _log_duration(func: Callable[..., Any], start: float) -> None:
    elapsed = time.perf_counter() - start  # monotonic: immune to clock changes
    logger.info(
        "%s took %.3f ms",
        func.__qualname__,
        elapsed * 1000,
        extra={"func": func.__qualname__, "duration_s": elapsed},
    )


@overload
def timed(
    func: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]: ...
@overload
def timed(func: Callable[P, R]) -> Callable[P, R]: ...
def timed(func: Callable[P, Any]) -> Callable[P, Any]:
    """Log how long each call takes, including time spent awaiting."""
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
            start = time.perf_counter()
            try:
                return await func(*args, **kwargs)
            finally:
                _log_duration(func, start)

        return async_wrapper

    @functools.wraps(func)
    def sync_wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _log_duration(func, start)

    return sync_wrapper


# [end timed]


if __name__ == "__main__":
    import asyncio

    from ch_decorators._capture import captured

    @timed
    def render(name: str) -> str:
        return f"<h1>{name}</h1>"

    @timed
    async def complete(prompt: str) -> str:
        await asyncio.sleep(0.02)
        return prompt.upper()

    with captured(__name__) as records:
        assert render("Ada") == "<h1>Ada</h1>"
        assert asyncio.run(complete("hi")) == "HI"
    assert [record.__dict__["func"] for record in records] == [
        "render",
        "complete",
    ]
    assert records[1].__dict__["duration_s"] >= 0.02 * 0.99
    assert inspect.iscoroutinefunction(complete)
