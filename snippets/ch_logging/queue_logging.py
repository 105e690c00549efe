"""Handlers block the caller; a QueueHandler moves the blocking onto one thread."""

from __future__ import annotations

import asyncio
import itertools
import logging
import queue
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from logging.handlers import QueueHandler, QueueListener

from fastapi import FastAPI

from ch_logging.jsonlog import JsonFormatter, RequestIdFilter


# [start stalling-handler]
class StallingHandler(logging.Handler):
    """Stands in for a handler whose I/O stalls: a full pipe, a slow shipper.

    emit() blocks until `release` is set or `timeout` seconds pass.
    """

    def __init__(self, release: threading.Event, timeout: float) -> None:
        super().__init__()
        self.unblock = release
        self.timeout = timeout
        self.gave_up: list[bool] = []  # True: nobody released it in time

    def emit(self, record: logging.LogRecord) -> None:
        self.gave_up.append(not self.unblock.wait(self.timeout))
        # [end stalling-handler]


@dataclass
class Outcome:
    gave_up: list[bool]
    max_gap: float  # longest pause between two ticks of the event loop, seconds


# [start experiment]
async def tick(ticks: list[float], release: threading.Event, needed: int) -> None:
    """A 10 ms heartbeat; after `needed` beats it releases the handler."""
    while len(ticks) < needed:
        ticks.append(time.perf_counter())
        await asyncio.sleep(0.01)
    release.set()


async def experiment(log: logging.Logger, release: threading.Event) -> float:
    ticks: list[float] = []
    heartbeat = asyncio.create_task(tick(ticks, release, needed=5))
    await asyncio.sleep(0)  # the heartbeat has started
    log.warning("vendor call took 31 s")  # one ordinary call from a coroutine
    await heartbeat
    return max(b - a for a, b in itertools.pairwise(ticks))
    # [end experiment]


def run(*, queued: bool, timeout: float = 1.0) -> Outcome:
    release = threading.Event()
    slow = StallingHandler(release, timeout)
    log = logging.getLogger(f"ch_logging.queue_logging.{queued}")
    log.propagate = False
    if queued:
        listener = install_queue_logging(log, slow)
    else:
        log.addHandler(slow)
    try:
        gap = asyncio.run(experiment(log, release))
    finally:
        if queued:
            listener.stop()  # drains the queue: the record is handled before this
        log.handlers.clear()
    return Outcome(slow.gave_up, gap)


# [start install]
def install_queue_logging(
    logger: logging.Logger, *handlers: logging.Handler
) -> QueueListener:
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    front = QueueHandler(records)  # the caller only enqueues: no I/O
    front.addFilter(RequestIdFilter())  # read context HERE, in the caller
    logger.addHandler(front)
    listener = QueueListener(records, *handlers, respect_handler_level=True)
    listener.start()  # one thread runs the slow handlers
    return listener  # listener.stop() at shutdown flushes what is queued
    # [end install]


# [start lifespan]
@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    stdout = logging.StreamHandler(sys.stdout)
    stdout.setFormatter(JsonFormatter())
    listener = install_queue_logging(logging.getLogger(), stdout)
    try:
        yield
    finally:
        listener.stop()


app = FastAPI(lifespan=lifespan)
# [end lifespan]


if __name__ == "__main__":
    direct = run(queued=False)
    assert direct.gave_up == [True]
    assert direct.max_gap >= 1.0
    queued = run(queued=True)
    assert queued.gave_up == [False]
