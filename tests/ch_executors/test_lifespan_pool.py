"""The lifespan owns the process pool: created at startup, shut down at exit."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from ch_executors import lifespan_pool
from tests.support.services import UvicornServer


def test_endpoint_uses_the_lifespan_pool_and_shutdown_closes_it() -> None:
    created: list[ProcessPoolExecutor] = []

    def make_pool() -> ProcessPoolExecutor:
        created.append(lifespan_pool.default_pool())
        return created[0]

    app = lifespan_pool.create_app(make_pool)
    assert created == []  # nothing starts at import or construction
    with TestClient(app) as client:
        assert len(created) == 1  # started by the lifespan
        reply = client.post("/count", params={"text": "three words here"})
        assert reply.json() == {"words": 3}
        client.post("/count", params={"text": "again"})
        assert len(created) == 1  # one pool for every request
    with pytest.raises(RuntimeError, match="after shutdown"):
        created[0].submit(abs, -1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_stopping_the_server_stops_the_pool_workers(
    uvicorn_server: Callable[..., UvicornServer],
) -> None:
    server = uvicorn_server("ch_executors.lifespan_pool:app", env={"CPU_WORKERS": "1"})
    pid = httpx.get(f"{server.url}/worker-pid", timeout=30).json()["pid"]
    assert _alive(pid)
    server.stop()  # SIGTERM: uvicorn runs the lifespan's shutdown
    # shutdown(wait=True) joined the workers before the server process exited.
    assert not _alive(pid)
