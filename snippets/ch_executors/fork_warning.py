"""Since 3.12, forking a process that runs other threads warns (DeprecationWarning).

Run this file with Python 3.12 or 3.13 on Linux to see the warning; the tests
do exactly that when such an interpreter is installed.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import warnings


# [start fork-threads]
def fork_with_a_thread_running() -> list[str]:
    """What warnings does forking a multi-threaded process raise?"""
    gate = threading.Event()
    helper = threading.Thread(target=gate.wait)  # a server always has threads
    helper.start()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            child = multiprocessing.get_context("fork").Process(target=os.getpid)
            child.start()
            child.join()
    finally:
        gate.set()
        helper.join()
    return [f"{w.category.__name__}: {w.message}" for w in caught]


# [end fork-threads]


if __name__ == "__main__":
    caught = fork_with_a_thread_running()
    if sys.argv[1:] == ["--print"]:  # pragma: no cover - run by the test in 3.12+
        print("\n".join(caught))
    else:  # silent on 3.11, one DeprecationWarning from 3.12
        assert len(caught) == (0 if sys.version_info < (3, 12) else 1), caught
