"""Worker functions for the executors chapter.

Process pools pickle a function by reference (module + name), and workers
started with ``spawn`` or ``forkserver`` import the module again, so every
function a process pool runs lives here, at module level.
"""

from __future__ import annotations

import os
import threading
import time

_model: dict[str, str] = {}  # per-process state filled by the initializer


def square(x: int) -> int:
    return x * x


def pid_of(_: object) -> int:
    """Which worker process ran this item."""
    return os.getpid()


def slow_pid(_: object) -> int:
    time.sleep(0.01)  # long enough that one worker cannot take every item
    return os.getpid()


def die(_: object) -> None:
    """A worker that dies abruptly, as after a segfault or the OOM killer."""
    os._exit(1)  # pragma: no cover - the process ends before coverage saves


def load_model(name: str) -> None:
    """An initializer: runs once in each worker before its first task."""
    _model["name"] = name
    _model["loaded_by"] = str(os.getpid())


def classify(text: str) -> str:
    """Uses the state the initializer prepared."""
    return f"{_model['name']}:{len(text.split())} words"


def broken_initializer() -> None:
    raise RuntimeError("model file not found")


def wait_for(gate: threading.Event, timeout: float = 30.0) -> str:
    """Thread-pool work that runs until released (threads share the event)."""
    if not gate.wait(timeout):  # pragma: no cover - a test forgot to release
        raise TimeoutError("nobody released the gate")
    return "released"


def count_words(text: str) -> int:
    return len(text.split())
