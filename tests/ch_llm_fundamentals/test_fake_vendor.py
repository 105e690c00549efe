"""The fake vendor's own tests: each limit and each fault, over real HTTP."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

import httpx
import pytest

from ch_llm_fundamentals.fake_vendor import VendorConfig
from tests.support.vendor import FakeVendor

BODY: dict[str, Any] = {
    "model": "fake-1",
    "messages": [{"role": "user", "content": "Say hello"}],  # 3 prompt tokens
    "max_tokens": 5,
}


def post(vendor: FakeVendor, **kwargs: Any) -> httpx.Response:
    kwargs.setdefault("json", BODY)
    kwargs.setdefault("timeout", 10.0)
    return vendor.http.post(vendor.completions_url, **kwargs)


def test_answers_an_openai_style_completion(fake_vendor: FakeVendor) -> None:
    response = post(fake_vendor)
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["role"] == "assistant"
    assert body["usage"] == {
        "prompt_tokens": 3,
        "completion_tokens": 5,
        "total_tokens": 8,
    }
    assert response.headers["x-request-id"].startswith("req_")


def test_the_openai_sdk_talks_to_it(fake_vendor: FakeVendor) -> None:
    from openai import OpenAI  # not at the top: see test_sdk_retries.py

    with OpenAI(base_url=f"{fake_vendor.url}/v1", api_key="k") as client:
        completion = client.chat.completions.create(
            model="fake-1", messages=[{"role": "user", "content": "Say hello"}]
        )
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 8
    (record,) = fake_vendor.requests()
    assert record.attempt == 0  # x-stainless-retry-count
    assert record.status == 200
    assert record.billed


def test_records_attempt_idempotency_key_and_client(fake_vendor: FakeVendor) -> None:
    headers = {"x-attempt": "3", "idempotency-key": "k-1", "x-client": "a"}
    post(fake_vendor, headers=headers)
    (record,) = fake_vendor.requests()
    assert (record.attempt, record.idempotency_key, record.client) == (3, "k-1", "a")
    assert record.t <= time.monotonic()
    assert record.t_end is not None
    assert record.t_end >= record.t


def test_invalid_body_gets_400(fake_vendor: FakeVendor) -> None:
    response = post(fake_vendor, json={"model": "fake-1", "messages": []})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert fake_vendor.requests()[0].outcome == "invalid"


def test_request_limit_answers_429_with_retry_after(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(rpm=3, window=60.0)
    statuses = [post(fake_vendor).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    rejected = post(fake_vendor)
    assert rejected.status_code == 429
    # 1 request per 20 s refills: the wait is up to 20 s, announced both ways.
    assert 1 <= int(rejected.headers["retry-after"]) <= 20
    assert 0 < int(rejected.headers["retry-after-ms"]) <= 20_000
    assert rejected.headers["x-ratelimit-limit-requests"] == "3"
    assert rejected.headers["x-ratelimit-remaining-requests"] == "0"
    assert rejected.json()["error"]["code"] == "rate_limit_exceeded"
    # Rejected requests use no quota; the records say what happened.
    outcomes = [r.outcome for r in fake_vendor.requests()]
    assert outcomes == ["ok"] * 3 + ["rate_limited_requests"] * 2


def test_request_limit_refills_on_the_time_scale(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(rpm=2, window=1.0)  # 2 requests per second
    responses = [post(fake_vendor) for _ in range(3)]
    rejected = responses[-1]
    assert rejected.status_code == 429
    retry_ms = int(rejected.headers["retry-after-ms"])
    assert retry_ms <= 500
    time.sleep(retry_ms / 1000 + 0.05)  # the wait the vendor itself announced
    assert post(fake_vendor).status_code == 200


def test_token_limit_counts_prompt_and_max_tokens(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(tpm=20)  # each request costs 3 + 5 = 8 tokens
    statuses = [post(fake_vendor).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert [r.tokens for r in fake_vendor.requests()] == [8, 8, 0]
    assert fake_vendor.requests()[-1].outcome == "rate_limited_tokens"
    too_big = post(fake_vendor, json={**BODY, "max_tokens": 50})
    assert too_big.status_code == 400  # can never fit: no point retrying
    assert too_big.json()["error"]["code"] == "request_too_large"


def test_concurrency_limit(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(max_concurrency=2, latency=1.0)

    async def burst() -> list[int]:
        async with httpx.AsyncClient(timeout=10.0) as client:

            async def one(delay: float) -> int:
                await asyncio.sleep(delay)
                response = await client.post(fake_vendor.completions_url, json=BODY)
                return response.status_code

            return list(await asyncio.gather(one(0), one(0), one(0.3)))

    assert asyncio.run(burst()) == [200, 200, 429]
    assert fake_vendor.stats()["peak_in_flight"] == 3
    assert fake_vendor.requests()[-1].outcome == "concurrency_limited"


def test_seeded_latency_is_repeatable(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(latency=0.05, latency_max=0.15, seed=7)
    first = [post(fake_vendor) for _ in range(3)]
    fake_vendor.configure(seed=7)
    second = [post(fake_vendor) for _ in range(3)]
    assert all(r.status_code == 200 for r in first + second)
    drawn = [r.latency for r in fake_vendor.requests()]
    assert all(0.05 <= d <= 0.15 for d in drawn)
    assert drawn[:3] == drawn[3:]  # same seed, same draws
    assert len(set(drawn[:3])) == 3
    for record in fake_vendor.requests():
        assert (record.t_end or 0) - record.t >= record.latency


def test_a_failed_attempt_frees_its_idempotency_key(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(fault="status", fault_status=503, fault_first=1)
    key = {"idempotency-key": "k-2"}
    assert post(fake_vendor, headers=key).status_code == 503
    retry = post(fake_vendor, headers=key)
    assert retry.status_code == 200
    assert "idempotent-replayed" not in retry.headers


@pytest.mark.parametrize("status", [500, 502, 503, 400, 401, 404, 422])
def test_status_fault_hits_the_first_n(fake_vendor: FakeVendor, status: int) -> None:
    fake_vendor.configure(fault="status", fault_status=status, fault_first=2)
    statuses = [post(fake_vendor).status_code for _ in range(3)]
    assert statuses == [status, status, 200]


def test_status_fault_by_probability_is_seeded(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(fault="status", fault_probability=0.5, seed=1)
    first = [post(fake_vendor).status_code for _ in range(10)]
    fake_vendor.configure(seed=1)
    second = [post(fake_vendor).status_code for _ in range(10)]
    assert first == second
    assert set(first) == {200, 500}


def test_fault_retry_after_ms_header(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(fault="status", fault_first=1, fault_retry_after_ms=10)
    assert post(fake_vendor).headers["retry-after-ms"] == "10"


def test_hang_outlives_the_client_timeout(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(fault="hang", fault_first=1, hang_seconds=30)
    with pytest.raises(httpx.ReadTimeout):
        post(fake_vendor, timeout=httpx.Timeout(5.0, read=0.3))
    # The vendor notices the client leaving and frees the request.
    deadline = time.monotonic() + 5
    while fake_vendor.stats()["in_flight"] and time.monotonic() < deadline:
        time.sleep(0.02)
    (record,) = fake_vendor.requests()
    assert record.outcome == "hang"
    assert not record.billed


def test_hang_ends_after_hang_seconds(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(fault="hang", fault_first=1, hang_seconds=0.1)
    assert post(fake_vendor).status_code == 504


def test_reset_closes_the_connection(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(fault="reset", fault_first=1)
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        post(fake_vendor)
    assert post(fake_vendor).status_code == 200
    assert [r.outcome for r in fake_vendor.requests()] == ["reset", "ok"]


def test_trickle_spaces_the_body(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(fault="trickle", fault_first=1, trickle_chunks=4)
    fake_vendor.configure(trickle_interval=0.1)
    arrivals: list[float] = []
    chunks: list[bytes] = []
    with httpx.stream("POST", fake_vendor.completions_url, json=BODY) as response:
        for chunk in response.iter_raw():
            arrivals.append(time.monotonic())
            chunks.append(chunk)
    assert len(chunks) == 4
    assert json.loads(b"".join(chunks))["object"] == "chat.completion"
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert all(gap >= 0.05 for gap in gaps)


def test_streaming_answers_server_sent_events(fake_vendor: FakeVendor) -> None:
    from openai import OpenAI  # not at the top: see test_sdk_retries.py

    with OpenAI(base_url=f"{fake_vendor.url}/v1", api_key="k") as client:
        stream = client.chat.completions.create(
            model="fake-1",
            messages=[{"role": "user", "content": "hi"}],
            max_tokens=3,
            stream=True,
        )
        words = [chunk.choices[0].delta.content for chunk in stream]
    assert words == ["word0 ", "word1 ", "word2 "]


def test_slow_work_is_done_and_an_idempotency_key_replays_it(
    fake_vendor: FakeVendor,
) -> None:
    fake_vendor.configure(fault="slow", fault_first=1, slow_seconds=0.5)
    key = {"idempotency-key": "order-42"}
    with pytest.raises(httpx.ReadTimeout):
        post(fake_vendor, headers=key, timeout=httpx.Timeout(5.0, read=0.1))
    # While the first attempt still runs, the same key gets 409.
    assert post(fake_vendor, headers=key).status_code == 409
    deadline = time.monotonic() + 5
    while not fake_vendor.requests()[0].billed and time.monotonic() < deadline:
        time.sleep(0.02)
    replay = post(fake_vendor, headers=key)
    assert replay.status_code == 200
    assert replay.headers["idempotent-replayed"] == "true"
    billed = [r.billed for r in fake_vendor.requests()]
    assert billed == [True, False, False]  # the work was done (and billed) once


def test_reset_restores_defaults(fake_vendor: FakeVendor) -> None:
    fake_vendor.configure(rpm=1)
    post(fake_vendor)
    fake_vendor.reset()
    assert fake_vendor.config().rpm is None
    assert fake_vendor.requests() == []
    assert fake_vendor.stats() == {"in_flight": 0, "peak_in_flight": 0}


def test_initial_config_from_environment() -> None:
    with FakeVendor(VendorConfig(rpm=1)) as vendor:
        assert vendor.config().rpm == 1
        assert [post(vendor).status_code for _ in range(2)] == [200, 429]
