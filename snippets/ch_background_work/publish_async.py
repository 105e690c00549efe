"""Publishing a Celery task from async code without stalling the event loop."""

# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import asyncio
from typing import Any

from celery import Celery
from celery.result import AsyncResult


# [start to-thread]
async def enqueue(task: Any, *args: object, **options: Any) -> AsyncResult:
    """Publish from a coroutine: the blocking send runs on a worker thread."""
    return await asyncio.to_thread(task.apply_async, args=args, **options)


# [end to-thread]


# [start blocking-publish]
async def enqueue_blocking(task: Any, *args: object) -> AsyncResult:
    return task.apply_async(args=args)  # blocks the event loop: a mistake


# [end blocking-publish]


# [start heartbeat]
async def loop_ticks_during(call: Any) -> tuple[int, BaseException | None]:
    """How often a 10 ms heartbeat ran on the loop while ``call`` was awaited."""
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)  # let the heartbeat start
    before = ticks
    error: BaseException | None = None
    try:
        await call
    except Exception as exc:  # the broker is down: that is the experiment
        error = exc
    during = ticks - before
    beat.cancel()
    return during, error


# [end heartbeat]


def unreachable_broker_app(port: int) -> Celery:
    """An app whose broker port has nobody listening (nothing to clean up)."""
    app = Celery("publish-demo", broker=f"redis://127.0.0.1:{port}/0")
    app.conf.broker_connection_retry_on_startup = True
    return app


if __name__ == "__main__":
    from tests.support.services import free_port

    demo = unreachable_broker_app(free_port())

    @demo.task(name="demo.noop", ignore_result=True, shared=False)
    def noop() -> None:  # pragma: no cover - the broker is down; it never runs
        return None

    from kombu.exceptions import OperationalError

    blocked, error = asyncio.run(loop_ticks_during(enqueue_blocking(noop)))
    assert blocked == 0, blocked  # the loop could not tick at all
    assert isinstance(error, OperationalError), error
    free, error = asyncio.run(loop_ticks_during(enqueue(noop)))
    assert free > 5, free  # the loop kept running while the thread retried
    assert isinstance(error, OperationalError), error
