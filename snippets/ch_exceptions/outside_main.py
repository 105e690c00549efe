"""Exceptions outside the main thread: threads, asyncio tasks, executor futures."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)


# [start thread-excepthook]
def log_thread_exception(args: threading.ExceptHookArgs) -> None:
    """Installed as threading.excepthook: a dying thread leaves a log record."""
    name = args.thread.name if args.thread is not None else "unknown"
    logger.critical("thread %s died", name, exc_info=args.exc_value)


def refresh_model_list() -> None:
    raise ConnectionError("model registry unreachable")


def start_refresher() -> threading.Thread:
    thread = threading.Thread(target=refresh_model_list, name="model-refresher")
    thread.start()  # the exception ends this thread only; the caller never sees it
    return thread


# [end thread-excepthook]


# [start never-retrieved]
async def warm_cache() -> None:
    raise ConnectionError("cache unreachable")


async def start_and_forget() -> None:
    task = asyncio.create_task(warm_cache())
    await asyncio.wait([task])  # it has failed; nobody calls result() or exception()


# [end never-retrieved]


# [start spawn]
_background: set[asyncio.Task[None]] = set()


def spawn(coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """Start a background task that is kept alive and whose failure is logged."""
    task = asyncio.create_task(coro)
    _background.add(task)  # a strong reference until it ends
    task.add_done_callback(_reap)
    return task


def _reap(task: asyncio.Task[None]) -> None:
    _background.discard(task)
    if not task.cancelled() and (exc := task.exception()) is not None:
        logger.error("background task %s failed", task.get_name(), exc_info=exc)


# [end spawn]


# [start future-stores]
def parse_report(text: str) -> int:
    return int(text)  # ValueError for an empty report


def submit_reports(
    pool: concurrent.futures.Executor,
) -> list[concurrent.futures.Future[int]]:
    # Submitting never raises: each failure waits inside its Future.
    return [pool.submit(parse_report, text) for text in ["12", "", "7"]]


# [end future-stores]
