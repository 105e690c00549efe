from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ch_dependency_injection import auth


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(clock: FakeClock) -> Iterator[TestClient]:
    bucket = auth.KeyedTokenBucket(rate=0.5, burst=2.0, clock=clock)
    with TestClient(auth.create_app(bucket)) as test_client:
        yield test_client


def test_missing_key_is_401_with_www_authenticate(client: TestClient) -> None:
    response = client.post("/v1/complete")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'ApiKey header="X-API-Key"'
    wrong = client.post("/v1/complete", headers={"X-API-Key": "nope"})
    assert wrong.status_code == 401


def test_router_dependencies_leave_health_checks_open(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200


def test_app_level_auth_locks_out_the_probe() -> None:
    with TestClient(auth.locked_out) as client:
        assert client.get("/healthz").status_code == 401


def test_per_key_limit_is_429_for_that_key_only(
    client: TestClient, clock: FakeClock
) -> None:
    alpha = {"X-API-Key": "key-alpha"}
    beta = {"X-API-Key": "key-beta"}
    assert [client.post("/v1/complete", headers=alpha).status_code for _ in "ab"] == [
        200,
        200,
    ]
    limited = client.post("/v1/complete", headers=alpha)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "2"  # 1 token at 0.5 tokens/s
    assert client.post("/v1/complete", headers=beta).json() == {"tenant": "beta"}
    clock.now += 2.0
    assert client.post("/v1/complete", headers=alpha).status_code == 200
