"""Redis Streams consumer groups: a consumer SIGKILLed mid-task loses nothing."""

import asyncio
import os
import subprocess
import sys
import time

import redis
import redis.asyncio as aioredis

from ch_llm_resilience.streams import (
    GROUP,
    RESULTS,
    STATUS,
    STREAM,
    enqueue,
    ensure_group,
    take_with_zpopmin,
    work_once,
)
from tests.support.services import ROOT, SNIPPETS, RedisServer


async def fast_model(prompt: str) -> str:
    return f"answer to {prompt}"


def wait_until_running(url: str, job: str, process: subprocess.Popen[bytes]) -> str:
    """Bounded wait for the worker to report that it started the job."""
    deadline = time.monotonic() + 20
    with redis.Redis.from_url(url) as r:
        while time.monotonic() < deadline:
            status = r.hget(STATUS, job)
            if status is not None and status.startswith(b"running:"):
                return status.decode()
            assert process.poll() is None, "the worker exited early"
            time.sleep(0.02)
    raise AssertionError("the worker never started the job")


def test_a_killed_consumers_job_is_claimed_and_finished(
    redis_server: RedisServer,
) -> None:
    async def produce() -> str:
        async with aioredis.Redis.from_url(redis_server.url) as r:
            await ensure_group(r)
            return await enqueue(r, "summarise the incident")

    job = asyncio.run(produce())
    env = dict(os.environ, PYTHONPATH=f"{SNIPPETS}{os.pathsep}{ROOT}")
    env.pop("BOOK_SNIPPET_TEST", None)
    args = [sys.executable, "-m", "ch_llm_resilience.stream_worker"]
    args += [redis_server.url, "victim", "600"]  # a 10-minute "model call"
    victim = subprocess.Popen(args, env=env, cwd=ROOT)
    try:
        assert wait_until_running(redis_server.url, job, victim) == "running:victim"
    finally:
        victim.kill()  # SIGKILL: no finally blocks, no ack, no goodbye
        victim.wait(timeout=10)
    assert victim.returncode == -9

    async def rescue() -> tuple[str | None, object, object, object]:
        async with aioredis.Redis.from_url(redis_server.url) as r:
            pending = await r.xpending_range(STREAM, GROUP, "-", "+", 10)
            assert [(p["consumer"], p["times_delivered"]) for p in pending] == [
                (b"victim", 1)
            ]  # delivered, never acknowledged: still owned by the dead consumer
            done = await work_once(r, "rescuer", fast_model, min_idle_ms=0)
            summary = await r.xpending(STREAM, GROUP)
            return done, await r.hget(RESULTS, job), await r.hget(STATUS, job), summary

    done, answer, status, summary = asyncio.run(rescue())
    assert done == job
    assert answer == b"answer to summarise the incident"
    assert status == b"done"
    assert summary["pending"] == 0  # acknowledged: nothing left to claim


def test_a_fresh_pending_job_is_not_stolen_from_a_live_consumer(
    redis_server: RedisServer,
) -> None:
    async def go() -> str | None:
        async with aioredis.Redis.from_url(redis_server.url) as r:
            await ensure_group(r)
            await enqueue(r, "slow one")
            await r.xreadgroup(GROUP, "busy", {STREAM: ">"}, 1)  # busy has it
            return await work_once(r, "other", fast_model, block_ms=10)

    assert asyncio.run(go()) is None  # idle for less than min_idle_ms: left alone


def test_consumers_in_one_group_share_the_work(redis_server: RedisServer) -> None:
    async def go() -> dict[str, int]:
        async with aioredis.Redis.from_url(redis_server.url) as r:
            await ensure_group(r)
            await ensure_group(r)  # idempotent: BUSYGROUP is not an error
            jobs = [await enqueue(r, f"p{i}") for i in range(6)]
            done: dict[str, int] = {"a": 0, "b": 0}
            for i in range(6):
                name = "ab"[i % 2]
                assert await work_once(r, name, fast_model, block_ms=10) in jobs
                done[name] += 1
            assert await r.hlen(RESULTS) == 6
            return done

    assert asyncio.run(go()) == {"a": 3, "b": 3}


def test_a_sorted_set_pop_loses_the_job_when_the_worker_dies(
    redis_server: RedisServer,
) -> None:
    async def go() -> tuple[str | None, int]:
        async with aioredis.Redis.from_url(redis_server.url) as r:
            await r.zadd("llm:pq", {"job-1": 1})
            taken = await take_with_zpopmin(r)
            # ...the worker is killed here, before it finishes...
            return taken, await r.zcard("llm:pq")

    taken, left = asyncio.run(go())
    assert taken == "job-1"
    assert left == 0  # nothing anywhere says job-1 was ever owed an answer

    async def empty() -> str | None:
        async with aioredis.Redis.from_url(redis_server.url) as r:
            return await take_with_zpopmin(r)

    assert asyncio.run(empty()) is None
