"""What ``functools.wraps`` copies, and what ``inspect.signature`` follows."""

import functools
import inspect

from ch_decorators.wraps_metadata import (
    find_user,
    find_user_naive,
    logged,
    logged_naive,
)


def test_naive_wrapper_loses_name_doc_and_signature() -> None:
    assert find_user_naive.__name__ == "wrapper"
    assert find_user_naive.__doc__ is None
    assert not hasattr(find_user_naive, "__wrapped__")
    assert list(inspect.signature(find_user_naive).parameters) == ["args", "kwargs"]


def test_wraps_copies_metadata_and_sets_wrapped() -> None:
    original = find_user.__wrapped__
    for attribute in functools.WRAPPER_ASSIGNMENTS:
        if hasattr(original, attribute):
            assert getattr(find_user, attribute) == getattr(original, attribute)
    assert find_user.__qualname__ == "find_user"
    assert find_user.__module__ == "ch_decorators.wraps_metadata"
    assert find_user.__doc__ == "Load one user by id."
    assert inspect.unwrap(find_user) is original


def test_signature_follows_wrapped_unless_told_not_to() -> None:
    original = find_user.__wrapped__
    assert inspect.signature(find_user) == inspect.signature(original)
    own = inspect.signature(find_user, follow_wrapped=False)
    assert list(own.parameters) == ["args", "kwargs"]
    # wraps replaced the wrapper's own annotations with the original's:
    assert own.return_annotation == dict[str, int]


def test_wraps_merges_the_wrapped_functions_dict() -> None:
    def handler() -> str:
        return "ok"

    handler.route = "/health"  # type: ignore[attr-defined]
    assert logged(handler).route == "/health"  # type: ignore[attr-defined]
    assert not hasattr(logged_naive(handler), "route")
