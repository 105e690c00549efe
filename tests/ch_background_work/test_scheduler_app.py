"""APScheduler in a FastAPI lifespan, and the same app in two processes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
import redis

from ch_background_work import aps_app
from tests.ch_background_work.conftest import eventually, wait_until
from tests.support.services import RedisServer, UvicornServer

# Real worker, uvicorn or redis-server processes: seconds, not milliseconds.
pytestmark = pytest.mark.slow


def test_coroutine_jobs_run_on_the_loop_and_functions_in_threads(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOK_REDIS_URL", redis_server.url)
    monkeypatch.setenv("BOOK_TICK_SECONDS", "0.2")
    r = redis_server.client()

    async def scenario() -> None:
        async with aps_app.lifespan(aps_app.app):
            await eventually(
                lambda: (
                    r.llen("coroutine-job-threads") and r.llen("thread-job-threads")
                ),
                what="both jobs",
            )

    asyncio.run(scenario())
    assert set(r.lrange("coroutine-job-threads", 0, -1)) == {"MainThread"}
    assert all(t.startswith("asyncio_") for t in r.lrange("thread-job-threads", 0, -1))


def _ticks_after_both_started(r: redis.Redis, count: int) -> dict[int, int]:
    """Wait for two schedulers, then for ``count`` complete ticks."""
    wait_until(lambda: r.llen("schedulers") == 2, timeout=40, what="two schedulers")
    first = int(time.time()) + 1  # the first tick both can see
    wait_until(
        lambda: len([t for t in r.hkeys("runs") if int(t) >= first]) > count,
        timeout=40,
        what=f"{count} ticks",
    )
    runs = {int(t): int(n) for t, n in r.hgetall("runs").items()}
    complete = sorted(t for t in runs if t >= first)[:count]  # the last may be partial
    return {t: runs[t] for t in complete}


def test_two_processes_run_every_tick_twice(
    redis_server: RedisServer, uvicorn_server: Callable[..., UvicornServer]
) -> None:
    r = redis_server.client()
    env = {"BOOK_REDIS_URL": redis_server.url, "BOOK_TICK_SECONDS": "1"}
    uvicorn_server(
        "ch_background_work.aps_app:app", env=env, extra_args=["--workers", "2"]
    )
    ticks = _ticks_after_both_started(r, 3)
    assert list(ticks.values()) == [2, 2, 2]


def test_a_redis_claim_makes_each_tick_run_once(
    redis_server: RedisServer, uvicorn_server: Callable[..., UvicornServer]
) -> None:
    r = redis_server.client()
    env = {
        "BOOK_REDIS_URL": redis_server.url,
        "BOOK_TICK_SECONDS": "1",
        "BOOK_TICK_LOCK": "1",
    }
    uvicorn_server(
        "ch_background_work.aps_app:app", env=env, extra_args=["--workers", "2"]
    )
    ticks = _ticks_after_both_started(r, 3)
    assert list(ticks.values()) == [1, 1, 1]


def test_two_schedulers_in_one_process_share_ticks_through_the_claim(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOK_REDIS_URL", redis_server.url)
    monkeypatch.setenv("BOOK_TICK_SECONDS", "0.25")
    monkeypatch.setenv("BOOK_TICK_LOCK", "1")
    r = redis_server.client()

    async def scenario() -> None:
        async with aps_app.lifespan(aps_app.app), aps_app.lifespan(aps_app.app):
            await eventually(lambda: r.hlen("runs") >= 4, what="four ticks")

    asyncio.run(scenario())
    assert r.llen("schedulers") == 2
    runs = [int(n) for n in r.hvals("runs")]
    assert len(runs) >= 4
    assert set(runs) == {1}
