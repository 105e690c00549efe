"""Fixtures for the logging chapter's tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from ch_logging._isolation import clean_logging


class ListHandler(logging.Handler):
    """Keeps every record it receives, for assertions."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [r.getMessage() for r in self.records]


@pytest.fixture
def clean() -> None:
    """Marks a test that must start from a root logger without handlers.

    The work happens in the hook below: pytest adds its own capture handlers
    to the root logger when the test body starts, after fixtures are set up,
    so the clean slate has to be made inside that step.
    """


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    if "clean" not in getattr(item, "fixturenames", ()):
        return (yield)
    with clean_logging():  # innermost: runs after pytest added its handlers
        return (yield)


@pytest.fixture
def collect() -> type[ListHandler]:
    return ListHandler
