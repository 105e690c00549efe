"""Stacked decorators: applied bottom-up, entered top-down at call time."""

import functools
from collections.abc import Callable
from typing import Any

# [start stacking]
events: list[str] = []


def tag(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        events.append(f"apply {name}")

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            events.append(f"enter {name}")
            try:
                return func(*args, **kwargs)
            finally:
                events.append(f"exit {name}")

        return wrapper

    return decorator


@tag("outer")
@tag("inner")
def handle() -> str:
    events.append("body")
    return "done"


# [end stacking]


# [start stacking-desugared]
def handle_by_hand() -> str:
    return "done"


handle_by_hand = tag("outer")(tag("inner")(handle_by_hand))
# [end stacking-desugared]


if __name__ == "__main__":
    assert events[:2] == ["apply inner", "apply outer"]
    del events[:]
    assert handle() == "done"
    assert events == [
        "enter outer",
        "enter inner",
        "body",
        "exit inner",
        "exit outer",
    ]
    assert handle_by_hand() == "done"
