"""The service tested without a network: MockTransport, overrides, lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from ch_llm_fastapi.app import create_app, gateway
from ch_llm_fastapi.gateway import VendorGateway
from ch_llm_fastapi.metrics import Metrics
from ch_llm_fastapi.offline import completion, vendor_answering
from ch_llm_fastapi.settings import Settings

PROMPT = {"prompt": "hi"}


def test_mock_vendor_answer_reaches_the_client() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return completion("hello from the mock")

    for client in vendor_answering(handler):
        assert client.post("/v1/complete", json=PROMPT).json() == {
            "text": "hello from the mock"
        }
    assert seen[0].url.path == "/v1/chat/completions"
    assert seen[0].headers["idempotency-key"]


def test_garbage_from_the_vendor_is_502() -> None:
    for client in vendor_answering(lambda _: httpx.Response(200, text="<html>")):
        response = client.post("/v1/complete", json=PROMPT)
    assert response.status_code == 502
    assert response.json()["detail"] == "vendor answer was not a completion"


def test_a_500_then_a_200_is_retried_to_success() -> None:
    answers = iter([httpx.Response(500), completion("second time")])
    for client in vendor_answering(lambda _: next(answers)):
        response = client.post("/v1/complete", json=PROMPT)
        scrape = client.get("/metrics").text
    assert response.json() == {"text": "second time"}
    assert 'llm_vendor_retries_total{reason="500"} 1.0' in scrape


def test_connection_errors_are_retried_then_502() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    for client in vendor_answering(refuse):
        response = client.post("/v1/complete", json=PROMPT)
    assert response.status_code == 502
    assert response.json()["detail"] == "the model failed (connection)"


def test_vendor_429_on_a_stream_is_503() -> None:
    for client in vendor_answering(lambda _: httpx.Response(429)):
        response = client.post("/v1/stream", json=PROMPT)
    assert response.status_code == 503


def test_stream_that_cannot_connect_is_502_or_504() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    for client in vendor_answering(refuse):
        assert client.post("/v1/stream", json=PROMPT).status_code == 502
    for client in vendor_answering(slow):
        assert client.post("/v1/stream", json=PROMPT).status_code == 504


def test_missing_api_key_is_401_with_www_authenticate() -> None:
    for client in vendor_answering(lambda _: completion("x")):
        response = client.post("/v1/complete", json=PROMPT, headers={"X-API-Key": ""})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'ApiKey header="X-API-Key"'


def test_request_id_is_echoed_and_sanitised() -> None:
    for client in vendor_answering(lambda _: completion("x")):
        kept = client.get("/livez", headers={"X-Request-ID": "abc-123"})
        replaced = client.get("/livez", headers={"X-Request-ID": "bad id\x01"})
    assert kept.headers["x-request-id"] == "abc-123"
    assert len(replaced.headers["x-request-id"]) == 32


class FakeGateway:
    async def complete(self, body: dict[str, object]) -> dict[str, object]:
        return {"choices": [{"message": {"content": "overridden"}}]}


@pytest.fixture
def overridden() -> Iterator[TestClient]:
    app = create_app(Settings(vendor_url="http://vendor.invalid"))
    app.dependency_overrides[gateway] = FakeGateway
    with TestClient(app, headers={"X-API-Key": "k"}) as client:
        yield client


def test_dependency_override_replaces_the_gateway(overridden: TestClient) -> None:
    assert overridden.post("/v1/complete", json=PROMPT).json() == {"text": "overridden"}


def test_lifespan_closes_the_vendor_client() -> None:
    app = create_app(Settings(vendor_url="http://vendor.invalid"))
    with TestClient(app):
        client: httpx.AsyncClient = app.state.http
        assert not client.is_closed
    assert client.is_closed


def test_retries_sleep_outside_the_slot_with_full_jitter() -> None:
    in_flight_while_sleeping: list[float] = []
    waits: list[float] = []
    metrics = Metrics()

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        in_flight_while_sleeping.append(metrics.in_flight._value.get())

    async def scenario() -> dict[str, object]:
        answers = iter([httpx.Response(503), httpx.Response(503), completion("ok")])
        transport = httpx.MockTransport(lambda _: next(answers))
        settings = Settings(vendor_url="http://v", backoff_base=1.0, backoff_cap=1.5)
        async with httpx.AsyncClient(transport=transport, base_url="http://v") as c:
            gw = VendorGateway(c, settings, metrics, sleep=sleep, rng=lambda: 0.5)
            return await gw.complete({"model": "m", "messages": []})

    asyncio.run(scenario())
    assert waits == [0.5, 0.75]  # rng * min(cap, base * 2**attempt)
    assert in_flight_while_sleeping == [0.0, 0.0]  # the slot was released first


def test_retry_after_hint_is_honoured_but_never_past_the_deadline() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def scenario(hint_ms: str) -> int:
        answers = iter([httpx.Response(429, headers={"retry-after-ms": hint_ms})] * 3)
        transport = httpx.MockTransport(lambda _: next(answers))
        settings = Settings(vendor_url="http://v", deadline=5.0, max_attempts=2)
        async with httpx.AsyncClient(transport=transport, base_url="http://v") as c:
            gw = VendorGateway(c, settings, Metrics(), sleep=sleep)
            try:
                await gw.complete({})
            except Exception as exc:  # the mapped problem
                return int(getattr(exc, "status", 0))
        return 0  # pragma: no cover - the vendor always refuses here

    assert asyncio.run(scenario("250")) == 503
    assert waits == [0.25]
    assert asyncio.run(scenario("60000")) == 503  # 60 s > 5 s deadline: no sleep
    assert waits == [0.25]


def test_a_complete_stream_is_relayed_to_the_end() -> None:
    events = b'data: {"n": 1}\n\ndata: {"n": 2}\n\ndata: [DONE]\n\n'
    answer = httpx.Response(200, content=events)
    for client in vendor_answering(lambda _: answer):
        relayed = client.post("/v1/stream", json=PROMPT).text
        scrape = client.get("/metrics").text
    assert relayed == events.decode()
    assert 'llm_stream_ends_total{how="completed"} 1.0' in scrape
    assert "llm_stream_chunks_total 3.0" in scrape


def test_over_quota_key_is_429_offline() -> None:
    transport = httpx.MockTransport(lambda _: completion("x"))
    settings = Settings(vendor_url="http://v", quota_burst=1, quota_per_second=0.5)
    with TestClient(create_app(settings, transport=transport)) as client:
        first = client.post("/v1/complete", json=PROMPT, headers={"X-API-Key": "a"})
        second = client.post("/v1/complete", json=PROMPT, headers={"X-API-Key": "a"})
    assert (first.status_code, second.status_code) == (200, 429)
    assert second.headers["retry-after"] == "2"
