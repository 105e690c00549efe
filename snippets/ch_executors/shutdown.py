"""shutdown(cancel_futures=True) drops the queue; the running job still finishes."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from ch_executors._work import wait_for


# [start cancel-futures]
def shut_down_early(gate: threading.Event) -> list[Future[str]]:
    pool = ThreadPoolExecutor(max_workers=1)
    futures = [pool.submit(wait_for, gate) for _ in range(3)]  # 1 runs, 2 queue
    pool.shutdown(wait=False, cancel_futures=True)  # the two queued are cancelled
    gate.set()  # the running one was never interrupted; let it finish
    return futures


# [end cancel-futures]


if __name__ == "__main__":
    first, *rest = shut_down_early(threading.Event())
    assert first.result(timeout=5) == "released"
    assert all(f.cancelled() for f in rest)
