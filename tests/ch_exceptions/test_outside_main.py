"""Exceptions outside the main thread end up somewhere other than your caller."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from ch_exceptions import outside_main


@pytest.fixture
def hook_installed() -> Iterator[list[threading.ExceptHookArgs]]:
    seen: list[threading.ExceptHookArgs] = []
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        seen.append(args)
        outside_main.log_thread_exception(args)

    threading.excepthook = hook
    yield seen
    threading.excepthook = previous


def test_thread_exception_goes_to_excepthook_not_the_caller(
    hook_installed: list[threading.ExceptHookArgs],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.CRITICAL, logger="ch_exceptions.outside_main"):
        thread = outside_main.start_refresher()  # returns normally
        thread.join(timeout=10)
    assert not thread.is_alive()
    (args,) = hook_installed
    assert args.thread is thread
    assert isinstance(args.exc_value, ConnectionError)
    (record,) = caplog.records
    assert record.getMessage() == "thread model-refresher died"
    assert record.exc_info is not None
    assert record.exc_info[1] is args.exc_value


def test_unretrieved_task_exception_is_reported_when_the_task_is_destroyed() -> None:
    reports: list[dict[str, Any]] = []

    async def main() -> list[int]:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda loop, context: reports.append(context))
        counts = []
        task = asyncio.create_task(outside_main.warm_cache())
        await asyncio.wait([task])
        counts.append(len(reports))  # failed, but still referenced: silence
        del task
        gc.collect()  # destroyed: only now the loop hears about it
        counts.append(len(reports))
        await outside_main.start_and_forget()  # its local reference died on return
        gc.collect()
        counts.append(len(reports))
        return counts

    assert asyncio.run(main()) == [0, 1, 2]
    for context in reports:
        assert context["message"] == "Task exception was never retrieved"
        assert isinstance(context["exception"], ConnectionError)


def test_spawned_task_failure_is_logged_when_it_happens(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reports: list[dict[str, Any]] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda loop, context: reports.append(context))
        done = asyncio.Event()
        task = outside_main.spawn(outside_main.warm_cache())
        task.add_done_callback(lambda _: done.set())
        ok = outside_main.spawn(asyncio.sleep(0))
        await done.wait()
        await ok
        await asyncio.sleep(0)  # let the done callbacks run
        assert outside_main._background == set()
        del task, ok
        gc.collect()

    with caplog.at_level(logging.ERROR, logger="ch_exceptions.outside_main"):
        asyncio.run(main())
    (record,) = caplog.records
    assert record.getMessage().startswith("background task Task-")
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ConnectionError)
    assert reports == []  # retrieved by _reap: no "never retrieved"


def test_spawned_task_cancellation_is_not_logged_as_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def main() -> bool:
        task = outside_main.spawn(asyncio.sleep(3600))
        await asyncio.sleep(0)
        task.cancel()
        await asyncio.wait([task])
        await asyncio.sleep(0)
        return task.cancelled()

    with caplog.at_level(logging.ERROR, logger="ch_exceptions.outside_main"):
        assert asyncio.run(main()) is True
    assert caplog.records == []


def test_executor_future_stores_the_exception_until_result() -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = outside_main.submit_reports(pool)  # no exception here
        concurrent.futures.wait(futures)
    assert [f.done() for f in futures] == [True, True, True]
    assert isinstance(futures[1].exception(), ValueError)
    assert futures[0].result() == 12
    assert futures[2].result() == 7
    with pytest.raises(ValueError, match="invalid literal"):
        futures[1].result()  # raised here, in the caller, only now
