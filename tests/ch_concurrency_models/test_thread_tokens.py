"""Starlette's thread pool has 40 tokens, shared by sync endpoints and dependencies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from ch_concurrency_models import thread_tokens
from tests.support.services import UvicornServer

APP = "ch_concurrency_models.thread_tokens:app"


def test_default_pool_has_40_tokens() -> None:
    assert thread_tokens.default_thread_tokens() == 40


def test_server_reports_40_tokens(uvicorn_server: Callable[..., UvicornServer]) -> None:
    server = uvicorn_server(APP)
    reply = httpx.get(f"{server.url}/tokens", timeout=10).json()
    assert reply == {"total": 40, "borrowed": 0}


async def _exhaust_then_probe(url: str) -> tuple[bool, int]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        # Two sync endpoint calls take both tokens and wait on the gate.
        holders = [asyncio.create_task(client.get("/sync-endpoint")) for _ in range(2)]
        entered = await client.post("/wait-entered", params={"count": 2})
        assert entered.json() == {"entered": True}
        tokens = (await client.get("/tokens")).json()  # async: needs no token
        assert tokens == {"total": 2, "borrowed": 2}
        # An async endpoint whose *dependency* is sync needs a token too.
        probe = asyncio.create_task(client.get("/async-with-sync-dependency"))
        done, _ = await asyncio.wait([probe], timeout=1.0)
        starved = not done  # still waiting for a token after 1 s
        await client.post("/release")
        replies = await asyncio.gather(*holders, probe)
        return starved, sum(r.status_code == 200 for r in replies)


@pytest.mark.slow
def test_sync_dependency_waits_for_a_token_held_by_sync_endpoints(
    uvicorn_server: Callable[..., UvicornServer],
) -> None:
    server = uvicorn_server(APP, env={"BOOK_THREAD_TOKENS": "2"})
    starved, ok = asyncio.run(_exhaust_then_probe(server.url))
    assert starved  # the dependency could not start while both tokens were taken
    assert ok == 3  # and everything completed once the gate opened
