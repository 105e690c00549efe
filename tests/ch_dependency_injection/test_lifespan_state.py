from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from ch_dependency_injection import lifespan_state
from tests.support.services import UvicornServer


@pytest.fixture
def client(
    uvicorn_server: Callable[..., UvicornServer], monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    upstream = uvicorn_server("ch_dependency_injection._upstream:app")
    monkeypatch.setenv("BOOK_DI_UPSTREAM", upstream.url)
    with TestClient(lifespan_state.app) as test_client:
        yield test_client


def test_lifespan_client_reuses_one_connection(client: TestClient) -> None:
    ports = {client.get("/shared").json() for _ in range(5)}
    assert len(ports) == 1  # the upstream saw one TCP connection


def test_per_request_client_opens_a_connection_each_time(client: TestClient) -> None:
    ports = {client.get("/per-request").json() for _ in range(5)}
    assert len(ports) == 5  # five handshakes, five pools built and torn down


def test_lifespan_closes_the_shared_client() -> None:
    async def scenario() -> httpx.AsyncClient:
        async with lifespan_state.lifespan(lifespan_state.app) as state:
            client = state["http"]
            assert not client.is_closed
        return client

    assert asyncio.run(scenario()).is_closed
