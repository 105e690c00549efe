"""A synchronous wrapper that still presents itself as a coroutine function."""

import asyncio
import functools
import inspect
import sys
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


# [start markcoro]
def reject_none(
    func: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Fail at call time, before the caller awaits anything."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Coroutine[Any, Any, R]:
        if any(value is None for value in (*args, *kwargs.values())):
            raise ValueError(f"{func.__qualname__}() got None")
        return func(*args, **kwargs)  # the coroutine, not yet awaited

    if sys.version_info >= (3, 12):  # pragma: no cover - runs on Python 3.12+
        inspect.markcoroutinefunction(wrapper)
    return wrapper


# [end markcoro]


@reject_none
async def load_invoice(invoice_id: int | None) -> dict[str, int]:
    await asyncio.sleep(0)
    return {"id": invoice_id or 0}


if __name__ == "__main__":
    assert asyncio.run(load_invoice(7)) == {"id": 7}
    message = ""
    try:
        _ = load_invoice(None)  # raises before a coroutine exists
    except ValueError as exc:
        message = str(exc)
    assert message == "load_invoice() got None"
    # Python 3.11 has no markcoroutinefunction: the wrapper looks synchronous.
    assert inspect.iscoroutinefunction(load_invoice) is (sys.version_info >= (3, 12))
