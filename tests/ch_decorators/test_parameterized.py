"""Decorator factories, the repeat(0) trap, and stacking order."""

import pytest

from ch_decorators import stacking
from ch_decorators.parameterized import repeat, repeat_naive


def test_naive_repeat_zero_raises_unbound_local_error_at_call_time() -> None:
    @repeat_naive(0)  # accepted silently when the decorator is applied
    def send() -> str:
        return "sent"

    with pytest.raises(UnboundLocalError, match="'result'"):
        send()


def test_repeat_rejects_zero_when_the_decorator_is_built() -> None:
    with pytest.raises(ValueError, match="times must be at least 1, got 0"):
        repeat(0)


def test_repeat_calls_the_function_n_times_and_keeps_metadata() -> None:
    calls: list[int] = []

    @repeat(3)
    def send(n: int) -> int:
        """Send one message."""
        calls.append(n)
        return n

    assert send(7) == [7, 7, 7]
    assert calls == [7, 7, 7]
    assert (send.__name__, send.__doc__) == ("send", "Send one message.")


def test_stacked_decorators_apply_bottom_up_and_run_top_down() -> None:
    stacking.events.clear()

    @stacking.tag("outer")
    @stacking.tag("inner")
    def handle() -> str:
        stacking.events.append("body")
        return "done"

    assert stacking.events == ["apply inner", "apply outer"]
    stacking.events.clear()
    assert handle() == "done"
    assert stacking.events == [
        "enter outer",
        "enter inner",
        "body",
        "exit inner",
        "exit outer",
    ]


def test_stacking_equals_nested_calls() -> None:
    stacking.events.clear()

    def handle() -> str:
        return "done"

    nested = stacking.tag("outer")(stacking.tag("inner")(handle))
    assert stacking.events == ["apply inner", "apply outer"]
    stacking.events.clear()
    nested()
    assert stacking.events[:2] == ["enter outer", "enter inner"]
