"""try/except/else/finally: order, else skipped by return, finally that does not run."""

from __future__ import annotations

import signal
import sys
import warnings

import pytest

from ch_exceptions import finally_skipped, finally_swallow, try_flow


def test_else_runs_only_after_a_clean_try_suite() -> None:
    steps: list[str] = []
    assert try_flow.summarise(False, steps) == "A COMPLETION"
    assert steps == ["vendor answered", "else", "finally"]


def test_finally_runs_while_the_exception_propagates() -> None:
    steps: list[str] = []
    with pytest.raises(try_flow.VendorDown, match="connection refused"):
        try_flow.summarise(True, steps)
    assert steps == ["vendor raised", "except", "finally"]


def test_return_inside_try_skips_else() -> None:
    steps: list[str] = []
    assert try_flow.first_even([1, 4], steps) == 4
    assert steps == ["finally"]
    steps.clear()
    assert try_flow.first_even([1, 3], steps) is None
    assert steps == ["else: loop ended without an even number", "finally"]
    steps.clear()
    assert try_flow.first_even([1, None], steps) is None  # type: ignore[list-item]
    assert steps == ["except", "finally"]


def test_return_in_finally_swallows_the_exception() -> None:
    assert finally_swallow.charge_tokens(used=500, budget=100) == 0
    assert finally_swallow.charge_tokens(used=50, budget=100) == 0  # even on success
    with pytest.raises(ValueError, match="over budget by 400 tokens"):
        finally_swallow.charge_tokens_fixed(used=500, budget=100)
    assert finally_swallow.charge_tokens_fixed(used=50, budget=100) == 50


RETURN_IN_FINALLY = """
def f():
    try:
        raise ValueError
    finally:
        return 0
"""


def test_return_in_finally_warns_at_compile_time_from_3_14() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compile(RETURN_IN_FINALLY, "<pep765>", "exec")
    syntax_warnings = [w for w in caught if issubclass(w.category, SyntaxWarning)]
    # PEP 765: a SyntaxWarning since 3.14, silence before.
    assert bool(syntax_warnings) == (sys.version_info >= (3, 14))


def test_os_exit_skips_finally() -> None:
    assert finally_skipped.run_worker("os-exit") == (3, "working\n")


def test_sigkill_skips_finally() -> None:
    code, output = finally_skipped.run_worker("sigkill", signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert "finally ran" not in output


def test_sigterm_without_a_handler_skips_finally() -> None:
    code, output = finally_skipped.run_worker("sigterm", signal.SIGTERM)
    assert code == -signal.SIGTERM
    assert "finally ran" not in output


def test_sigterm_turned_into_an_exception_runs_finally() -> None:
    code, output = finally_skipped.run_worker("sigterm-handled", signal.SIGTERM)
    assert code == 128 + signal.SIGTERM
    assert output == "working\nfinally ran\n"
