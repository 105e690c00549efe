"""FastAPI BackgroundTasks, in process and in a real uvicorn process."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from anyio.to_thread import current_default_thread_limiter

from ch_background_work import bg_app
from tests.ch_background_work.conftest import wait_until
from tests.support.services import RedisServer, UvicornServer

# Real worker, uvicorn or redis-server processes: seconds, not milliseconds.
pytestmark = pytest.mark.slow

APP = "ch_background_work.bg_app:app"


async def _in_process(*requests: tuple[str, str]) -> list[httpx.Response]:
    """Send requests to the app in this process, its lifespan running."""
    async with bg_app.app.router.lifespan_context(bg_app.app):
        transport = httpx.ASGITransport(app=bg_app.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return [await c.request(method, url) for method, url in requests]


@pytest.fixture
def local_env(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOK_REDIS_URL", redis_server.url)


def _server(
    start: Callable[..., UvicornServer], redis_server: RedisServer
) -> UvicornServer:
    return start(APP, env={"BOOK_REDIS_URL": redis_server.url})


def test_task_runs_after_the_response_in_the_same_process(
    redis_server: RedisServer, uvicorn_server: Callable[..., UvicornServer]
) -> None:
    r = redis_server.client()
    server = _server(uvicorn_server, redis_server)
    response = httpx.post(f"{server.url}/reports/r1", timeout=10)
    # The client holds the whole response while the task is still blocked.
    assert response.status_code == 200
    assert r.llen("r1:done") == 0
    wait_until(lambda: r.llen("r1:started") == 1, what="the task to start")
    r.rpush("r1:gate", "open")
    wait_until(lambda: r.llen("r1:done") == 1, what="the task to finish")
    started = json.loads(r.lindex("r1:started", 0))
    body = response.json()
    assert started["pid"] == body["pid"] == server.process.pid  # same process
    assert started["t"] >= body["handler_returned"]


def test_tasks_run_in_order_and_a_failure_stops_the_rest(
    redis_server: RedisServer, local_env: None
) -> None:
    (response,) = asyncio.run(_in_process(("POST", "/chain")))
    assert response.status_code == 200  # the client never hears of the failure
    assert redis_server.client().lrange("steps", 0, -1) == ["first", "fail"]


def test_sync_tasks_use_the_shared_anyio_thread_pool(
    redis_server: RedisServer, local_env: None
) -> None:
    audit, endpoint = asyncio.run(
        _in_process(("POST", "/audit"), ("GET", "/sync-endpoint"))
    )
    (task_thread,) = redis_server.client().lrange("threads", 0, -1)
    assert task_thread.startswith("AnyIO worker thread")
    assert endpoint.json()["handler_thread"].startswith("AnyIO worker thread")
    assert audit.json()["handler_thread"] == "MainThread"  # async: on the loop

    async def tokens() -> float:
        return current_default_thread_limiter().total_tokens

    assert asyncio.run(tokens()) == 40  # one pool of 40 threads, shared by both


def test_in_process_report_task_completes(
    redis_server: RedisServer, local_env: None
) -> None:
    r = redis_server.client()
    r.rpush("r2:gate", "open")
    asyncio.run(_in_process(("POST", "/reports/r2")))
    assert r.llen("r2:done") == 1


def test_sigkill_loses_a_running_background_task(
    redis_server: RedisServer, uvicorn_server: Callable[..., UvicornServer]
) -> None:
    r = redis_server.client()
    server = _server(uvicorn_server, redis_server)
    assert httpx.post(f"{server.url}/reports/r3", timeout=10).status_code == 200
    wait_until(lambda: r.llen("r3:started") == 1, what="the task to start")
    server.kill()  # SIGKILL: no shutdown, no lifespan exit
    r.rpush("r3:gate", "open")  # too late: the only process that waited is gone
    assert r.llen("r3:done") == 0
    assert r.llen("r3:gate") == 1  # nobody is left to take it


def test_sigterm_waits_for_running_background_tasks(
    redis_server: RedisServer, uvicorn_server: Callable[..., UvicornServer]
) -> None:
    r = redis_server.client()
    server = _server(uvicorn_server, redis_server)
    assert httpx.post(f"{server.url}/reports/r4", timeout=10).status_code == 200
    wait_until(lambda: r.llen("r4:started") == 1, what="the task to start")
    process: Any = server.process
    process.send_signal(signal.SIGTERM)
    wait_until(
        lambda: "Waiting for background tasks to complete" in server.output(),
        what="uvicorn to wait",
    )
    assert process.poll() is None  # still running: it waits for the task
    r.rpush("r4:gate", "open")
    # uvicorn re-raises the signal once it has shut down cleanly
    assert process.wait(timeout=20) == -signal.SIGTERM
    assert r.llen("r4:done") == 1
    assert "Finished server process" in server.output()
