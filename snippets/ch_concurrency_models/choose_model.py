"""The chapter's decision table, as code a design review can argue with."""

from __future__ import annotations

from enum import Enum


class Work(Enum):
    NETWORK_WAIT = "waits on sockets (LLM vendors, databases, HTTP APIs)"
    BLOCKING_LIBRARY = "waits inside a library with no async API"
    NATIVE_RELEASES_GIL = "native code that releases the GIL (hashlib, zlib, NumPy)"
    PURE_PYTHON_CPU = "pure-Python computation (parsing, tokenising, scoring)"
    LONG_OR_DURABLE = "minutes of work, or work that must survive a restart"


# [start decide]
def choose_model(work: Work, seconds_per_item: float) -> str:
    """Where a FastAPI service should run one kind of work."""
    if work is Work.LONG_OR_DURABLE or seconds_per_item > 30:
        return "external worker (Celery): outlives the request and the pod"
    if work is Work.NETWORK_WAIT:
        return "event loop: async client, bounded by a semaphore"
    if work in (Work.BLOCKING_LIBRARY, Work.NATIVE_RELEASES_GIL):
        return "thread pool: asyncio.to_thread or a dedicated executor"
    if seconds_per_item < 0.001:
        return "inline: cheaper than any hand-off (keep it under 1 ms)"
    return "process pool owned by the lifespan, sized from the CPU budget"


# [end decide]


if __name__ == "__main__":
    assert choose_model(Work.NETWORK_WAIT, 2.0).startswith("event loop")
    assert choose_model(Work.PURE_PYTHON_CPU, 0.2).startswith("process pool")
