"""Cancellation is a request, counted by cancelling() and taken back by uncancel()."""

from __future__ import annotations

import asyncio

import pytest

from ch_asyncio.cancellation import MiniDeadline, cancel_before_first_step, worker


def test_cancel_returns_at_once_and_lands_at_the_next_await() -> None:
    events: list[str] = []

    async def main() -> asyncio.Task[None]:
        task = asyncio.create_task(worker(events))
        with pytest.raises(asyncio.CancelledError):
            await task
        return task

    task = asyncio.run(main())
    assert task.cancelled()
    # Steps 1 and 2 ran after cancel() returned: the request waited for an await.
    assert events.index("cancel() returned True") < events.index("step 2")
    assert events[-2:] == ["reached the await", "cleanup, then re-raise"]
    assert "never printed" not in events


def test_task_cancelled_before_its_first_step_never_runs_its_body() -> None:
    events: list[str] = []
    assert asyncio.run(cancel_before_first_step(events))
    assert events == ["caller saw CancelledError"]  # not even finally ran


def test_cancel_on_a_finished_task_returns_false() -> None:
    async def main() -> bool:
        task = asyncio.create_task(asyncio.sleep(0))
        await task
        return task.cancel()

    assert asyncio.run(main()) is False


def test_cancelling_counts_requests_and_uncancel_takes_one_back() -> None:
    async def main() -> list[int]:
        task = asyncio.create_task(asyncio.sleep(10))
        await asyncio.sleep(0)
        counts = [task.cancelling()]
        task.cancel()
        task.cancel()
        counts.append(task.cancelling())
        counts.append(task.uncancel())
        with pytest.raises(asyncio.CancelledError):
            await task
        return counts

    assert asyncio.run(main()) == [0, 2, 1]


def test_except_exception_does_not_catch_cancelled_error() -> None:
    assert not issubclass(asyncio.CancelledError, Exception)
    assert issubclass(asyncio.CancelledError, BaseException)

    async def broad_handler() -> str:
        try:
            await asyncio.sleep(10)
        except Exception:  # does not match CancelledError
            return "swallowed"
        return "finished"

    async def main() -> asyncio.Task[str]:
        task = asyncio.create_task(broad_handler())
        await asyncio.sleep(0)
        task.cancel()
        await asyncio.wait([task])
        return task

    assert asyncio.run(main()).cancelled()


def test_mini_deadline_turns_its_own_cancellation_into_timeout_error() -> None:
    async def main() -> tuple[bool, int]:
        with pytest.raises(TimeoutError):
            async with MiniDeadline(0.01) as deadline:
                await asyncio.sleep(10)
        task = asyncio.current_task()
        assert task is not None
        return deadline.fired, task.cancelling()

    assert asyncio.run(main()) == (True, 0)


async def _cancelled_from_outside_while_deadline_fires(use_real_timeout: bool) -> None:
    task = asyncio.current_task()
    assert task is not None
    if use_real_timeout:
        async with asyncio.timeout(0):  # expires on the next loop iteration
            task.cancel()  # and somebody else cancels us too
            await asyncio.sleep(10)
    else:
        async with MiniDeadline(0):
            task.cancel()
            await asyncio.sleep(10)


@pytest.mark.parametrize("use_real_timeout", [False, True], ids=["mini", "asyncio"])
def test_deadline_lets_an_outside_cancellation_through(use_real_timeout: bool) -> None:
    async def main() -> asyncio.Task[None]:
        inner = asyncio.create_task(
            _cancelled_from_outside_while_deadline_fires(use_real_timeout)
        )
        await asyncio.wait([inner])
        return inner

    # Two requests were pending; the deadline took back only its own one, so
    # the task ends cancelled rather than with TimeoutError.
    assert asyncio.run(main()).cancelled()
