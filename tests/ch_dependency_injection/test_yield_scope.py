from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ch_dependency_injection import yield_scope


@pytest.fixture
def client() -> Iterator[TestClient]:
    yield_scope.events.clear()
    with TestClient(yield_scope.app) as test_client:
        yield test_client


def test_function_scope_tears_down_before_the_stream_runs(client: TestClient) -> None:
    assert client.get("/stream").text == "function: closed\nrequest: open\n"
    assert yield_scope.events == [
        "function dep: setup",
        "request dep: setup",
        "endpoint returned",
        "function dep: teardown",
        "chunk: function resource is closed",
        "chunk: request resource is open",
        "request dep: teardown",
    ]


def test_subdependencies_set_up_first_and_tear_down_last(client: TestClient) -> None:
    client.get("/order")
    assert yield_scope.events == [
        "outer: setup",
        "inner: setup",
        "endpoint",
        "inner: teardown",
        "outer: teardown",
    ]
