"""Readiness that checks the vendor takes every pod out at once."""

from __future__ import annotations

from contextlib import ExitStack

from fastapi.testclient import TestClient

from ch_llm_fastapi.deep_readiness import create_app_with_deep_readiness
from ch_llm_fastapi.settings import Settings
from tests.support.vendor import FakeVendor

PODS = 3


def test_vendor_outage_fails_deep_readiness_on_every_pod(
    fake_vendor: FakeVendor,
) -> None:
    settings = Settings(vendor_url=fake_vendor.url, backoff_base=0.01)
    with ExitStack() as stack:
        pods = [
            stack.enter_context(TestClient(create_app_with_deep_readiness(settings)))
            for _ in range(PODS)
        ]
        assert [p.get("/readyz-deep").status_code for p in pods] == [200] * PODS
        fake_vendor.configure(fault="status", fault_status=503, fault_first=1000)
        # the anti-pattern: all three leave the load balancer together
        assert [p.get("/readyz-deep").status_code for p in pods] == [503] * PODS
        # the fix: readiness says "this process can serve", and it can:
        assert [p.get("/readyz").status_code for p in pods] == [200] * PODS
        answer = pods[0].post(
            "/v1/complete", json={"prompt": "hi"}, headers={"X-API-Key": "k"}
        )
        assert answer.status_code == 502  # a fast, explicit failure per request
        assert pods[0].get("/livez").json() == {"status": "alive"}


def test_readiness_is_503_outside_the_lifespan(fake_vendor: FakeVendor) -> None:
    app = create_app_with_deep_readiness(Settings(vendor_url=fake_vendor.url))
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
        health = client.app_state["health"]
        health.ready = False  # what the lifespan does once draining starts
        assert client.get("/readyz").status_code == 503
        health.ready = True
    assert health.ready is False  # draining: the lifespan has ended
