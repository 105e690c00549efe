from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ch_dependency_injection import aliases


@pytest.fixture
def client() -> Iterator[TestClient]:
    aliases.calls.clear()
    aliases.get_settings.cache_clear()
    with TestClient(aliases.app) as test_client:
        yield test_client


def test_shared_subdependency_runs_once_per_request(client: TestClient) -> None:
    first = client.get("/ids").json()
    assert len(set(first)) == 1  # endpoint and both sub-dependencies saw one value
    assert aliases.calls["request_id"] == 1
    second = client.get("/ids").json()
    assert aliases.calls["request_id"] == 2  # the cache lives for one request only
    assert first != second


def test_use_cache_false_calls_the_dependency_again(client: TestClient) -> None:
    first, second = client.get("/ids-uncached").json()
    assert aliases.calls["request_id"] == 2
    assert first != second


def test_uncached_settings_are_rebuilt_on_every_request(client: TestClient) -> None:
    client.get("/settings-fresh")
    client.get("/settings-fresh")
    assert aliases.calls["read_settings"] == 2


def test_lru_cache_builds_settings_once_per_process(client: TestClient) -> None:
    first = client.get("/settings").json()
    second = client.get("/settings").json()
    assert first == second
    assert aliases.calls["read_settings"] == 1
