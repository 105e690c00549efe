"""The anatomy of a wrapper, and what the ``@`` line really does."""

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


# [start anatomy]
def trace(func: Callable[..., Any]) -> Callable[..., Any]:
    """Log every call to ``func`` and what it returned."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        logger.info("call %s args=%r kwargs=%r", func.__name__, args, kwargs)
        result = func(*args, **kwargs)
        logger.info("%s returned %r", func.__name__, result)
        return result

    return wrapper


# [end anatomy]


# [start rebinding]
def add(a: int, b: int) -> int:
    return a + b


add = trace(add)  # what "@trace" above "def add" means


@trace
def multiply(a: int, b: int) -> int:
    return a * b


# [end rebinding]


# [start fixed-arity]
def trace_one(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A wrapper that assumes one positional argument: a mistake."""

    def wrapper(value: Any) -> Any:
        logger.info("call %s(%r)", func.__name__, value)
        return func(value)

    return wrapper


@trace_one
def scale(value: float, *, factor: float = 2.0) -> float:
    return value * factor


# [end fixed-arity]


if __name__ == "__main__":
    assert add(2, 3) == 5
    assert multiply(2, 3) == 6
    assert add.__name__ == "wrapper"  # the name now points at the wrapper
    assert multiply.__name__ == "wrapper"
    assert scale(3.0) == 6.0
    message = ""
    try:
        scale(3.0, factor=10.0)  # type: ignore[call-arg]
    except TypeError as exc:
        message = str(exc)
    assert "unexpected keyword argument 'factor'" in message
