"""Decorators run when ``def`` runs: once, at import, never per call."""

import importlib
import logging
import sys

import pytest


def fresh_import(name: str):  # type: ignore[no-untyped-def]
    """Import ``name`` anew so its module body (and its decorators) runs now."""
    sys.modules.pop(name, None)
    return importlib.import_module(name)


def test_registration_runs_at_import_not_per_call() -> None:
    module = fresh_import("ch_decorators.definition_time")
    assert module.registrations == [
        "invoice.paid -> send_receipt",
        "invoice.overdue -> send_reminder",
    ]
    for _ in range(5):
        module.dispatch("invoice.paid", {"invoice_id": 1})
    assert len(module.registrations) == 2


def test_registration_decorator_returns_the_function_itself() -> None:
    module = fresh_import("ch_decorators.definition_time")
    assert module.HANDLERS["invoice.overdue"] is module.send_reminder
    assert module.send_reminder.__name__ == "send_reminder"


def test_at_sign_is_the_same_rebinding_as_an_assignment() -> None:
    from ch_decorators import anatomy

    # Decorated with "@trace" and rebound by hand with "add = trace(add)":
    # both names now point at a wrapper made by the same code.
    assert anatomy.add.__qualname__ == anatomy.multiply.__qualname__
    assert anatomy.add.__qualname__ == "trace.<locals>.wrapper"


def test_trace_logs_arguments_and_result(caplog: pytest.LogCaptureFixture) -> None:
    from ch_decorators import anatomy

    with caplog.at_level(logging.INFO, logger="ch_decorators.anatomy"):
        assert anatomy.multiply(6, b=7) == 42
    assert [r.getMessage() for r in caplog.records] == [
        "call multiply args=(6,) kwargs={'b': 7}",
        "multiply returned 42",
    ]


def test_fixed_arity_wrapper_rejects_keyword_arguments() -> None:
    from ch_decorators import anatomy

    assert anatomy.scale(3.0) == 6.0
    with pytest.raises(TypeError, match="unexpected keyword argument 'factor'"):
        anatomy.scale(3.0, factor=10.0)
