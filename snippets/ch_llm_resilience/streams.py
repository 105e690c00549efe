"""Cross-pod work on Redis Streams: consumer groups, ack, and claim after a crash."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

STREAM, GROUP = "llm:jobs", "llm-workers"
STATUS = "llm:status"  # job id -> queued / running:<consumer> / done
RESULTS = "llm:results"  # job id -> answer
Handler = Callable[[str], Awaitable[str]]


# [start produce]
async def ensure_group(r: aioredis.Redis) -> None:
    try:
        await r.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise  # pragma: no cover - only an unexpected Redis error lands here


async def enqueue(r: aioredis.Redis, prompt: str) -> str:
    """Called by the API pod, which answers 202 with the job id."""
    job = uuid.uuid4().hex  # unique across pods, unlike id() or a timestamp
    await r.hset(STATUS, job, "queued")
    await r.xadd(STREAM, {"job": job, "prompt": prompt})
    return job


# [end produce]


# [start consume]
async def work_once(
    r: aioredis.Redis,
    consumer: str,
    handle: Handler,
    *,
    block_ms: int = 1000,
    min_idle_ms: int = 60_000,  # longer than any job may legitimately take
) -> str | None:
    """Process one job: first one a dead consumer left behind, else a new one."""
    claimed: Any = await r.xautoclaim(
        STREAM, GROUP, consumer, min_idle_time=min_idle_ms, start_id="0-0", count=1
    )
    entries = claimed[1]  # [next start id, entries, ids deleted meanwhile]
    if not entries:
        found: Any = await r.xreadgroup(GROUP, consumer, {STREAM: ">"}, 1, block_ms)
        if not found:
            return None
        entries = found[0][1]
    message_id, fields = entries[0]
    job: str = fields[b"job"].decode()
    prompt: str = fields[b"prompt"].decode()
    await r.hset(STATUS, job, f"running:{consumer}")
    answer = await handle(prompt)  # a crash here leaves the entry pending
    async with r.pipeline(transaction=True) as pipe:
        pipe.hset(RESULTS, job, answer)  # keyed by job: a rerun overwrites
        pipe.hset(STATUS, job, "done")
        pipe.xack(STREAM, GROUP, message_id)  # only now is the job finished
        await pipe.execute()
    return job


# [end consume]


# [start zpop]
async def take_with_zpopmin(r: aioredis.Redis) -> str | None:
    """The popular sorted-set queue: the pop removes the job before the work."""
    popped: Any = await r.zpopmin("llm:pq")
    return str(popped[0][0].decode()) if popped else None  # crash now: the job is gone


# [end zpop]
