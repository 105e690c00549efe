"""Does a call release the GIL? Watch whether another thread runs meanwhile."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable


# [start heartbeats]
def longest_stall(call: Callable[[], object]) -> float:
    """Run ``call`` in a thread; return this thread's longest stall meanwhile.

    This thread spins a pure-Python loop, noting the time on each pass. It can
    only run while it holds the GIL, so a call that keeps the GIL stalls it for
    the whole call; a call that releases the GIL barely stalls it at all. The
    result is the longest stretch of the call with no pass of this loop, as a
    fraction of the call's duration.
    """
    window: list[float] = []
    started = threading.Event()

    def worker() -> None:
        started.set()
        begin = time.perf_counter()
        call()
        window.extend([begin, time.perf_counter()])

    thread = threading.Thread(target=worker)
    thread.start()
    started.wait()
    beats = [time.perf_counter()]
    while thread.is_alive():
        now = time.perf_counter()
        if now - beats[-1] > 0.0002:  # at most one note per 0.2 ms
            beats.append(now)
    thread.join()
    begin, end = window
    inside = [begin, *(b for b in beats if begin < b < end), end]
    stall = max(later - earlier for earlier, later in itertools.pairwise(inside))
    return stall / (end - begin)


# [end heartbeats]

# [start calls]
BUFFER = bytes(128 * 2**20)  # 128 MiB


def hash_buffer() -> object:  # OpenSSL, GIL released for large inputs
    return hashlib.sha256(BUFFER).digest()


def sum_in_c() -> object:  # a C loop that never releases the GIL
    return sum(range(10_000_000))


# [end calls]


if __name__ == "__main__":
    assert longest_stall(hash_buffer) < 0.5  # this thread kept running
    assert longest_stall(sum_in_c) > 0.8  # this thread froze for the whole call
