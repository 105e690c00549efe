"""Every status the service maps, against a real uvicorn and the real fake vendor."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import httpx
import pytest

from tests.support.services import UvicornServer, local_tls
from tests.support.vendor import FakeVendor

from ._service import APP, service_env


@pytest.fixture(scope="module")
def service(vendor_server: FakeVendor) -> Iterator[UvicornServer]:
    """One service for the module: short timeouts, a tiny per-key quota."""
    env = service_env(
        vendor_server, attempt_timeout=0.3, deadline=1.0, backoff_base=0.01,
        quota_burst=1, quota_per_second=0.5,
    )  # fmt: skip
    with UvicornServer(APP, env=env) as server:
        yield server


@pytest.fixture(scope="module")
def one_slot_service(vendor_server: FakeVendor) -> Iterator[UvicornServer]:
    """One vendor call at a time, and at most 0.2 s of waiting for it."""
    env = service_env(vendor_server, max_in_flight=1, admission_timeout=0.2)
    with UvicornServer(APP, env=env) as server:
        yield server


PROMPT = {"prompt": "hello", "max_tokens": 4}
PROBLEM = "application/problem+json"


def post(server: UvicornServer, key: str | None = None) -> httpx.Response:
    headers = {"X-API-Key": key or uuid4().hex}  # a fresh caller unless named
    return httpx.post(
        f"{server.url}/v1/complete",
        json=PROMPT,
        headers=headers,
        timeout=20,
        verify=local_tls(),
    )


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def test_over_quota_caller_gets_429_with_retry_after(
    service: UvicornServer, fake_vendor: FakeVendor
) -> None:
    server = service
    assert post(server, "alpha").status_code == 200
    limited = post(server, "alpha")
    assert limited.status_code == 429
    assert limited.headers["content-type"] == PROBLEM
    assert limited.headers["retry-after"] == "2"
    assert limited.json()["type"].endswith("/quota-exceeded")
    assert post(server, "beta").status_code == 200  # other callers are unaffected
    assert len(fake_vendor.requests()) == 2  # the rejected call cost the vendor nothing


def test_no_slot_within_admission_timeout_is_503_with_retry_after(
    one_slot_service: UvicornServer, fake_vendor: FakeVendor
) -> None:
    server = one_slot_service
    fake_vendor.configure(latency=1.0)
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(post, server)
        wait_until(lambda: len(fake_vendor.requests()) == 1)  # the slot is taken
        rejected = post(server)
        assert held.result().status_code == 200
    assert rejected.status_code == 503
    assert rejected.headers["retry-after"] == "1"
    assert rejected.json()["status"] == 503
    assert len(fake_vendor.requests()) == 1  # shed before reaching the vendor


def test_vendor_out_of_capacity_is_503_not_429(
    service: UvicornServer, fake_vendor: FakeVendor
) -> None:
    server = service
    fake_vendor.configure(rpm=1, window=60.0)
    assert post(server).status_code == 200
    overloaded = post(server)
    assert overloaded.status_code == 503  # not the caller's quota: ours
    assert int(overloaded.headers["retry-after"]) >= 1
    assert [r.status for r in fake_vendor.requests()] == [200, 429]  # no retry:
    # the vendor's Retry-After (60 s) would outlive the deadline


def test_vendor_hang_past_the_deadline_is_504(
    service: UvicornServer, fake_vendor: FakeVendor
) -> None:
    server = service
    fake_vendor.configure(fault="hang", fault_first=10, hang_seconds=5)
    response = post(server)
    assert response.status_code == 504
    assert response.json()["title"] == "Upstream timed out"
    attempts = fake_vendor.requests()
    assert 2 <= len(attempts) <= 3  # 0.3 s each, never past the 1 s deadline


def test_vendor_errors_after_retries_are_502(
    service: UvicornServer, fake_vendor: FakeVendor
) -> None:
    server = service
    fake_vendor.configure(fault="status", fault_status=500, fault_first=10)
    response = post(server)
    assert response.status_code == 502
    body = response.json()
    assert body["detail"] == "the model failed (500)"  # no vendor internals leak
    records = fake_vendor.requests()
    assert [r.attempt for r in records] == [0, 1, 2]
    assert len({r.idempotency_key for r in records}) == 1  # one key, three attempts


def test_vendor_400_is_a_422_the_caller_can_fix_and_is_not_retried(
    service: UvicornServer, fake_vendor: FakeVendor
) -> None:
    server = service
    fake_vendor.configure(fault="status", fault_status=400, fault_first=10)
    response = post(server)
    assert response.status_code == 422
    assert response.json()["type"].endswith("/prompt-rejected")
    assert len(fake_vendor.requests()) == 1
