"""Cancelling the awaiting task does not stop the thread doing the work."""

from __future__ import annotations

import asyncio
import threading


# [start thread-keeps-running]
def export_report(started: threading.Event, release: threading.Event) -> str:
    started.set()
    release.wait(timeout=10)  # a blocking call we cannot interrupt
    return "report.csv"


async def export_with_timeout(
    started: threading.Event, release: threading.Event, finished: threading.Event
) -> str:
    def run() -> str:
        try:
            return export_report(started, release)
        finally:
            finished.set()  # records when the thread really ends

    async with asyncio.timeout(0.05):
        return await asyncio.to_thread(run)


# [end thread-keeps-running]


# [start cooperative-stop]
def export_in_chunks(stop: threading.Event, chunks: int, done: list[int]) -> int:
    for chunk in range(chunks):
        if stop.is_set():  # the thread checks; nobody can force it
            break
        stop.wait(timeout=0.01)  # one chunk of blocking work
        done.append(chunk)
    return len(done)


async def export_cancellable(chunks: int, done: list[int]) -> int:
    stop = threading.Event()
    worker = asyncio.ensure_future(
        asyncio.to_thread(export_in_chunks, stop, chunks, done)
    )
    try:
        return await asyncio.shield(worker)
    except asyncio.CancelledError:
        stop.set()  # ask the thread to stop at its next check...
        await worker  # ...and wait until it has, so nothing outlives us
        raise


# [end cooperative-stop]


async def _demo() -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    timed_out = False
    try:
        await export_with_timeout(started, release, finished)
    except TimeoutError:
        timed_out = True
    assert timed_out
    assert not finished.is_set()  # the thread is still inside export_report
    release.set()
    assert await asyncio.to_thread(finished.wait, 10)
    done: list[int] = []
    assert await export_cancellable(3, done) == 3


if __name__ == "__main__":
    asyncio.run(_demo())
