"""What ``functools.wraps`` copies, and what ``inspect.signature`` reads."""

import functools
from collections.abc import Callable
from typing import Any


# [start naive-and-wrapped]
def logged_naive(func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def logged(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)  # copy metadata from func, set __wrapped__
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


@logged_naive
def find_user_naive(user_id: int, *, active: bool = True) -> dict[str, int]:
    """Load one user by id."""
    return {"id": user_id}


@logged
def find_user(user_id: int, *, active: bool = True) -> dict[str, int]:
    """Load one user by id."""
    return {"id": user_id}


# [end naive-and-wrapped]

if __name__ == "__main__":
    import inspect

    assert find_user_naive(1) == find_user(1) == {"id": 1}  # both still work
    assert find_user_naive.__name__ == "wrapper"
    assert find_user.__name__ == "find_user"
    assert find_user.__wrapped__(3) == {"id": 3}  # type: ignore[attr-defined]
    assert str(inspect.signature(find_user)).startswith("(user_id: int, *")
    assert (
        str(inspect.signature(find_user_naive)) == "(*args: Any, **kwargs: Any) -> Any"
    )
