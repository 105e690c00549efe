"""A sync wrapper around ``async def`` times and retries the wrong thing."""

import asyncio
import inspect
import logging
import sys

import pytest

from ch_decorators import async_timing, markcoro
from ch_decorators.timing import timed


def durations(caplog: pytest.LogCaptureFixture) -> list[float]:
    return [record.__dict__["duration_s"] for record in caplog.records]


def test_sync_timing_wrapper_measures_only_coroutine_creation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="ch_decorators.async_timing"):
        assert asyncio.run(async_timing.fetch_quote_naive()) == "quote"
    (naive,) = durations(caplog)
    assert naive < 0.005  # microseconds: the 50 ms sleep was not inside


def test_async_timing_wrapper_measures_the_awaited_work(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="ch_decorators.async_timing"):
        assert asyncio.run(async_timing.fetch_quote()) == "quote"
    (aware,) = durations(caplog)
    assert aware >= async_timing.SLEEP_S * 0.99  # slack for clock rounding only


def test_sync_wrapper_hides_that_the_function_is_a_coroutine_function() -> None:
    assert inspect.iscoroutinefunction(async_timing.fetch_quote_naive.__wrapped__)
    assert not inspect.iscoroutinefunction(async_timing.fetch_quote_naive)
    assert inspect.iscoroutinefunction(async_timing.fetch_quote)


def test_sync_retry_around_async_def_never_retries() -> None:
    async_timing.attempts.clear()
    coroutine = async_timing.flaky_call()  # the wrapper "succeeded" already
    assert inspect.iscoroutine(coroutine)
    with pytest.raises(ConnectionError):
        asyncio.run(coroutine)
    assert async_timing.attempts == ["flaky_call"]


def test_markcoroutinefunction_needs_python_312() -> None:
    with pytest.raises(ValueError, match=r"load_invoice\(\) got None"):
        markcoro.load_invoice(None)  # raised before any coroutine exists
    expected = sys.version_info >= (3, 12)
    assert inspect.iscoroutinefunction(markcoro.load_invoice) is expected


def test_production_timed_keeps_coroutine_functions_async(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @timed
    async def complete(prompt: str) -> str:
        await asyncio.sleep(0.03)
        return prompt

    @timed
    def render(name: str) -> str:
        return name

    assert inspect.iscoroutinefunction(complete)
    assert not inspect.iscoroutinefunction(render)
    with caplog.at_level(logging.INFO, logger="ch_decorators.timing"):
        assert asyncio.run(complete("hi")) == "hi"
        assert render("Ada") == "Ada"
    funcs = [record.__dict__["func"] for record in caplog.records]
    assert funcs == [complete.__qualname__, render.__qualname__]
    assert durations(caplog)[0] >= 0.03 * 0.99
    assert caplog.records[0].getMessage().endswith(" ms")


def test_production_timed_logs_even_when_the_call_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @timed
    def broken() -> None:
        raise KeyError("missing")

    with (
        caplog.at_level(logging.INFO, logger="ch_decorators.timing"),
        pytest.raises(KeyError),
    ):
        broken()
    assert len(caplog.records) == 1
