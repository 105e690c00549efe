"""cancel() is a request: it lands as CancelledError at the next await."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType


# [start cancel-request]
async def worker(events: list[str]) -> None:
    try:
        for step in range(3):
            events.append(f"step {step}")
            if step == 1:
                current = asyncio.current_task()
                assert current is not None
                events.append(f"cancel() returned {current.cancel()}")
                events.append(f"cancelling() = {current.cancelling()}")
        events.append("reached the await")
        await asyncio.sleep(0)  # CancelledError is raised here
    except asyncio.CancelledError:
        events.append("cleanup, then re-raise")
        raise


# [end cancel-request]


# [start cancel-before-start]
async def never_started(events: list[str]) -> None:  # pragma: no cover - never runs
    try:
        events.append("body ran")
    finally:
        events.append("finally ran")


async def cancel_before_first_step(events: list[str]) -> bool:
    task = asyncio.create_task(never_started(events))
    task.cancel()  # before the task's first step: its body never runs
    try:
        await task
    except asyncio.CancelledError:
        events.append("caller saw CancelledError")
    return task.cancelled()


# [end cancel-before-start]


# [start mini-deadline]
class MiniDeadline:
    """A toy asyncio.timeout: shows why the real one needs uncancel()."""

    def __init__(self, delay: float) -> None:
        self._delay = delay
        self.fired = False

    async def __aenter__(self) -> MiniDeadline:
        task = asyncio.current_task()
        assert task is not None
        self._task = task
        self._handle = asyncio.get_running_loop().call_later(self._delay, self._fire)
        return self

    def _fire(self) -> None:
        self.fired = True
        self._task.cancel()  # cancelling() goes up by one

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._handle.cancel()
        # Take back our own request. If another one is still pending,
        # somebody else wants this task gone: let CancelledError through.
        fired_here = self.fired and exc_type is asyncio.CancelledError
        if fired_here and self._task.uncancel() == 0:
            raise TimeoutError from exc


# [end mini-deadline]


async def _worker_events() -> tuple[bool, list[str]]:
    events: list[str] = []
    task = asyncio.create_task(worker(events))
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return task.cancelled(), events


async def _mini_deadline() -> bool:
    try:
        async with MiniDeadline(0.01):
            await asyncio.sleep(10)
    except TimeoutError:
        return True
    return False  # pragma: no cover - only if the deadline failed to fire


if __name__ == "__main__":
    cancelled, events = asyncio.run(_worker_events())
    assert cancelled
    assert events == [
        "step 0",
        "step 1",
        "cancel() returned True",
        "cancelling() = 1",
        "step 2",
        "reached the await",
        "cleanup, then re-raise",
    ]
    started: list[str] = []
    assert asyncio.run(cancel_before_first_step(started))
    assert started == ["caller saw CancelledError"]
    assert asyncio.run(_mini_deadline())
