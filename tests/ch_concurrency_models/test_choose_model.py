"""The decision table maps each kind of work to one place to run it."""

from __future__ import annotations

import pytest

from ch_concurrency_models.choose_model import Work, choose_model


@pytest.mark.parametrize(
    ("work", "seconds", "where"),
    [
        (Work.NETWORK_WAIT, 2.0, "event loop"),
        (Work.BLOCKING_LIBRARY, 0.5, "thread pool"),
        (Work.NATIVE_RELEASES_GIL, 0.05, "thread pool"),
        (Work.PURE_PYTHON_CPU, 0.2, "process pool"),
        (Work.PURE_PYTHON_CPU, 0.0002, "inline"),
        (Work.LONG_OR_DURABLE, 1.0, "external worker"),
        (Work.NETWORK_WAIT, 120.0, "external worker"),
    ],
)
def test_decision_table(work: Work, seconds: float, where: str) -> None:
    assert choose_model(work, seconds).startswith(where)
