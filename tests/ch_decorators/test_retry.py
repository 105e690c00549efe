"""The retry decorator factory: attempts, delays, and what it does not retry."""

import asyncio
import inspect
import logging

import pytest

from ch_decorators.retry import retry


class FakeClock:
    """Records requested sleeps instead of waiting (an injected clock)."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def flaky(failures: list[Exception], calls: list[int]):  # type: ignore[no-untyped-def]
    async def call() -> str:
        calls.append(1)
        if failures:
            raise failures.pop(0)
        return "ok"

    return call


def test_retries_until_success_with_doubling_delays(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, calls = FakeClock(), []
    func = retry(attempts=4, base_delay=0.5, sleep=clock.sleep)(
        flaky([ConnectionError("a"), TimeoutError("b")], calls)
    )
    with caplog.at_level(logging.WARNING, logger="ch_decorators.retry"):
        assert asyncio.run(func()) == "ok"
    assert len(calls) == 3
    assert clock.sleeps == [0.5, 1.0]
    assert len(caplog.records) == 2


def test_gives_up_after_the_last_attempt_with_the_last_error() -> None:
    clock, calls = FakeClock(), []
    errors = [ConnectionError(f"try {n}") for n in range(1, 4)]
    func = retry(attempts=3, sleep=clock.sleep)(flaky(errors, calls))
    with pytest.raises(ConnectionError, match="try 3"):
        asyncio.run(func())
    assert len(calls) == 3
    assert len(clock.sleeps) == 2  # no sleep after the final failure


def test_does_not_retry_unlisted_exceptions() -> None:
    clock, calls = FakeClock(), []
    func = retry(on=(ConnectionError,), sleep=clock.sleep)(
        flaky([ValueError("bad request")], calls)
    )
    with pytest.raises(ValueError, match="bad request"):
        asyncio.run(func())
    assert (len(calls), clock.sleeps) == (1, [])


def test_rejects_zero_attempts_when_built() -> None:
    with pytest.raises(ValueError, match="attempts must be at least 1"):
        retry(attempts=0)


def test_retry_wrapper_stays_a_coroutine_function_with_metadata() -> None:
    @retry()
    async def create_embedding(text: str) -> list[float]:
        """Embed one text."""
        return [1.0]

    assert inspect.iscoroutinefunction(create_embedding)
    assert create_embedding.__doc__ == "Embed one text."
    assert list(inspect.signature(create_embedding).parameters) == ["text"]
