"""Three real pods: per-pod limiters send about 3x the limit; one Redis bucket holds."""

from __future__ import annotations

import asyncio

import pytest

from ch_llm_multipod.multipod_experiment import offer
from tests.support.multipod_pods import Pods
from tests.support.services import RedisServer
from tests.support.vendor import FakeVendor

LIMIT = 10.0  # vendor requests per second
DURATION = 2.5
WARMUP = 0.5


def pod_env(limiter: str, vendor: FakeVendor, redis: RedisServer) -> dict[str, str]:
    return {
        "POD_LIMITER": limiter,
        "POD_VENDOR_URL": vendor.url,
        "POD_REDIS_URL": redis.url,
        "POD_RATE": str(LIMIT),  # every pod is told the whole vendor limit
        "POD_PODS": "3",
        "POD_ADMISSION_WAIT": "0.3",
    }


@pytest.fixture
def vendor(fake_vendor: FakeVendor) -> FakeVendor:
    fake_vendor.configure(rpm=int(LIMIT), window=1.0, latency=0.02)
    return fake_vendor


def vendor_rate(vendor: FakeVendor) -> float:
    records = vendor.requests()
    start = records[0].t + WARMUP
    end = records[0].t + DURATION
    return sum(1 for r in records if start <= r.t < end) / (end - start)


@pytest.mark.slow
def test_per_pod_limiters_triple_the_vendor_rate_and_a_global_one_holds_it(
    vendor: FakeVendor, redis_server: RedisServer
) -> None:
    rates = {}
    for limiter in ("local", "global"):
        vendor.reset()
        vendor.configure(rpm=int(LIMIT), window=1.0, latency=0.02)
        with Pods(3, env=pod_env(limiter, vendor, redis_server)) as pods:
            answers = asyncio.run(offer(pods.urls, 6 * LIMIT, DURATION))
        rates[limiter] = vendor_rate(vendor)
        assert {a.status for a in answers} <= {200, 503}
    print(
        f"vendor limit {LIMIT:.0f}/s; vendor saw {rates['local']:.1f}/s with "
        f"per-pod limiters and {rates['global']:.1f}/s with the Redis bucket"
    )
    assert 2.0 * LIMIT <= rates["local"] <= 3.3 * LIMIT  # about N = 3 times
    assert rates["global"] <= LIMIT * 1.1 + 1  # the limit, plus one of slack
    assert rates["global"] >= LIMIT * 0.7  # and the quota is actually used
