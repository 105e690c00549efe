"""Decorators that take arguments: a factory that returns a decorator."""

import functools
from collections.abc import Callable
from typing import Any


# [start repeat-naive]
def repeat_naive(times: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for _ in range(times):
                result = func(*args, **kwargs)
            return result  # unbound when times == 0

        return wrapper

    return decorator


# [end repeat-naive]


# [start repeat]
def repeat(times: int) -> Callable[[Callable[..., Any]], Callable[..., list[Any]]]:
    """Call the decorated function ``times`` times; return every result."""
    if times < 1:  # checked once, when the decorator is built
        raise ValueError(f"times must be at least 1, got {times}")

    def decorator(func: Callable[..., Any]) -> Callable[..., list[Any]]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> list[Any]:
            return [func(*args, **kwargs) for _ in range(times)]

        return wrapper

    return decorator


@repeat(3)
def roll() -> str:
    return "ok"


# [end repeat]


# [start desugared]
def ping() -> str:
    return "pong"


ping_three_times = repeat(3)(ping)  # factory call, then decorator call
# [end desugared]


if __name__ == "__main__":
    assert roll() == ["ok", "ok", "ok"]
    assert roll.__name__ == "roll"
    assert ping_three_times() == ["pong"] * 3
    assert repeat_naive(2)(ping)() == "pong"
    raised = ""
    try:
        repeat(0)
    except ValueError as exc:
        raised = str(exc)
    assert raised == "times must be at least 1, got 0"
