"""The chapter's Celery application and tasks: one Redis for broker and results.

Start a worker with:
    celery -A ch_background_work.tasks worker --loglevel INFO

(A package ``__init__`` rather than a script-like module: the book's test
runner executes every other ``.py`` listing as ``__main__``, which would
register every task a second time.)
"""

# mypy: disable-error-code="untyped-decorator"
# (Celery ships no type hints, so its decorators are untyped.)

from __future__ import annotations

import json
import os
import time

import redis
from celery import Celery, Task

from ch_background_work.celery_settings import beat_settings, celery_settings

REDIS_URL = os.environ.get("BOOK_REDIS_URL", "redis://127.0.0.1:6379/0")

# [start app]
app = Celery("background")
app.config_from_object(
    celery_settings(
        REDIS_URL,
        visibility_timeout=float(os.environ.get("BOOK_VISIBILITY_TIMEOUT", 3600)),
        prefetch_multiplier=int(os.environ.get("BOOK_PREFETCH", 1)),
        soft_shutdown_timeout=float(os.environ.get("BOOK_SOFT_SHUTDOWN", 30)),
    )
)
# [end app]
every = os.environ.get("BOOK_BEAT_EVERY")  # the tests' fast schedule
app.conf.update(beat_settings(float(every) if every else None))

_store: redis.Redis | None = None


def store() -> redis.Redis:
    """One Redis client per worker process, for the tasks' side effects."""
    global _store
    if _store is None:
        # redis-py 8 gives every socket read 5 s; BLPOP below waits up to 60 s.
        _store = redis.Redis.from_url(
            REDIS_URL, decode_responses=True, socket_timeout=90
        )
    return _store


class GateTimeout(RuntimeError):
    """The test that owns the gate never opened it."""


# [start gated-work]
def gated_work(task: Task, key: str) -> str:
    """Record the start, wait until the gate opens, record the end."""
    r = store()
    mark = {"pid": os.getpid(), "host": task.request.hostname, "t": time.time()}
    r.rpush(f"{key}:started", json.dumps(mark))
    if r.blpop([f"{key}:gate"], timeout=60) is None:
        raise GateTimeout(key)  # pragma: no cover - a test forgot its gate
    r.rpush(f"{key}:done", json.dumps({**mark, "t": time.time()}))
    return key


@app.task(name="report.early", bind=True)  # default: ack, then run
def report_early(self: Task, key: str) -> str:
    return gated_work(self, key)


@app.task(name="report.late", bind=True, acks_late=True, reject_on_worker_lost=True)
def report_late(self: Task, key: str) -> str:
    return gated_work(self, key)


# [end gated-work]


# [start late-without-reject]
@app.task(name="report.late_no_reject", bind=True, acks_late=True)
def report_late_no_reject(self: Task, key: str) -> str:
    # acks_late alone: a killed *child* process still gets its message acked
    return gated_work(self, key)


# [end late-without-reject]


# [start idempotent]
CHARGE_ONCE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[3]) then
    redis.call('INCRBY', KEYS[2], ARGV[2])
    return 1
end
return 0
"""


@app.task(name="billing.charge", acks_late=True, reject_on_worker_lost=True)
def charge(idempotency_key: str, account: str, cents: int) -> bool:
    """Add ``cents`` to the account once per idempotency key, however often it runs."""
    applied = store().eval(
        CHARGE_ONCE,
        2,
        f"idem:{idempotency_key}",  # the marker and the effect change together
        f"balance:{account}",
        idempotency_key,
        cents,
        7 * 24 * 3600,  # keep markers longer than any redelivery can happen
    )
    return bool(applied)


# [end idempotent]


# [start retries]
class VendorUnavailable(Exception):
    """A transient failure worth retrying (a 503 from the LLM vendor)."""


@app.task(
    name="llm.summarise",
    bind=True,
    autoretry_for=(VendorUnavailable,),
    retry_backoff=1,  # 1 s, 2 s, 4 s, ... before jitter
    retry_backoff_max=60,  # never wait more than a minute
    retry_jitter=True,  # the default: a random wait in [0, backoff]
    max_retries=3,  # then the task fails for good
)
def summarise(self: Task, doc_id: str, failures_before_success: int) -> str:
    attempt = store().incr(f"attempts:{doc_id}")
    if attempt <= failures_before_success:
        raise VendorUnavailable(f"attempt {attempt}: 503 from vendor")
    return f"summary of {doc_id} after {attempt} attempts"


# [end retries]


# [start no-autoretry]
@app.task(name="llm.summarise_once")
def summarise_once(doc_id: str) -> str:
    store().incr(f"attempts:{doc_id}")
    raise VendorUnavailable("503 from vendor")  # fails the task; nobody retries


# [end no-autoretry]


@app.task(name="probe.record")
def record(key: str) -> int:
    """Count executions: the ETA test and the sentinel tasks use it."""
    return int(store().incr(key))
