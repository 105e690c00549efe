"""At the service boundary an open breaker and shedding are fast 503s."""

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.services import UvicornServer, local_tls
from tests.support.vendor import FakeVendor, _coverage_env

APP = "ch_llm_resilience.service:app"
BODY = {"prompt": "hello", "max_tokens": 8}


@pytest.fixture(scope="module")
def service_process(vendor_server: FakeVendor) -> Iterator[UvicornServer]:
    """One service process for the module (starting uvicorn takes seconds)."""
    env = {
        "BOOK_RES_VENDOR_URL": vendor_server.url,
        "BOOK_RES_MIN_CALLS": "5",
        "BOOK_RES_OPEN_FOR": "60",
        "BOOK_RES_MAX_IN_FLIGHT": "1",
        "BOOK_RES_ADMISSION_TIMEOUT": "0.2",
        "BOOK_RES_CALL_TIMEOUT": "2.0",
        **_coverage_env(),
    }
    with UvicornServer(APP, env=env, extra_args=["--no-access-log"]) as server:
        yield server


@pytest.fixture
def service(service_process: UvicornServer) -> UvicornServer:
    """The module's service with a closed breaker."""
    response = httpx.post(
        f"{service_process.url}/breaker/close", timeout=10.0, verify=local_tls()
    )
    assert response.json() == {"state": "closed"}
    return service_process


def test_open_breaker_answers_503_with_retry_after_without_calling_the_vendor(
    fake_vendor: FakeVendor, service: UvicornServer
) -> None:
    fake_vendor.configure(fault="status", fault_status=503, fault_probability=1.0)
    headers = {"x-api-key": "key-acme-prod"}
    with httpx.Client(base_url=service.url, timeout=10.0) as http:
        first = [
            http.post("/v1/complete", json=BODY, headers=headers) for _ in range(5)
        ]
        assert [r.status_code for r in first] == [502] * 5
        assert http.get("/breaker").json() == {"state": "open"}
        rejected = http.post("/v1/complete", json=BODY, headers=headers)
    assert rejected.status_code == 503
    assert rejected.headers["content-type"] == "application/problem+json"
    assert 1 <= int(rejected.headers["retry-after"]) <= 60
    assert rejected.json()["detail"] == "the model is unavailable"
    assert len(fake_vendor.requests()) == 5  # the sixth never left the pod


def test_vendor_400s_never_open_the_breaker_at_the_boundary(
    fake_vendor: FakeVendor, service: UvicornServer
) -> None:
    fake_vendor.configure(fault="status", fault_status=400, fault_probability=1.0)
    headers = {"x-api-key": "key-acme-prod"}
    with httpx.Client(base_url=service.url, timeout=10.0) as http:
        statuses = {
            http.post("/v1/complete", json=BODY, headers=headers).status_code
            for _ in range(20)
        }
        assert statuses == {422}  # the caller's prompt, not the vendor's health
        assert http.get("/breaker").json() == {"state": "closed"}


@pytest.mark.parametrize("timeout", ["0", "-1"])
def test_an_expired_deadline_is_shed_before_the_vendor_is_called(
    timeout: str,
    fake_vendor: FakeVendor,
    service: UvicornServer,
) -> None:
    headers = {"x-api-key": "key-acme-prod", "x-request-timeout": timeout}
    with httpx.Client(base_url=service.url, timeout=10.0) as http:
        shed = http.post("/v1/complete", json=BODY, headers=headers)
        ok = http.post(
            "/v1/complete", json=BODY, headers={**headers, "x-request-timeout": "5"}
        )
    assert shed.status_code == 503
    assert shed.headers["retry-after"] == "1"
    assert shed.json()["detail"] == "shed: deadline already passed"
    assert ok.status_code == 200
    assert len(fake_vendor.requests()) == 1


@pytest.mark.parametrize(
    ("fault", "status", "detail"),
    [
        ({"fault_status": 429}, 503, "the model's capacity is exhausted"),
        ({"fault": "hang"}, 504, "the model did not answer in time"),
        ({"fault": "reset"}, 502, "the model could not be reached"),
    ],
)
def test_vendor_outcomes_map_to_the_book_status_codes(
    fault: dict[str, object],
    status: int,
    detail: str,
    fake_vendor: FakeVendor,
    service: UvicornServer,
) -> None:
    fake_vendor.configure(**{"fault": "status", "fault_probability": 1.0, **fault})
    response = httpx.post(
        f"{service.url}/v1/complete",
        json=BODY,
        headers={"x-api-key": "key-acme-prod"},
        timeout=10.0,
        verify=local_tls(),
    )
    assert response.status_code == status
    assert response.json()["detail"] == detail


def test_no_free_slot_within_the_admission_timeout_is_a_503(
    fake_vendor: FakeVendor, service: UvicornServer
) -> None:
    fake_vendor.configure(latency=1.5)  # the one slot stays busy for 1.5 s
    headers = {"x-api-key": "key-acme-prod"}

    def post() -> httpx.Response:
        return httpx.post(
            f"{service.url}/v1/complete",
            json=BODY,
            headers=headers,
            timeout=10.0,
            verify=local_tls(),
        )

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(post)
        deadline = time.monotonic() + 10
        while fake_vendor.stats()["in_flight"] < 1:  # bounded wait: slot taken
            assert time.monotonic() < deadline
            time.sleep(0.01)
        second = post()
        assert first.result().status_code == 200
    assert second.status_code == 503
    assert second.json()["detail"] == "no capacity for model calls"
    assert len(fake_vendor.requests()) == 1
