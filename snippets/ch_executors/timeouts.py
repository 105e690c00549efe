"""result(timeout) bounds your wait, not the work; cancel() only stops queued work."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from ch_executors._work import wait_for


# [start result-timeout]
def wait_briefly(gate: threading.Event, finished: threading.Event) -> Future[str]:
    """Give up waiting after 50 ms, and return the future that is still running."""
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(wait_for, gate)
    future.add_done_callback(lambda _: finished.set())
    # TimeoutError is the built-in: concurrent.futures.TimeoutError since 3.11.
    with contextlib.suppress(TimeoutError):
        future.result(timeout=0.05)
    pool.shutdown(wait=False)  # the worker thread keeps running regardless
    return future


# [end result-timeout]


# [start cancel]
def try_to_cancel(gate: threading.Event) -> tuple[bool, bool]:
    """One worker: the first job runs, the second waits in the queue."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(wait_for, gate)
        queued = pool.submit(wait_for, gate)
        cancelled = (running.cancel(), queued.cancel())  # (False, True)
        gate.set()  # without this, leaving the block would wait forever
    return cancelled


# [end cancel]


if __name__ == "__main__":
    gate, finished = threading.Event(), threading.Event()
    future = wait_briefly(gate, finished)
    assert future.running()
    assert not finished.is_set()
    gate.set()
    assert finished.wait(5)
    assert future.result() == "released"
    assert try_to_cancel(threading.Event()) == (False, True)
