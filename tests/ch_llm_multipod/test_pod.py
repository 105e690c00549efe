"""The pod answers overload with 503 and Retry-After, never a vendor 429."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support.multipod_pods import Pods
from tests.support.vendor import FakeVendor


@pytest.mark.slow
def test_a_pod_without_a_free_slot_answers_503_with_retry_after(
    fake_vendor: FakeVendor,
) -> None:
    fake_vendor.configure(latency=1.0)  # each call holds the only slot for 1 s
    env = {
        "POD_VENDOR_URL": fake_vendor.url,
        "POD_SLOTS": "1",
        "POD_ADMISSION_WAIT": "0.2",
        "POD_RATE": "100",
    }

    async def scenario(url: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            first = asyncio.create_task(
                client.post("/v1/complete", json={"prompt": "a"})
            )
            for _ in range(500):  # bounded: until the first call holds the slot
                if fake_vendor.requests():
                    break
                await asyncio.sleep(0.01)
            second = await client.post("/v1/complete", json={"prompt": "b"})
            who = await client.get("/v1/whoami")
            return [await first, second, who]

    with Pods(1, env=env) as pod:
        first, second, who = asyncio.run(scenario(pod.urls[0]))
    assert first.status_code == 200
    assert first.headers["x-pod"] == "pod-0"
    assert second.status_code == 503
    assert second.json()["detail"] == "no local slot"
    assert second.headers["retry-after"] == "1"
    assert who.json() == {"pod": "pod-0"}
