"""Class-based decorators: state on the instance, and the method trap."""

import functools
import types
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


# [start count-calls]
class CountCalls(Generic[P, R]):
    """Count calls to the decorated function; read them as ``func.calls``."""

    def __init__(self, func: Callable[P, R]) -> None:
        functools.update_wrapper(self, func)  # __name__, __doc__, __wrapped__
        self.func = func
        self.calls = 0

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        self.calls += 1
        return self.func(*args, **kwargs)


@CountCalls
def parse_price(text: str) -> int:
    return round(float(text) * 100)


# [end count-calls]


# [start method-broken]
class PriceBook:
    def __init__(self, currency: str) -> None:
        self.currency = currency

    @CountCalls
    def label(self, cents: int) -> str:
        return f"{cents / 100:.2f} {self.currency}"


# [end method-broken]


# [start method-fixed]
class CountMethodCalls(CountCalls[P, R]):
    """Also works on methods: binds like a function does."""

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:  # looked up on the class: return the decorator
            return self
        return types.MethodType(self, instance)  # self(instance, ...)


class FixedPriceBook:
    def __init__(self, currency: str) -> None:
        self.currency = currency

    @CountMethodCalls
    def label(self, cents: int) -> str:
        return f"{cents / 100:.2f} {self.currency}"


# [end method-fixed]


if __name__ == "__main__":
    assert parse_price("12.50") == 1250
    assert parse_price.calls == 1
    message = ""
    try:
        PriceBook("EUR").label(1250)  # type: ignore[arg-type, call-arg]
    except TypeError as exc:
        message = str(exc)
    assert "missing 1 required positional argument: 'cents'" in message
    book = PriceBook("EUR")
    assert PriceBook.label(book, 1250) == "12.50 EUR"  # via the class it works
    assert FixedPriceBook("EUR").label(1250) == "12.50 EUR"
    assert FixedPriceBook("USD").label(99) == "0.99 USD"
    assert FixedPriceBook.label.calls == 2  # one counter for all instances
